// zwfw: the command-line client of the zwfw services.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"

ABSL_DECLARE_FLAG(std::string, token_file);

int main(int argc, char** argv) {
  const std::string usage = zwfw::cli::FullUsage();
  absl::SetProgramUsageMessage(usage);
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::cerr << usage << "\n";
    return zwfw::cli::kExitUsage;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "tokens") {
    return zwfw::cli::RunTokensCommand(absl::GetFlag(FLAGS_token_file), args);
  }
  absl::StatusOr<zwfw::cli::ClientOptions> options =
      zwfw::cli::ClientOptionsFromFlags();
  if (!options.ok()) {
    std::cerr << "zwfw: " << options.status().message() << "\n";
    return zwfw::cli::kExitUsage;
  }
  for (const zwfw::cli::CommandGroup& group : zwfw::cli::CommandGroups()) {
    if (command == group.name) return group.run(*options, command, args);
  }
  std::cerr << "zwfw: unknown command \"" << command << "\"\n" << usage << "\n";
  return zwfw::cli::kExitUsage;
}

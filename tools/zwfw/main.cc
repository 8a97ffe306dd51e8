// zwfw: the command-line client of the zwfw services.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "tools/zwfw/commands.h"

ABSL_DECLARE_FLAG(std::string, token_file);

namespace {

constexpr char kUsage[] =
    "zwfw COMMAND ...\n"
    "  directory import FILE.json        replace the directory (admin)\n"
    "  directory departments [--json]    list departments\n"
    "  directory windows|staff|items [X] list windows, staff, service items\n"
    "  cases import FILE.jsonl           stream cases (one proto-JSON Case "
    "a line)\n"
    "  cases get DEPT CASE_NO            one case\n"
    "  cases list [--period P] [--department D] [--status S] "
    "[--overtime_only]\n"
    "  cases stats --period P [--json]   the month's attachment table\n"
    "  evaluations import FILE.jsonl     好差评 ratings (survey)\n"
    "  visits import FILE.jsonl          return visits (survey)\n"
    "  rectifications list [--period P] [--state S] [--overdue_only]\n"
    "  rectifications update ID STATE [--note N] [--evidence E] "
    "[--follow_up_rating R]\n"
    "  satisfaction --period P [--json]  ratings, visits, rectifications\n"
    "  rules set FILE.json | rules show   scoring rules (scoring)\n"
    "  adjustments add|list|remove       manual points: --period --department "
    "--points --reason\n"
    "  scores compute|explain --period P [--department D]\n"
    "  awards set --period P --windows W,.. --staff S,..\n"
    "  bulletin draft get|set FILE | render | publish | get  --period P "
    "[--format F] [--o FILE]\n"
    "  health [SERVICE|HOST:PORT]        grpc.health.v1 status of a server\n"
    "  tokens add --token_file F ROLE    add a token to a server token file\n"
    "Flags: --intake, --survey, --scoring, --bulletin (addresses),\n"
    "  --token, --token_file or $ZWFW_TOKEN, --tls_ca, --tls_cert,\n"
    "  --tls_key, --deadline, --json";

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::cerr << kUsage << "\n";
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
  if (command == "directory") {
    return zwfw::cli::RunDirectoryCommand(*options, args);
  }
  if (command == "cases") return zwfw::cli::RunCasesCommand(*options, args);
  if (command == "evaluations" || command == "visits" ||
      command == "rectifications" || command == "satisfaction") {
    return zwfw::cli::RunSurveyCommand(*options, command, args);
  }
  if (command == "rules" || command == "adjustments" || command == "scores" ||
      command == "awards") {
    return zwfw::cli::RunScoringCommand(*options, command, args);
  }
  if (command == "bulletin")
    return zwfw::cli::RunBulletinCommand(*options, args);
  if (command == "health") return zwfw::cli::RunHealthCommand(*options, args);
  std::cerr << "zwfw: unknown command \"" << command << "\"\n"
            << kUsage << "\n";
  return zwfw::cli::kExitUsage;
}

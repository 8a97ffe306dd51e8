#include <iostream>

#include "services/common/auth.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"

namespace zwfw::cli {

int RunTokensCommand(const std::string& token_file,
                     const std::vector<std::string>& args) {
  if (args.size() != 2 || args[0] != "add" || token_file.empty()) {
    std::cerr << GroupUsage("tokens");
    return kExitUsage;
  }
  std::string token = NewToken();
  absl::Status s = AddTokenToFile(token_file, token, args[1]);
  if (!s.ok()) {
    std::cerr << "zwfw: " << s.message() << "\n";
    return s.code() == absl::StatusCode::kInvalidArgument ? kExitUsage
                                                          : kExitCallFailed;
  }
  // The only time the token is shown: the file keeps its hash alone.
  std::cout << token << "\n";
  std::cerr << "zwfw: token for role " << args[1] << " added to " << token_file
            << "; store it now, it cannot be shown again\n";
  return kExitOk;
}

}  // namespace zwfw::cli

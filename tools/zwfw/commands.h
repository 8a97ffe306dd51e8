// The `zwfw` subcommands. Each takes the positional arguments after its
// name and returns the process exit code:
//   0 success, 1 a call failed, 2 bad usage or input file,
//   3 some records were rejected (imports).
#ifndef ZWFW_TOOLS_ZWFW_COMMANDS_H_
#define ZWFW_TOOLS_ZWFW_COMMANDS_H_

#include <string>
#include <vector>

#include "tools/zwfw/client.h"

namespace zwfw::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCallFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRejected = 3;

// zwfw directory import FILE | departments | windows [DEPT] | staff [WINDOW]
//   | items [DEPT]
int RunDirectoryCommand(const ClientOptions& options,
                        const std::vector<std::string>& args);

// zwfw cases import FILE.jsonl | get DEPT CASE_NO | list | stats --period P
int RunCasesCommand(const ClientOptions& options,
                    const std::vector<std::string>& args);

// zwfw evaluations import | visits import | rectifications list|update |
// satisfaction --period P
int RunSurveyCommand(const ClientOptions& options, const std::string& command,
                     const std::vector<std::string>& args);

// zwfw rules set|show, adjustments add|list|remove, scores compute|explain,
// awards set
int RunScoringCommand(const ClientOptions& options, const std::string& command,
                      const std::vector<std::string>& args);

// zwfw bulletin draft get|set, render, publish, get
int RunBulletinCommand(const ClientOptions& options,
                       const std::vector<std::string>& args);

// zwfw health [intake|survey|scoring|bulletin|HOST:PORT]: exit 0 when the
// server's grpc.health.v1 status is SERVING.
int RunHealthCommand(const ClientOptions& options,
                     const std::vector<std::string>& args);

// zwfw indicators --period P [--compare] [--top N] (--template T |
// INDICATOR...)
int RunIndicatorsCommand(const ClientOptions& options,
                         const std::vector<std::string>& args);

// zwfw templates validate FILE | set NAME FILE | show NAME [--version V]
int RunTemplatesCommand(const ClientOptions& options,
                        const std::vector<std::string>& args);

int RunAuditCommand(const ClientOptions& options,
                    const std::vector<std::string>& args);

// zwfw tokens add --token_file F ROLE
int RunTokensCommand(const std::string& token_file,
                     const std::vector<std::string>& args);

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_COMMANDS_H_

// Every command line `zwfw` accepts, in one table: the usage texts (the
// whole one of `zwfw` and each group's) are generated from it, and main
// dispatches by it, so a command cannot be missing from the help.
#ifndef ZWFW_TOOLS_ZWFW_COMMAND_TABLE_H_
#define ZWFW_TOOLS_ZWFW_COMMAND_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tools/zwfw/client.h"

namespace zwfw::cli {

struct CommandLine {
  const char* group;     // the first word: "cases"
  const char* synopsis;  // the rest: "import FILE.jsonl [--batch N]"
  const char* summary;   // what it does, for the full usage
};

// In the order the usage lists them.
absl::Span<const CommandLine> CommandLines();

// "usage: zwfw cases import ...\n       zwfw cases get ...\n": the lines of
// `group`. A group's command prints it (to stderr) on bad usage.
std::string GroupUsage(absl::string_view group);

// `zwfw`'s usage: every line with its summary, then the common flags.
std::string FullUsage();

// Runs a command of a group: `group` is the first word, `args` the rest.
using CommandRunner = int (*)(const ClientOptions& options,
                              const std::string& group,
                              const std::vector<std::string>& args);
struct CommandGroup {
  const char* name;
  CommandRunner run;
};
// The groups main dispatches to (all but `tokens`, which needs no
// client options); every group of CommandLines() is here or is `tokens`.
absl::Span<const CommandGroup> CommandGroups();

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_COMMAND_TABLE_H_

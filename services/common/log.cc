#include "services/common/log.h"

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace zwfw {
namespace {

std::string& ProgramName() {
  static std::string* const name = new std::string("zwfw");
  return *name;
}

void Write(char severity, absl::string_view message) {
  std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                       absl::UTCTimeZone()),
      " ", std::string(1, severity), " ", ProgramName(), ": ", message, "\n");
  // One write per line so lines of concurrent threads do not interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void SetLogProgramName(absl::string_view name) {
  ProgramName() = std::string(name);
}

void LogInfo(absl::string_view message) { Write('I', message); }
void LogWarning(absl::string_view message) { Write('W', message); }
void LogError(absl::string_view message) { Write('E', message); }

}  // namespace zwfw

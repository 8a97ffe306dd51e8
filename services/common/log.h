// Minimal line logging to stderr (this Abseil has no absl/log).
// One line per call: "2026-11-26T19:00:00.123Z I intake: message".
// Never log personal data: case numbers are fine, applicant identifiers,
// phone numbers and comments are not.
#ifndef ZWFW_SERVICES_COMMON_LOG_H_
#define ZWFW_SERVICES_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace zwfw {

// Sets the program name printed on every line; call once in main.
void SetLogProgramName(absl::string_view name);

void LogInfo(absl::string_view message);
void LogWarning(absl::string_view message);
void LogError(absl::string_view message);

// Like LogInfo, for lines written at a high rate (one per HTTP request):
// lines are collected and written together at most every 100 ms, so
// request threads neither wait for stderr nor contend for it. Every other
// Log* call, and FlushLog, writes what is pending first.
void LogInfoBuffered(absl::string_view message);
void FlushLog();

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_LOG_H_

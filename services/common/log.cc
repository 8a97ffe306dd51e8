#include "services/common/log.h"

#include <cstdio>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace zwfw {
namespace {

std::string& ProgramName() {
  static std::string* const name = new std::string("zwfw");
  return *name;
}

std::string Line(char severity, absl::string_view message) {
  return absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                       absl::UTCTimeZone()),
                      " ", std::string(1, severity), " ", ProgramName(), ": ",
                      message, "\n");
}

// Buffered lines, written by a background thread (LogInfoBuffered).
class Buffer {
 public:
  static Buffer& Get() {
    static Buffer* const buffer = new Buffer();  // lives until exit
    return *buffer;
  }
  void Append(std::string line) {
    absl::MutexLock lock(&mu_);
    pending_ += line;
    if (!started_) {
      started_ = true;
      std::thread([this] { Run(); }).detach();
    }
  }
  // Writes what is pending, with `then` after it, in one write.
  void Flush(absl::string_view then = "") {
    absl::MutexLock write_lock(&write_mu_);
    std::string out;
    {
      absl::MutexLock lock(&mu_);
      out.swap(pending_);
    }
    out.append(then.data(), then.size());
    if (out.empty()) return;
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
  }

 private:
  void Run() {
    for (;;) {
      absl::SleepFor(absl::Milliseconds(100));
      Flush();
    }
  }
  absl::Mutex mu_;
  std::string pending_ ABSL_GUARDED_BY(mu_);
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  absl::Mutex write_mu_;  // held across a flush: lines keep their order
};

void Write(char severity, absl::string_view message) {
  // Pending buffered lines first, then this one, in one write so lines of
  // concurrent threads do not interleave.
  Buffer::Get().Flush(Line(severity, message));
}

}  // namespace

void SetLogProgramName(absl::string_view name) {
  ProgramName() = std::string(name);
}

void LogInfo(absl::string_view message) { Write('I', message); }
void LogWarning(absl::string_view message) { Write('W', message); }
void LogError(absl::string_view message) { Write('E', message); }

void LogInfoBuffered(absl::string_view message) {
  Buffer::Get().Append(Line('I', message));
}

void FlushLog() { Buffer::Get().Flush(); }

}  // namespace zwfw

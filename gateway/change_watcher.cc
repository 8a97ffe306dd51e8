#include "gateway/change_watcher.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace zwfw::gateway {

const std::vector<std::string>& DependenciesOf(const std::string& backend) {
  static const auto* const kDependencies =
      new std::map<std::string, std::vector<std::string>>{
          {"intake", {"intake"}},
          {"survey", {"intake", "survey"}},
          {"scoring", {"intake", "survey", "scoring"}},
          {"bulletin", {"intake", "survey", "scoring", "bulletin"}},
      };
  static const std::vector<std::string> kNone;
  auto it = kDependencies->find(backend);
  return it == kDependencies->end() ? kNone : it->second;
}

ChangeWatcher::ChangeWatcher(
    std::map<std::string, std::shared_ptr<grpc::Channel>> channels,
    std::string token) {
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, channel] : channels) states_[name];
  }
  for (auto& [name, channel] : channels) {
    followers_.push_back(std::make_unique<ChangeFollower>(
        channel, token,
        [this, backend = name](const zwfw::v1::DataChange& change) {
          Changed(backend, change);
        },
        [this, backend = name](const grpc::Status& status) {
          Lost(backend, status);
        }));
  }
}

ChangeWatcher::~ChangeWatcher() = default;

void ChangeWatcher::Changed(const std::string& backend,
                            const zwfw::v1::DataChange& change) {
  absl::MutexLock lock(&mu_);
  State& s = states_[backend];
  if (s.epoch != change.epoch()) {
    // A new run of the service: what was awaited of the old one is moot
    // (nothing cached under the old epoch is used any more).
    s.pending_after = -1;
    s.pending_until = absl::InfinitePast();
  }
  if (!s.live) {
    LogInfo(absl::StrCat("following ", backend,
                         "'s data version: its answers may be cached"));
  }
  s.live = true;
  s.epoch = change.epoch();
  s.counter = change.counter();
}

void ChangeWatcher::Lost(const std::string& backend,
                         const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  State& s = states_[backend];
  if (s.live) {
    LogWarning(absl::StrCat("lost ", backend, "'s data version (",
                            status.error_message(),
                            "): its answers are not cached until it is back"));
  }
  s.live = false;
}

std::optional<std::string> ChangeWatcher::Versions(
    const std::vector<std::string>& backends) const {
  if (backends.empty()) return std::nullopt;  // nothing names the data
  const absl::Time now = absl::Now();
  std::string out;
  absl::MutexLock lock(&mu_);
  for (const std::string& name : backends) {
    auto it = states_.find(name);
    if (it == states_.end() || !it->second.live) return std::nullopt;
    const State& s = it->second;
    if (s.counter <= s.pending_after && now < s.pending_until) {
      return std::nullopt;
    }
    absl::StrAppend(&out, name, "=", s.epoch, ".", s.counter, ";");
  }
  return out;
}

void ChangeWatcher::WroteTo(const std::string& backend,
                            const std::string& version, absl::Duration wait) {
  absl::MutexLock lock(&mu_);
  auto it = states_.find(backend);
  if (it == states_.end()) return;
  State& s = it->second;
  // Several writes may be awaited at once: the latest bound wins, never an
  // earlier one.
  auto await = [&s](int64_t after, absl::Time until) {
    s.pending_after = std::max(s.pending_after, after);
    s.pending_until = std::max(s.pending_until, until);
  };
  const size_t dot = version.rfind('.');
  int64_t written = 0;
  if (dot != std::string::npos && version.substr(0, dot) == s.epoch &&
      absl::SimpleAtoi(version.substr(dot + 1), &written)) {
    // Served from the cache again once the watcher has seen `written`; the
    // time is a bound, not a wait.
    if (s.counter < written) {
      await(written - 1, absl::Now() + absl::Seconds(10));
    }
    return;
  }
  await(s.counter, absl::Now() + wait);
}

bool ChangeWatcher::Covers(const std::string& backend,
                           const std::string& version) const {
  if (version.empty()) return true;
  const size_t dot = version.rfind('.');
  int64_t counter = 0;
  if (dot == std::string::npos ||
      !absl::SimpleAtoi(version.substr(dot + 1), &counter)) {
    return false;
  }
  absl::MutexLock lock(&mu_);
  auto it = states_.find(backend);
  if (it == states_.end()) return false;
  return it->second.live && version.substr(0, dot) == it->second.epoch &&
         counter >= it->second.counter;
}

bool ChangeWatcher::WaitUntilFollowing(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto all_live = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const auto& [name, s] : states_) {
      if (!s.live) return false;
    }
    return true;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&all_live), timeout);
}

}  // namespace zwfw::gateway

#include "gateway/rate_limiter.h"

#include <utility>
#include <vector>

#include "services/common/cache_keys.h"

namespace zwfw::gateway {

RateLimiter::RateLimiter(Cache* redis, int64_t per_minute,
                         std::function<absl::Time()> now,
                         absl::Duration sync_interval)
    : redis_(redis),
      per_minute_(per_minute),
      now_(std::move(now)),
      sync_interval_(sync_interval) {
  if (redis_ != nullptr && per_minute_ > 0) {
    syncer_ = std::thread([this] { SyncLoop(); });
  }
}

RateLimiter::~RateLimiter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (syncer_.joinable()) syncer_.join();
}

RateLimiter::Decision RateLimiter::Admit(absl::string_view caller) {
  Decision d;
  if (per_minute_ <= 0) return d;
  const int64_t now = absl::ToUnixSeconds(now_());
  const int64_t window = now / 60;
  absl::MutexLock lock(&mu_);
  Count& c = counts_[caller];
  if (c.window != window) c = Count{window, 0, 0};
  ++c.pending;
  if (c.shared + c.pending > per_minute_) {
    ++refused_;
    d.allowed = false;
    d.retry_after_seconds = static_cast<int>((window + 1) * 60 - now);
  }
  return d;
}

void RateLimiter::Sync() {
  if (redis_ == nullptr) return;
  absl::MutexLock one(&sync_mu_);
  const int64_t window = absl::ToUnixSeconds(now_()) / 60;
  // Take what is pending; the Redis calls run without the lock.
  std::vector<std::pair<std::string, int64_t>> batch;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = counts_.begin(); it != counts_.end();) {
      Count& c = it->second;
      if (c.window < window && c.pending == 0) {
        counts_.erase(it++);  // a past minute, nothing left to send
        continue;
      }
      if (c.window == window) {
        // Sent even when nothing is pending: the other replicas' requests
        // come back in the total.
        batch.emplace_back(it->first, c.pending);
        c.shared += c.pending;  // counted here until Redis says more
        c.pending = 0;
      } else {
        c.pending = 0;  // a past minute: its count no longer matters
      }
      ++it;
    }
  }
  for (const auto& [caller, sent] : batch) {
    std::optional<int64_t> total = redis_->Increment(
        RateLimitKey(caller, window), sent, absl::Seconds(61));
    absl::MutexLock lock(&mu_);
    auto it = counts_.find(caller);
    if (it == counts_.end() || it->second.window != window) continue;
    if (!total.has_value()) {
      // An outage: still counted here, and sent when Redis is back.
      it->second.shared -= sent;
      it->second.pending += sent;
      continue;
    }
    it->second.shared = std::max(it->second.shared, *total);
  }
}

void RateLimiter::SyncLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), sync_interval_);
      if (stopping_) return;
    }
    Sync();
  }
}

int64_t RateLimiter::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

}  // namespace zwfw::gateway

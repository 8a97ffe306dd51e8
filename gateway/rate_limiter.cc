#include "gateway/rate_limiter.h"

#include "absl/strings/str_cat.h"
#include "services/common/cache_keys.h"

namespace zwfw::gateway {

RateLimiter::Decision RateLimiter::Admit(absl::string_view caller) {
  Decision d;
  if (per_minute_ <= 0) return d;
  const int64_t now = absl::ToUnixSeconds(now_());
  const int64_t window = now / 60;
  std::optional<int64_t> count;
  if (redis_ != nullptr) {
    count = redis_->Increment(RateLimitKey(caller, window), absl::Seconds(61));
  }
  absl::MutexLock lock(&mu_);
  if (!count.has_value()) {
    if (window != local_window_) {
      local_.clear();
      local_window_ = window;
    }
    count = ++local_[caller];
  }
  if (*count > per_minute_) {
    ++refused_;
    d.allowed = false;
    d.retry_after_seconds = static_cast<int>((window + 1) * 60 - now);
  }
  return d;
}

int64_t RateLimiter::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

}  // namespace zwfw::gateway

// Per-caller rate limits: a fixed one-minute window counted in Redis, so
// every gateway replica shares it; a local count takes over while Redis is
// unreachable, so the limit holds (per replica) even then.
//
// Thread-safe: Admit from any number of threads; it may block on Redis
// (MayBlock), so it is not called on an I/O thread.
#ifndef ZWFW_GATEWAY_RATE_LIMITER_H_
#define ZWFW_GATEWAY_RATE_LIMITER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/cache.h"

namespace zwfw::gateway {

class RateLimiter {
 public:
  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // when refused: until the window ends
  };

  // `redis` may be null (local counts only). `per_minute` 0: no limit.
  RateLimiter(
      Cache* redis, int64_t per_minute,
      std::function<absl::Time()> now = [] { return absl::Now(); })
      : redis_(redis), per_minute_(per_minute), now_(std::move(now)) {}

  // Counts one request of `caller` (a hash naming the token, or a client
  // address) and says whether it may go on.
  Decision Admit(absl::string_view caller);

  int64_t refused() const;

  // Whether Admit may wait for Redis (so it must not run on an I/O thread).
  bool MayBlock() const { return redis_ != nullptr && per_minute_ > 0; }

 private:
  Cache* const redis_;
  const int64_t per_minute_;
  const std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, int64_t> local_ ABSL_GUARDED_BY(mu_);
  int64_t local_window_ ABSL_GUARDED_BY(mu_) = -1;
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_RATE_LIMITER_H_

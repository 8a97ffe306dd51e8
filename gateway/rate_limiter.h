// Per-caller rate limits over a fixed one-minute window, counted locally on
// every request and shared with the other gateway replicas through Redis in
// batches: a background thread adds each caller's new requests to its Redis
// counter (INCRBY) every `sync_interval` and takes back the total of all
// replicas. A request never waits for Redis, so a limited request costs a
// hash-map update, and cached answers stay on the I/O threads.
//
// What holds: with one gateway the limit is exact. With G gateways a caller
// is refused once the count of all of them, as last synchronised, plus this
// replica's requests since, passes the limit: it can get past the limit by
// at most what it sent to the other G-1 replicas within one sync interval
// (about 100 ms) before the minute's count caught up. While Redis is
// unreachable each replica counts alone (the limit holds per replica), and
// what was counted meanwhile is added once Redis is back.
//
// Thread-safe: Admit from any number of threads.
#ifndef ZWFW_GATEWAY_RATE_LIMITER_H_
#define ZWFW_GATEWAY_RATE_LIMITER_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/cache.h"

namespace zwfw::gateway {

class RateLimiter {
 public:
  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // when refused: until the window ends
  };

  // `redis` may be null (local counts only). `per_minute` 0: no limit.
  // With `redis` and a limit, starts the synchronising thread.
  RateLimiter(
      Cache* redis, int64_t per_minute,
      std::function<absl::Time()> now = [] { return absl::Now(); },
      absl::Duration sync_interval = absl::Milliseconds(100));
  ~RateLimiter();  // stops the synchronising thread
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Counts one request of `caller` (a hash naming the token, or a client
  // address) and says whether it may go on. Never blocks on Redis.
  Decision Admit(absl::string_view caller);

  // Sends the counts not yet shared to Redis and takes back the totals
  // (the background thread does this every sync interval; tests call it).
  void Sync();

  int64_t refused() const;

 private:
  struct Count {
    int64_t window = -1;  // Unix minute
    int64_t shared = 0;   // the replicas' total as Redis last said
    int64_t pending = 0;  // this replica's requests not yet sent
  };
  void SyncLoop();

  Cache* const redis_;
  const int64_t per_minute_;
  const std::function<absl::Time()> now_;
  const absl::Duration sync_interval_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Count> counts_ ABSL_GUARDED_BY(mu_);
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Mutex sync_mu_;  // one Sync at a time
  std::thread syncer_;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_RATE_LIMITER_H_

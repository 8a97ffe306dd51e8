// The Cache (cache.h) on Redis: a client on hiredis that degrades instead
// of failing.
//
// Redis is optional at run time: when it cannot be reached, every Get is a
// miss and every Set is dropped, the outage is logged once (and its end
// once), and the client retries a connection at most once per
// `retry_interval`. Callers never see an error; they see misses, which the
// `zwfw_cache_requests_total{result="..."}` metric counts.
//
// Thread-safe: a small pool of connections, each used by one thread at a
// time (a hiredis context is not thread-safe).
//
//   std::unique_ptr<RedisCache> cache = RedisCache::Create({.address = a});
//   if (std::optional<std::string> hit = cache->Get(key)) return *hit;
//   cache->Set(key, value, absl::Hours(24));
#ifndef ZWFW_SERVICES_COMMON_REDIS_CACHE_H_
#define ZWFW_SERVICES_COMMON_REDIS_CACHE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/cache.h"

struct redisContext;

namespace prometheus {
class Counter;
class Registry;
}  // namespace prometheus

namespace zwfw {

struct RedisOptions {
  // "host:port"; empty disables the cache (every Get misses).
  std::string address;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  absl::Duration command_timeout = absl::Milliseconds(200);
  int pool_size = 4;
  absl::Duration retry_interval = absl::Seconds(1);
  // Entries larger than this are not cached.
  size_t max_value_bytes = 32 << 20;
  // Sent with AUTH on every new connection when not empty (Redis's
  // requirepass); never logged.
  std::string password = "";
};

class RedisCache final : public Cache {
 public:
  // Never fails: an unreachable server is an outage, not an error. Metrics
  // are registered in `registry` when it is not null.
  static std::unique_ptr<RedisCache> Create(
      RedisOptions options, prometheus::Registry* registry = nullptr);
  ~RedisCache() override;
  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;

  // Cache (cache.h). Increment is Redis's INCRBY with PEXPIRE on a new key.
  std::optional<std::string> Get(absl::string_view key) override;
  bool Set(absl::string_view key, absl::string_view value,
           absl::Duration ttl) override;
  std::optional<int64_t> Increment(absl::string_view key, int64_t by,
                                   absl::Duration ttl) override;

  // Whether the last attempt to reach Redis succeeded.
  bool healthy() const;

  struct Stats {
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t errors = 0;  // commands that failed because Redis was down
  };
  Stats stats() const;

 private:
  class Lease;
  RedisCache(RedisOptions options, prometheus::Registry* registry);

  // A connected context, or null during an outage. Blocks while every
  // pooled connection is in use.
  redisContext* Acquire();
  // Returns a context to the pool; a failed one is freed and starts (or
  // continues) an outage.
  void Release(redisContext* context, bool failed);
  // AUTH with options_.password on a new connection; true when none is set.
  bool Authenticate(redisContext* context);
  // Logs, once, why Redis refused us (a password missing or wrong).
  void NoteAuthRefusal(absl::string_view why);
  void CountResult(bool hit, bool error);

  const RedisOptions options_;
  mutable absl::Mutex mu_;
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + leased
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time retry_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> auth_refusal_logged_{false};

  prometheus::Counter* hit_counter_ = nullptr;
  prometheus::Counter* miss_counter_ = nullptr;
  prometheus::Counter* error_counter_ = nullptr;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_REDIS_CACHE_H_

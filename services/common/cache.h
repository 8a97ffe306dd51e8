// The cache every service and the gateway read through: string values under
// string keys (cache_keys.h builds them), with a time to live, and
// fixed-window counters. RedisCache (redis_cache.h) is the implementation
// servers use; tests use testing::InMemoryCache.
//
// The contract an implementation keeps:
// - Failures are misses, never errors: an unreachable backend answers Get
//   with nullopt, Set with false and Increment with nullopt, and callers go
//   on uncached (DESIGN.md, "Caching").
// - Nothing read from it is trusted to be fresh by itself: keys carry the
//   versions of their inputs, so an entry found is the right one.
// - Thread-safe: any number of threads may call any method at once.
#ifndef ZWFW_SERVICES_COMMON_CACHE_H_
#define ZWFW_SERVICES_COMMON_CACHE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zwfw {

// Whether an answer may come from the cache. What is final — a published
// bulletin, a frozen scorecard — is always recomputed: nothing read from
// Redis is trusted for it (DESIGN.md, "Who may say what").
enum class CacheUse { kAllowed, kRecompute };

class Cache {
 public:
  virtual ~Cache() = default;

  // The value, or nullopt on a miss, when disabled, or during an outage.
  virtual std::optional<std::string> Get(absl::string_view key) = 0;
  // Stores with a time to live; false when not stored (outage, too large).
  virtual bool Set(absl::string_view key, absl::string_view value,
                   absl::Duration ttl) = 0;
  // Adds `by` (≥ 0; 0 reads it) to a counter, setting its expiry when it
  // is new (fixed-window counters); the new count, or nullopt during an
  // outage.
  virtual std::optional<int64_t> Increment(absl::string_view key, int64_t by,
                                           absl::Duration ttl) = 0;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_CACHE_H_

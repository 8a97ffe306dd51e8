// Cached HTTP answers of the gateway: in memory first, then Redis (shared by
// every gateway in front of the same services). Keys carry the data
// versions of the services an answer depends on (ChangeWatcher), so an
// entry is never stale and nothing is invalidated; an answer that moves
// with the clock carries the instant it may change and expires then.
//
// Thread-safe: Get and Put from any thread; the memory tier is under one
// mutex, held only to look up or insert, never across a Redis call.
#ifndef ZWFW_GATEWAY_RESPONSE_CACHE_H_
#define ZWFW_GATEWAY_RESPONSE_CACHE_H_

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/transcoder.h"
#include "services/common/cache.h"

namespace zwfw::gateway {

struct CachedReply {
  HttpReply reply;  // status 200, with its ETag among the headers
  absl::Time expires = absl::InfiniteFuture();
};

// Serialised for Redis; nullopt when `bytes` is not one.
std::string EncodeCachedReply(const CachedReply& entry);
std::optional<CachedReply> DecodeCachedReply(absl::string_view bytes);

// The ETag of a body: a quoted hex prefix of its SHA-256.
std::string EtagOf(absl::string_view body);

class ResponseCache {
 public:
  struct Options {
    // Bytes of answers kept in memory; the oldest go first.
    size_t memory_bytes = 64 << 20;
    // Longest time an entry stays in Redis (versioned keys are never
    // stale; this only bounds the space old versions take).
    absl::Duration redis_ttl = absl::Hours(24);
  };
  // `redis` may be null (memory only); metrics go to `registry` when set.
  ResponseCache(Cache* redis, Options options,
                prometheus::Registry* registry = nullptr);

  // The entry under `key` when it has not expired at `now`. With
  // `memory_only`, Redis is not asked (it may block) and a miss is not
  // counted (the caller will ask again).
  std::shared_ptr<const CachedReply> Get(const std::string& key, absl::Time now,
                                         bool memory_only = false);
  // Stores in memory and in Redis; an entry that has expired is dropped.
  void Put(const std::string& key, CachedReply entry, absl::Time now);
  // Counts an answer that could not be cached (a dependency not followed).
  void CountBypass();
  // A miss answered by another reader's call of the same key: it was
  // counted a miss too, so the calls made are misses − shared.
  void CountShared();

 private:
  void Remember(const std::string& key,
                std::shared_ptr<const CachedReply> entry)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Cache* const redis_;
  const Options options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const CachedReply>> memory_
      ABSL_GUARDED_BY(mu_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);  // oldest first
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  prometheus::Counter* memory_hits_ = nullptr;
  prometheus::Counter* redis_hits_ = nullptr;
  prometheus::Counter* misses_ = nullptr;
  prometheus::Counter* shared_ = nullptr;
  prometheus::Counter* bypasses_ = nullptr;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_RESPONSE_CACHE_H_

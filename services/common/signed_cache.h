// Cache values that carry an HMAC (DESIGN.md, "Who may say what": nothing
// read from Redis is trusted). SignedCache wraps another Cache: Set stores
// HMAC-SHA256(key-length, key, value) before the value, Get checks it and
// answers a miss — counted in `zwfw_cache_bad_mac_total` — when it does not
// match, so whoever can write to Redis cannot forge an answer or move a
// genuine one under another key. Counters (Increment) pass through: they
// only ever throttle.
//
// Every process that shares cache entries (the replicas of a service, the
// gateways) must hold the same key: --cache_key_file. Without one a process
// signs with a random key of its own and shares nothing across restarts.
//
// Thread-safe when the wrapped cache is.
#ifndef ZWFW_SERVICES_COMMON_SIGNED_CACHE_H_
#define ZWFW_SERVICES_COMMON_SIGNED_CACHE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "services/common/cache.h"

namespace prometheus {
class Counter;
class Registry;
}  // namespace prometheus

namespace zwfw {

// Keys shorter than this are refused (bytes of the file, white space at
// its end dropped).
inline constexpr size_t kMinCacheKeyBytes = 32;

// The key in `path`; INVALID_ARGUMENT naming the file when it cannot be
// read or is too short.
absl::StatusOr<std::string> ReadCacheKey(const std::string& path);

// A random key (when no file is given).
std::string RandomCacheKey();

class SignedCache final : public Cache {
 public:
  // `inner` must outlive this; metrics go to `registry` when not null.
  SignedCache(Cache* inner, std::string key,
              prometheus::Registry* registry = nullptr);

  std::optional<std::string> Get(absl::string_view key) override;
  bool Set(absl::string_view key, absl::string_view value,
           absl::Duration ttl) override;
  std::optional<int64_t> Increment(absl::string_view key, int64_t by,
                                   absl::Duration ttl) override {
    return inner_->Increment(key, by, ttl);
  }

  // Values refused for a bad or missing MAC since start.
  int64_t bad_macs() const {
    return static_cast<int64_t>(bad_mac_counter_->Value());
  }

 private:
  std::string Mac(absl::string_view key, absl::string_view value) const;

  Cache* const inner_;
  const std::string key_;
  // The registry's counter, or this one without a registry.
  prometheus::Counter unregistered_bad_macs_;
  prometheus::Counter* bad_mac_counter_ = &unregistered_bad_macs_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_SIGNED_CACHE_H_

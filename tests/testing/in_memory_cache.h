// An in-memory Cache (cache.h) for tests, in the manner of leveldb's
// memenv: the real contract without a Redis server, with a clock the test
// moves (entries expire by it) and an outage the test switches on, in which
// it answers like RedisCache during one (misses, nothing stored). It counts
// hits and misses so a test can assert what was served from it.
//
// Thread-safe.
#ifndef ZWFW_TESTS_TESTING_IN_MEMORY_CACHE_H_
#define ZWFW_TESTS_TESTING_IN_MEMORY_CACHE_H_

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/cache.h"

namespace zwfw::testing {

class InMemoryCache final : public Cache {
 public:
  explicit InMemoryCache(std::function<absl::Time()> now =
                             [] { return absl::Now(); })
      : now_(std::move(now)) {}

  std::optional<std::string> Get(absl::string_view key) override {
    absl::MutexLock lock(&mu_);
    const Entry* e = Live(key);
    if (e == nullptr) {
      ++misses_;
      return std::nullopt;
    }
    ++hits_;
    return e->value;
  }

  bool Set(absl::string_view key, absl::string_view value,
           absl::Duration ttl) override {
    absl::MutexLock lock(&mu_);
    if (down_) return false;
    entries_[std::string(key)] = {std::string(value), now_() + ttl};
    return true;
  }

  std::optional<int64_t> Increment(absl::string_view key, int64_t by,
                                   absl::Duration ttl) override {
    absl::MutexLock lock(&mu_);
    if (down_) return std::nullopt;
    int64_t n = 0;
    if (const Entry* e = Live(key)) {
      if (!absl::SimpleAtoi(e->value, &n)) return std::nullopt;
      entries_[std::string(key)].value = absl::StrCat(n + by);
      return n + by;
    }
    entries_[std::string(key)] = {absl::StrCat(by), now_() + ttl};
    return by;
  }

  // While down, it behaves as RedisCache during an outage.
  void set_down(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }
  int64_t hits() const {
    absl::MutexLock lock(&mu_);
    return hits_;
  }
  int64_t misses() const {
    absl::MutexLock lock(&mu_);
    return misses_;
  }
  // Replaces the value of every live entry whose key starts with `prefix`,
  // as whoever can write to Redis could; how many it replaced.
  int Overwrite(absl::string_view prefix, const std::string& value) {
    absl::MutexLock lock(&mu_);
    int n = 0;
    for (auto& [key, e] : entries_) {
      if (absl::string_view(key).substr(0, prefix.size()) == prefix &&
          e.expires > now_()) {
        e.value = value;
        ++n;
      }
    }
    return n;
  }
  // Live entries whose key starts with `prefix`.
  int Count(absl::string_view prefix) {
    absl::MutexLock lock(&mu_);
    int n = 0;
    for (const auto& [key, e] : entries_) {
      if (absl::string_view(key).substr(0, prefix.size()) == prefix &&
          e.expires > now_()) {
        ++n;
      }
    }
    return n;
  }

 private:
  struct Entry {
    std::string value;
    absl::Time expires;
  };
  const Entry* Live(absl::string_view key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (down_) return nullptr;
    auto it = entries_.find(std::string(key));
    if (it == entries_.end() || it->second.expires <= now_()) return nullptr;
    return &it->second;
  }

  const std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  int64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t misses_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace zwfw::testing

#endif  // ZWFW_TESTS_TESTING_IN_MEMORY_CACHE_H_

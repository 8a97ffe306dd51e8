// One computation per key among concurrent callers (Go's singleflight):
// callers of Do with a key that is being computed wait for that computation
// and get its result, instead of each computing it again. Used where a
// cache miss is expensive and many readers miss at once — the gateway's
// answers, scoring's scorecards, bulletin's renders — always with keys that
// carry the versions of their inputs (cache_keys.h), so a waiter gets an
// answer computed from the same versions it would have used itself.
//
//   SingleFlight<HttpReply> flights;
//   HttpReply r = flights.Do(key, [&] { return Compute(); });
//
// Nothing is remembered once the computation ends: the next caller computes
// again (the cache in front answers it). Thread-safe.
#ifndef ZWFW_SERVICES_COMMON_SINGLE_FLIGHT_H_
#define ZWFW_SERVICES_COMMON_SINGLE_FLIGHT_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace zwfw {

template <typename T>
class SingleFlight {
 public:
  // `compute`'s result for the caller that runs it, a copy of it for every
  // caller that came while it ran. `shared`, when given, is set to whether
  // this caller waited for another's computation.
  T Do(const std::string& key, const std::function<T()>& compute,
       bool* shared = nullptr) {
    std::shared_ptr<Flight> flight;
    bool leader = false;
    {
      absl::MutexLock lock(&mu_);
      std::shared_ptr<Flight>& slot = flights_[key];
      if (slot == nullptr) {
        slot = std::make_shared<Flight>();
        leader = true;
      } else {
        ++slot->waiters;
      }
      flight = slot;
    }
    if (shared != nullptr) *shared = !leader;
    if (!leader) {
      flight->done.WaitForNotification();
      return *flight->value;
    }
    flight->value.emplace(compute());
    {
      absl::MutexLock lock(&mu_);
      flights_.erase(key);
    }
    flight->done.Notify();
    return *flight->value;
  }

  // Callers waiting for `key`'s computation now (tests).
  int waiters(const std::string& key) const {
    absl::MutexLock lock(&mu_);
    auto it = flights_.find(key);
    return it == flights_.end() ? 0 : it->second->waiters;
  }

 private:
  struct Flight {
    absl::Notification done;
    std::optional<T> value;  // set before done is notified
    int waiters = 0;         // guarded by the SingleFlight's mu_
  };
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Flight>> flights_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_SINGLE_FLIGHT_H_

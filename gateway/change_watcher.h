// Follows the data versions of the services behind the gateway
// (zwfw.v1.Changes/Watch, one stream per service), so that cached answers
// can be keyed by them without asking the services on every request.
//
// A service's version is known only while its stream is up: a cut stream
// makes the service's answers uncacheable until it is back, so a change the
// gateway was not told of can never be hidden behind the cache.
//
// Thread-safe: Versions and WroteTo from any thread (the gateway's request
// threads); the streams' callbacks update the same state under its mutex.
#ifndef ZWFW_GATEWAY_CHANGE_WATCHER_H_
#define ZWFW_GATEWAY_CHANGE_WATCHER_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/change_follower.h"

namespace zwfw::gateway {

class ChangeWatcher {
 public:
  // backend name → channel; `token` is a service (or admin) token.
  ChangeWatcher(std::map<std::string, std::shared_ptr<grpc::Channel>> channels,
                std::string token);
  ~ChangeWatcher();  // stops the streams

  // "intake=<epoch>.<counter>;survey=…" for `backends`, or nullopt when the
  // list is empty, one of them is not being followed right now, or a write
  // forwarded to it has not been reported yet.
  std::optional<std::string> Versions(
      const std::vector<std::string>& backends) const;

  // A write forwarded through the gateway to `backend` has been answered,
  // with the service's version after it ("<epoch>.<counter>", the
  // zwfw-data-version trailer; "" when unknown): its answers are not served
  // from the cache until the service has reported that version. Without
  // one, until it reports a newer version than now or `wait` passes (a
  // write that changed nothing is never reported).
  void WroteTo(const std::string& backend, const std::string& version = "",
               absl::Duration wait = absl::Seconds(1));

  // Whether an answer of `backend` that came with `version` (its
  // zwfw-data-version trailer) holds at least what the followed version
  // says: the same epoch and no lower counter. An answer from another
  // replica than the followed one that is behind it, or whose epoch is that
  // replica's own (it follows something only it sees), does not: caching it
  // under the followed version could serve it stale. "" (a backend that
  // sends no version) counts as holding it.
  bool Covers(const std::string& backend, const std::string& version) const;

  // Blocks until every backend is followed or `timeout` passes (tests).
  bool WaitUntilFollowing(absl::Duration timeout) const;

 private:
  struct State {
    bool live = false;
    std::string epoch;
    int64_t counter = 0;
    // WroteTo: uncacheable until counter > pending_after or pending_until.
    int64_t pending_after = -1;
    absl::Time pending_until = absl::InfinitePast();
  };
  void Changed(const std::string& backend, const zwfw::v1::DataChange& change);
  void Lost(const std::string& backend, const grpc::Status& status);

  mutable absl::Mutex mu_;
  std::map<std::string, State> states_ ABSL_GUARDED_BY(mu_);
  // Last: destroyed first, so no callback runs on a half-destroyed watcher.
  std::vector<std::unique_ptr<ChangeFollower>> followers_;
};

// The services whose data an answer of `backend` depends on: itself and
// those it reads (survey reads intake; scoring reads both; bulletin reads
// all three). Empty for an unknown backend, which Versions answers with
// nullopt (not cacheable).
const std::vector<std::string>& DependenciesOf(const std::string& backend);

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_CHANGE_WATCHER_H_

// A process's data version, and the zwfw.v1.Changes service that pushes it
// to caches in front of the process (the gateway).
//
// Every Database of the process reports a committed write after the commit
// has returned, so a reader told of version N sees the writes that made it
// N. The epoch is new each start: versions of two runs never compare equal,
// so a restored or rolled-back store cannot make an old cache entry look
// current.
//
// A service on a shared database (PostgreSQL, several replicas) takes its
// version from the database instead: Observe() is told the database's
// epoch and counter by the writing replica after its commit and by every
// replica's listener (postgres.h), so any replica reports a write made
// through any other. A Bump() there (a change only this process sees, such
// as its copy of intake's directory) adds to the counter and makes the
// epoch this process's own: versions of two replicas then never compare
// equal, and a cache in front waits for its watcher instead.
//
// Thread-safe: any method from any thread; WaitForChange may block many
// threads at once.
#ifndef ZWFW_SERVICES_COMMON_DATA_CHANGES_H_
#define ZWFW_SERVICES_COMMON_DATA_CHANGES_H_

#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "zwfw/v1/changes.grpc.pb.h"

namespace zwfw {

class DataChanges {
 public:
  struct Version {
    std::string epoch;
    int64_t counter = 0;
  };

  // The one every Database of this process reports to.
  static DataChanges& Process();

  DataChanges();
  DataChanges(const DataChanges&) = delete;
  DataChanges& operator=(const DataChanges&) = delete;

  // A write has been committed (or, on a shared database, something only
  // this process sees has changed).
  void Bump();
  // The shared database's version: from now on the counter follows it
  // (never backwards within one epoch; a new epoch replaces it).
  void Observe(const std::string& epoch, int64_t counter);
  Version Current() const;
  // Blocks until the counter is not `seen`, Close() is called or `timeout`
  // passes; returns the version then.
  Version WaitForChange(int64_t seen, absl::Duration timeout) const;
  // Ends every wait (the server is draining); Reopen() undoes it (tests).
  void Close();
  void Reopen();
  bool closed() const;

 private:
  Version CurrentLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string epoch_;
  mutable absl::Mutex mu_;
  int64_t counter_ ABSL_GUARDED_BY(mu_) = 0;
  // Set by Observe: the shared database's epoch, and the Bumps since.
  std::string shared_epoch_ ABSL_GUARDED_BY(mu_);
  int64_t local_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

// Adds the process's data version after the call, "<epoch>.<counter>", to
// the trailing metadata of every RPC as `zwfw-data-version`: a cache in
// front (the gateway) learns which version holds a write it passed on, and
// serves no cached answer older than it.
inline constexpr char kDataVersionTrailer[] = "zwfw-data-version";
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewDataVersionInterceptorFactory(DataChanges* changes);

// zwfw.v1.Changes over a DataChanges; service and admin tokens only. A
// change is sent at once; the changes that follow within `interval` go
// out together, as the latest version, when it has passed: a steady
// stream of writes turns the caches in front over at most once per
// interval, and none is ever told a version later than it is.
class ChangesService final : public zwfw::v1::Changes::Service {
 public:
  ChangesService(TokenStore* tokens, DataChanges* changes,
                 absl::Duration interval = absl::ZeroDuration())
      : tokens_(tokens), changes_(changes), interval_(interval) {}

  grpc::Status Watch(grpc::ServerContext* context,
                     const zwfw::v1::WatchChangesRequest* request,
                     grpc::ServerWriter<zwfw::v1::DataChange>* writer) override;

 private:
  TokenStore* const tokens_;
  DataChanges* const changes_;
  const absl::Duration interval_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_DATA_CHANGES_H_

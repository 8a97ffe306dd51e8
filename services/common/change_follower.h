// Follows another server's data version (zwfw.v1.Changes/Watch) on a
// thread of its own: waits for the server to come up, reconnects with
// backoff when the stream is cut, and stops when destroyed.
//
//   ChangeFollower follower(channel, service_token,
//       [](const zwfw::v1::DataChange& v) { /* the server changed */ },
//       [](const grpc::Status& s) { /* stream lost; reconnecting */ });
//
// The stream is read on a thread of its own, all the time; callbacks run
// on a second thread, one at a time, in order. While one runs, the
// server's further changes are coalesced into its latest version: a slow
// callback never leaves the server's messages waiting in gRPC's buffers
// (each one holds a read buffer there: a callback that paused for a second
// under a stream of changes grew survey by 120 MB an hour, tools/soak).
//
// Thread-safe: it has no methods but its constructor and destructor; the
// destructor may run on any thread but a callback's own (it waits for the
// running callback; those not yet run are dropped).
#ifndef ZWFW_SERVICES_COMMON_CHANGE_FOLLOWER_H_
#define ZWFW_SERVICES_COMMON_CHANGE_FOLLOWER_H_

#include <grpcpp/grpcpp.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <variant>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "zwfw/v1/changes.pb.h"

namespace zwfw {

class ChangeFollower {
 public:
  using OnChange = std::function<void(const zwfw::v1::DataChange&)>;
  using OnLost = std::function<void(const grpc::Status&)>;

  // `token` is a service (or admin) token of the followed server.
  ChangeFollower(std::shared_ptr<grpc::Channel> channel, std::string token,
                 OnChange on_change, OnLost on_lost);
  // Cancels the stream and waits for the thread (and a running callback).
  ~ChangeFollower();
  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;

 private:
  // What the callbacks are told: a change, or the stream lost.
  using Event = std::variant<zwfw::v1::DataChange, grpc::Status>;

  void Run(std::shared_ptr<grpc::Channel> channel);
  // The callback thread: runs the callbacks of the events as they come.
  void Deliver();
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues an event for Deliver; a change after a change replaces it.
  void Post(Event event);
  // Waits up to `timeout` unless the follower is stopping; false when it
  // is (the backoff between two attempts).
  bool SleepUnlessStopping(absl::Duration timeout);

  const std::string token_;
  const OnChange on_change_;
  const OnLost on_lost_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  // At most a change and a loss per reconnection: the reader coalesces.
  std::deque<Event> events_ ABSL_GUARDED_BY(mu_);
  std::thread reader_;
  std::thread callbacks_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_CHANGE_FOLLOWER_H_

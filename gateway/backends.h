// Calls to the services behind the gateway, generically (bytes in, bytes
// out), forwarding the caller's bearer token: the services authenticate
// and authorise the caller themselves, so a department token reads no more
// through the gateway than it could directly.
#ifndef ZWFW_GATEWAY_BACKENDS_H_
#define ZWFW_GATEWAY_BACKENDS_H_

#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/routes.h"

namespace zwfw::gateway {

// Thread-safe: Call and Health from any thread (gRPC channels are).
class Backends {
 public:
  // backend name ("intake", …) → (address, channel).
  struct Backend {
    std::string address;
    std::shared_ptr<grpc::Channel> channel;
  };
  // At most `max_in_flight` requests wait on a backend that has stopped
  // answering (0: no limit; see Admit): a slow service holds that many of
  // the gateway's workers, never all of them, so the routes of the others
  // still answer.
  explicit Backends(std::map<std::string, Backend> backends,
                    absl::Duration deadline = absl::Seconds(30),
                    int max_in_flight = 0);

  // One backend's waiting requests and when it last answered one.
  struct Bulkhead {
    std::atomic<int> waiting{0};
    std::atomic<int64_t> last_answer_ns{0};  // absl::GetCurrentTimeNanos
  };
  // A place among the requests waiting on one backend, held while it
  // lives; giving it back counts as an answer.
  class Permit {
   public:
    explicit Permit(Bulkhead* bulkhead) : bulkhead_(bulkhead) {}
    Permit(Permit&& other) noexcept : bulkhead_(other.bulkhead_) {
      other.bulkhead_ = nullptr;
    }
    Permit& operator=(Permit&&) = delete;
    ~Permit();

   private:
    Bulkhead* bulkhead_;
  };
  // Taken by a request before it waits on `backend` (its own call, or one
  // it shares). UNAVAILABLE naming the backend when max_in_flight requests
  // already wait on it and none was answered in the last 250 ms: a backend
  // that is busy but answering takes more; one that has gone slow does
  // not.
  absl::StatusOr<Permit> Admit(const std::string& backend);

  // The RPC's response, or its status (UNAVAILABLE naming the backend when
  // it cannot be reached).
  // `data_version`, when given, receives the service's data version after the
  // call (zwfw-data-version), or "".
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Call(
      const Route& route, const google::protobuf::Message& request,
      const std::string& authorization, const std::string& traceparent = "",
      std::string* data_version = nullptr);

  // OK when every backend's grpc.health.v1 status is SERVING; UNAVAILABLE
  // naming the first that is not.
  absl::Status CheckHealth();

 private:
  struct Entry {
    std::string address;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::GenericStub> stub;
    std::unique_ptr<Bulkhead> bulkhead;
  };
  std::map<std::string, Entry> backends_;
  const absl::Duration deadline_;
  const int max_in_flight_;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_BACKENDS_H_

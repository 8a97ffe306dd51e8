// Calls to the services behind the gateway, generically (bytes in, bytes
// out), forwarding the caller's bearer token: the services authenticate
// and authorise the caller themselves, so a department token reads no more
// through the gateway than it could directly.
#ifndef ZWFW_GATEWAY_BACKENDS_H_
#define ZWFW_GATEWAY_BACKENDS_H_

#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

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
  explicit Backends(std::map<std::string, Backend> backends,
                    absl::Duration deadline = absl::Seconds(30));

  // The RPC's response, or its status (UNAVAILABLE naming the backend when
  // it cannot be reached). `data_version`, when given, receives the
  // service's data version after the call (zwfw-data-version), or "".
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
  };
  std::map<std::string, Entry> backends_;
  const absl::Duration deadline_;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_BACKENDS_H_

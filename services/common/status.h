// Conversion between absl::Status, used inside every service, and
// grpc::Status, used only at the RPC edge.
//
//   grpc::Status Foo(...) override {
//     absl::StatusOr<Bar> bar = core_.Foo(...);
//     if (!bar.ok()) return ToGrpcStatus(bar.status());
//     ...
//   }
#ifndef ZWFW_SERVICES_COMMON_STATUS_H_
#define ZWFW_SERVICES_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace zwfw {

// Same code, same message. The codes are numerically identical.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// The status of a failed call to `service` at `address`: UNAVAILABLE naming
// it when it could not be reached in time, the same code otherwise.
absl::Status PeerFailure(const std::string& service, const std::string& address,
                         const grpc::Status& status);

// "INVALID_ARGUMENT", "NOT_FOUND", ... as absl prints them.
std::string StatusCodeName(int code);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_STATUS_H_

#include "services/common/status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace zwfw {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::Status PeerFailure(const std::string& service, const std::string& address,
                         const grpc::Status& s) {
  const bool unreachable =
      s.error_code() == grpc::StatusCode::UNAVAILABLE ||
      s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  return absl::Status(
      unreachable ? absl::StatusCode::kUnavailable
                  : static_cast<absl::StatusCode>(s.error_code()),
      absl::StrCat(service, " at ", address,
                   unreachable ? " cannot be read (" : " refused (",
                   StatusCodeName(s.error_code()), ": ", s.error_message(),
                   ")"));
}

std::string StatusCodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace zwfw

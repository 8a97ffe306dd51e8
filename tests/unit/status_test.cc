#include "services/common/status.h"

#include <gtest/gtest.h>

namespace zwfw {
namespace {

TEST(StatusTest, EveryCodeAndMessageSurvivesTheRoundTrip) {
  for (int code = 0; code <= 16; ++code) {
    absl::Status original(static_cast<absl::StatusCode>(code),
                          code == 0 ? "" : "case 5001230 not found");
    grpc::Status wire = ToGrpcStatus(original);
    EXPECT_EQ(static_cast<int>(wire.error_code()), code);
    EXPECT_EQ(FromGrpcStatus(wire), original);
  }
}

TEST(StatusTest, SpecificCodesMapToTheirGrpcNames) {
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("x")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpcStatus(absl::PermissionDeniedError("x")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ToGrpcStatus(absl::UnauthenticatedError("x")).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ToGrpcStatus(absl::FailedPreconditionError("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ToGrpcStatus(absl::ResourceExhaustedError("x")).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(
      ToGrpcStatus(absl::InvalidArgumentError("bad field")).error_message(),
      "bad field");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(StatusCodeName(5), "NOT_FOUND");
}

TEST(StatusTest, APeerFailureNamesTheServiceAndItsAddress) {
  EXPECT_EQ(PeerFailure("intake", "127.0.0.1:1",
                        grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                     "failed to connect"))
                .ToString(),
            "UNAVAILABLE: intake at 127.0.0.1:1 cannot be read (UNAVAILABLE: "
            "failed to connect)");
  EXPECT_EQ(PeerFailure("survey", "s:2",
                        grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "t"))
                .code(),
            absl::StatusCode::kUnavailable);
  // Any other failure keeps its code: the peer refused, it was reached.
  EXPECT_EQ(PeerFailure("scoring", "c:3",
                        grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                     "no scoring rules set yet"))
                .ToString(),
            "FAILED_PRECONDITION: scoring at c:3 refused (FAILED_PRECONDITION: "
            "no scoring rules set yet)");
}

}  // namespace
}  // namespace zwfw

// The gateway's bulkhead (Backends::Admit): a backend that stops answering
// gets its share of the workers, one that is busy but answering more.
#include "gateway/backends.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <optional>
#include <thread>

namespace zwfw::gateway {
namespace {

TEST(BackendsTest, ASlowBackendGetsItsShareABusyOneMore) {
  // Never dialled: Admit does not call.
  Backends backends(
      {{"survey",
        {"127.0.0.1:1",
         grpc::CreateChannel("127.0.0.1:1",
                             grpc::InsecureChannelCredentials())}}},
      absl::Seconds(30), /*max_in_flight=*/2);
  std::optional<absl::StatusOr<Backends::Permit>> first(
      backends.Admit("survey"));
  absl::StatusOr<Backends::Permit> second = backends.Admit("survey");
  ASSERT_TRUE(first->ok());
  ASSERT_TRUE(second.ok());
  // Two wait and it has answered nothing: a third is refused, naming it.
  absl::StatusOr<Backends::Permit> third = backends.Admit("survey");
  ASSERT_TRUE(absl::IsUnavailable(third.status()));
  EXPECT_NE(third.status().message().find("survey at 127.0.0.1:1 is slow"),
            std::string::npos)
      << third.status();

  first.reset();  // answered: it is busy, not slow
  absl::StatusOr<Backends::Permit> again = backends.Admit("survey");
  absl::StatusOr<Backends::Permit> beyond = backends.Admit("survey");
  EXPECT_TRUE(again.ok());
  EXPECT_TRUE(beyond.ok()) << beyond.status();

  // Nothing answered for longer than 250 ms: refused again.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(absl::IsUnavailable(backends.Admit("survey").status()));

  EXPECT_TRUE(absl::IsUnavailable(backends.Admit("intake").status()));
}

}  // namespace
}  // namespace zwfw::gateway

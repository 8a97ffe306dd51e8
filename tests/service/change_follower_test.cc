// Following a server's data version (zwfw.v1.Changes/Watch) with a slow
// callback: the follower keeps reading the stream, so the callback is told
// the latest change at once when it returns (not every change in turn, a
// second late each) and nothing waits in gRPC's buffers. Over TCP: an
// in-process channel makes the server's Write wait for the reader, which
// hides what a real connection's buffers let pile up.
#include "services/common/change_follower.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/data_changes.h"
#include "tests/testing/service_fixture.h"

namespace zwfw {
namespace {

TEST(ChangeFollowerTest, ASlowCallbackIsToldTheLatestChange) {
  std::unique_ptr<TokenStore> tokens =
      testing::TokensFor({{"service", "service"}});
  DataChanges changes;
  ChangesService service(tokens.get(), &changes);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);

  absl::Mutex mu;
  int calls = 0;
  int64_t latest = -1;
  ChangeFollower follower(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                          grpc::InsecureChannelCredentials()),
      "service",
      [&](const zwfw::v1::DataChange& change) {
        {
          absl::MutexLock lock(&mu);
          ++calls;
          latest = change.counter();
        }
        absl::SleepFor(absl::Milliseconds(200));  // a slow callback
      },
      [](const grpc::Status&) {});
  {
    absl::MutexLock lock(&mu);
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(
                                        +[](int* n) { return *n > 0; }, &calls),
                                    absl::Seconds(10)));
  }
  // 100 changes, each sent on its own, while the callback sleeps.
  for (int i = 0; i < 100; ++i) {
    changes.Bump();
    absl::SleepFor(absl::Milliseconds(5));
  }
  const int64_t last = changes.Current().counter;
  const absl::Time sent = absl::Now();
  absl::MutexLock lock(&mu);
  auto told_last = [&] {
    mu.AssertHeld();
    return latest == last;
  };
  mu.AwaitWithTimeout(absl::Condition(&told_last), absl::Seconds(10));
  EXPECT_EQ(latest, last);
  // Told within one callback after the last change (one running, then the
  // latest), not 100 callbacks (20 s) later.
  EXPECT_LT(absl::Now() - sent, absl::Seconds(2));
  EXPECT_LE(calls, 10);
  changes.Close();  // ends the stream, so that the server can shut down
  server->Shutdown();
}

}  // namespace
}  // namespace zwfw

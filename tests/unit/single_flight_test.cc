#include "services/common/single_flight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace zwfw {
namespace {

TEST(SingleFlightTest, ConcurrentCallersOfAKeyShareOneComputation) {
  SingleFlight<std::string> flights;
  std::atomic<int> computed{0};
  absl::Notification release;
  constexpr int kCallers = 8;
  std::vector<std::string> results(kCallers);
  // Not vector<bool>: its elements share words, written by several threads.
  std::vector<char> shared(kCallers);
  std::vector<std::thread> threads;
  auto call = [&](int i) {
    bool s = false;
    results[i] = flights.Do(
        "k",
        [&] {
          ++computed;
          release.WaitForNotification();
          return std::string("answer");
        },
        &s);
    shared[i] = s;
  };
  threads.emplace_back(call, 0);
  while (computed.load() == 0) absl::SleepFor(absl::Milliseconds(1));
  for (int i = 1; i < kCallers; ++i) threads.emplace_back(call, i);
  while (flights.waiters("k") < kCallers - 1) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  release.Notify();
  for (auto& t : threads) t.join();
  EXPECT_EQ(computed.load(), 1);
  for (int i = 0; i < kCallers; ++i) {
    EXPECT_EQ(results[i], "answer");
    EXPECT_EQ(shared[i], i != 0);
  }
  // Done: the next caller computes again; other keys never wait.
  EXPECT_EQ(flights.Do("k",
                       [&] {
                         ++computed;
                         return std::string("again");
                       }),
            "again");
  EXPECT_EQ(computed.load(), 2);
  EXPECT_EQ(flights.waiters("k"), 0);
}

}  // namespace
}  // namespace zwfw

#include "gateway/rate_limiter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/redis_cache.h"
#include "tests/testing/in_memory_cache.h"
#include "tests/testing/shared_redis.h"

namespace zwfw::gateway {
namespace {

TEST(RateLimiterTest, LocalCountsRefuseOverTheLimitUntilTheNextMinute) {
  absl::Time now =
      absl::FromUnixSeconds(1800000000 + 15);  // 15 s into a minute
  RateLimiter limiter(nullptr, 3, [&] { return now; });
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Admit("a").allowed);
  RateLimiter::Decision refused = limiter.Admit("a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 45);
  EXPECT_TRUE(limiter.Admit("b").allowed);  // per caller
  now += absl::Seconds(45);
  EXPECT_TRUE(limiter.Admit("a").allowed);
  EXPECT_EQ(limiter.refused(), 1);
}

TEST(RateLimiterTest, ZeroMeansNoLimit) {
  RateLimiter limiter(nullptr, 0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Admit("a").allowed);
}

TEST(RateLimiterTest, CountsAreSharedInBatchesAndKeptLocallyInAnOutage) {
  absl::Time now = absl::FromUnixSeconds(1800000000);
  testing::InMemoryCache shared([&] { return now; });
  // Synchronised by hand here (the background thread waits an hour).
  RateLimiter one(
      &shared, 3, [&] { return now; }, absl::Hours(1));
  RateLimiter two(
      &shared, 3, [&] { return now; }, absl::Hours(1));
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_TRUE(two.Admit("a").allowed);  // two has not heard of one's yet
  one.Sync();
  two.Sync();
  one.Sync();                            // one learns two's request
  EXPECT_FALSE(one.Admit("a").allowed);  // the fourth, across replicas
  EXPECT_FALSE(two.Admit("a").allowed);
  EXPECT_EQ(shared.Count("zwfw:rate:a:"), 1);  // one counter a minute

  now += absl::Minutes(1);  // the next window
  EXPECT_TRUE(two.Admit("a").allowed);
  two.Sync();
  shared.set_down(true);  // each replica counts on its own
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_FALSE(one.Admit("a").allowed);
  one.Sync();  // fails: the four stay counted here, and pending
  EXPECT_FALSE(one.Admit("a").allowed);
  shared.set_down(false);
  one.Sync();  // the five sent now
  two.Sync();
  EXPECT_FALSE(two.Admit("a").allowed);  // 1 + 5 of this minute already
  EXPECT_EQ(one.refused(), 3);
}

TEST(RateLimiterTest, RedisCountsAreSharedAndAnOutageFallsBackToLocal) {
  RedisOptions shared = testing::SharedRedisOptions();
  ASSERT_FALSE(shared.address.empty()) << "run through tools/test";
  auto redis = RedisCache::Create(shared);
  const std::string caller = absl::StrCat("test-", getpid());
  const absl::Duration sync = absl::Milliseconds(10);
  RateLimiter one(
      redis.get(), 4, [] { return absl::Now(); }, sync);
  RateLimiter two(
      redis.get(), 4, [] { return absl::Now(); }, sync);
  EXPECT_TRUE(one.Admit(caller).allowed);
  EXPECT_TRUE(two.Admit(caller).allowed);
  EXPECT_TRUE(one.Admit(caller).allowed);
  EXPECT_TRUE(two.Admit(caller).allowed);
  absl::SleepFor(absl::Milliseconds(100));  // a few sync intervals
  EXPECT_FALSE(one.Admit(caller).allowed);  // the fifth, across replicas
  auto down = RedisCache::Create({.address = "127.0.0.1:1"});
  RateLimiter fallback(
      down.get(), 2, [] { return absl::Now(); }, sync);
  EXPECT_TRUE(fallback.Admit(caller).allowed);
  EXPECT_TRUE(fallback.Admit(caller).allowed);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(fallback.Admit(caller).allowed);
}

}  // namespace
}  // namespace zwfw::gateway

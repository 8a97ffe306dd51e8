#include "gateway/rate_limiter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/redis_cache.h"
#include "tests/testing/in_memory_cache.h"

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

TEST(RateLimiterTest, SharedCountsAcrossReplicasAndLocalOnesInAnOutage) {
  absl::Time now = absl::FromUnixSeconds(1800000000);
  testing::InMemoryCache shared([&] { return now; });
  RateLimiter one(&shared, 3, [&] { return now; });
  RateLimiter two(&shared, 3, [&] { return now; });  // another replica
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_TRUE(two.Admit("a").allowed);
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_FALSE(two.Admit("a").allowed);  // the fourth, across replicas
  now += absl::Minutes(1);               // the next window
  EXPECT_TRUE(two.Admit("a").allowed);
  shared.set_down(true);  // each replica counts on its own
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_TRUE(one.Admit("a").allowed);
  EXPECT_FALSE(one.Admit("a").allowed);
}

TEST(RateLimiterTest, RedisCountsAreSharedAndAnOutageFallsBackToLocal) {
  const char* address = std::getenv("ZWFW_TEST_REDIS");
  ASSERT_NE(address, nullptr) << "run through tools/test";
  auto redis = RedisCache::Create({.address = address});
  const std::string caller = absl::StrCat("test-", getpid());
  RateLimiter one(redis.get(), 4);
  RateLimiter two(redis.get(), 4);  // another gateway replica
  EXPECT_TRUE(one.Admit(caller).allowed);
  EXPECT_TRUE(two.Admit(caller).allowed);
  EXPECT_TRUE(one.Admit(caller).allowed);
  EXPECT_TRUE(two.Admit(caller).allowed);
  EXPECT_FALSE(one.Admit(caller).allowed);  // the fifth, across replicas
  auto down = RedisCache::Create({.address = "127.0.0.1:1"});
  RateLimiter fallback(down.get(), 2);
  EXPECT_TRUE(fallback.Admit(caller).allowed);
  EXPECT_TRUE(fallback.Admit(caller).allowed);
  EXPECT_FALSE(fallback.Admit(caller).allowed);
}

}  // namespace
}  // namespace zwfw::gateway

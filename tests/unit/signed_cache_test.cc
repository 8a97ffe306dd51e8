#include "services/common/signed_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "tests/testing/in_memory_cache.h"

namespace zwfw {
namespace {

const std::string kKey(32, 'k');

TEST(SignedCacheTest, WhatItWroteComesBack) {
  testing::InMemoryCache redis;
  SignedCache cache(&redis, kKey);
  ASSERT_TRUE(cache.Set("zwfw:a", "value", absl::Hours(1)));
  EXPECT_EQ(cache.Get("zwfw:a"), "value");
  EXPECT_EQ(cache.Get("zwfw:missing"), std::nullopt);
  EXPECT_EQ(cache.bad_macs(), 0);
  // What Redis holds is not the bare value.
  EXPECT_NE(redis.Get("zwfw:a"), "value");
}

// Whoever can write to Redis without the key forges nothing: not a value
// of their own, not a genuine value moved under another key, not one
// written with another key.
TEST(SignedCacheTest, ForgedValuesAreMisses) {
  testing::InMemoryCache redis;
  SignedCache cache(&redis, kKey);
  ASSERT_TRUE(redis.Set("zwfw:forged", std::string(40, 'x'), absl::Hours(1)));
  ASSERT_TRUE(redis.Set("zwfw:short", "x", absl::Hours(1)));
  EXPECT_EQ(cache.Get("zwfw:forged"), std::nullopt);
  EXPECT_EQ(cache.Get("zwfw:short"), std::nullopt);

  ASSERT_TRUE(cache.Set("zwfw:scorecard:2020-07", "genuine", absl::Hours(1)));
  ASSERT_TRUE(redis.Set("zwfw:scorecard:2020-08",
                        *redis.Get("zwfw:scorecard:2020-07"), absl::Hours(1)));
  EXPECT_EQ(cache.Get("zwfw:scorecard:2020-08"), std::nullopt);

  SignedCache other(&redis, std::string(32, 'o'));
  ASSERT_TRUE(other.Set("zwfw:b", "theirs", absl::Hours(1)));
  EXPECT_EQ(cache.Get("zwfw:b"), std::nullopt);

  std::string tampered = *redis.Get("zwfw:scorecard:2020-07");
  tampered.back() ^= 1;
  ASSERT_TRUE(redis.Set("zwfw:scorecard:2020-07", tampered, absl::Hours(1)));
  EXPECT_EQ(cache.Get("zwfw:scorecard:2020-07"), std::nullopt);
  EXPECT_EQ(cache.bad_macs(), 5);
}

TEST(SignedCacheTest, KeysComeFromAFileOfAtLeast32Bytes) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = absl::StrCat(dir ? dir : "/tmp", "/cache.key.", getpid());
  { std::ofstream(path) << "short\n"; }
  absl::StatusOr<std::string> key = ReadCacheKey(path);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(key.status().message().find("--cache_key_file"), std::string::npos);
  { std::ofstream(path) << kKey << "\n"; }
  EXPECT_EQ(ReadCacheKey(path).value_or(""), kKey);
  unlink(path.c_str());
  EXPECT_FALSE(ReadCacheKey(path).ok());
  EXPECT_NE(RandomCacheKey(), RandomCacheKey());
}

}  // namespace
}  // namespace zwfw

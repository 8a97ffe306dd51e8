// RedisCache against real redis-server processes: the private one that
// tools/test starts (ZWFW_TEST_REDIS=host:port), and one this test starts
// and kills to see the cache degrade and recover.
#include "services/common/redis_cache.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/shared_redis.h"

namespace zwfw {
namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A redis-server child process on loopback, without persistence.
class RedisProcess {
 public:
  explicit RedisProcess(int port) : port_(port) {}
  ~RedisProcess() { Stop(); }

  void Start() {
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
      std::string port = absl::StrCat(port_);
      execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind",
             "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel",
             "warning", static_cast<char*>(nullptr));
      _exit(127);
    }
    // Ready when a probe cache can store something.
    RedisOptions options;
    options.address = address();
    options.retry_interval = absl::ZeroDuration();
    auto probe = RedisCache::Create(options);
    for (int i = 0; i < 100; ++i) {
      if (probe->Set("probe", "1", absl::Seconds(1))) return;
      absl::SleepFor(absl::Milliseconds(50));
    }
    FAIL() << "redis-server did not start on " << address();
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int port_;
  pid_t pid_ = -1;
};

std::string SharedRedis() { return testing::SharedRedisOptions().address; }

RedisOptions Shared(int pool_size = 4) {
  RedisOptions options = testing::SharedRedisOptions();
  options.pool_size = pool_size;
  return options;
}

TEST(RedisCacheTest, SetGetAndExpiryOnTheSharedServer) {
  ASSERT_FALSE(SharedRedis().empty())
      << "ZWFW_TEST_REDIS is not set: run the suite with tools/test";
  auto cache = RedisCache::Create(Shared());
  std::string key = absl::StrCat("zwfw:test:", getpid(), ":a");
  EXPECT_EQ(cache->Get(key), std::nullopt);
  ASSERT_TRUE(
      cache->Set(key, std::string("二进制\0值", 13), absl::Seconds(30)));
  EXPECT_EQ(cache->Get(key), std::string("二进制\0值", 13));
  ASSERT_TRUE(cache->Set(key, "short-lived", absl::Milliseconds(50)));
  absl::SleepFor(absl::Milliseconds(150));
  EXPECT_EQ(cache->Get(key), std::nullopt);
  EXPECT_TRUE(cache->healthy());
  EXPECT_EQ(cache->stats().hits, 1);
  EXPECT_EQ(cache->stats().misses, 2);
}

// The suite's Redis requires a password, as deployed: without it, or with
// a wrong one, a client is in an outage (misses, nothing stored), never
// failing and never logging the password.
TEST(RedisCacheTest, AWrongPasswordIsAnOutage) {
  ASSERT_FALSE(SharedRedis().empty());
  ASSERT_FALSE(Shared().password.empty()) << "tools/test sets a password";
  RedisOptions none = Shared();
  none.password = "";
  RedisOptions wrong = Shared();
  wrong.password = "not-the-password";
  for (const RedisOptions& options : {none, wrong}) {
    auto cache = RedisCache::Create(options);
    std::string key = absl::StrCat("zwfw:test:", getpid(), ":auth");
    EXPECT_FALSE(cache->Set(key, "v", absl::Seconds(30)));
    EXPECT_EQ(cache->Get(key), std::nullopt);
    EXPECT_FALSE(cache->healthy());
  }
  auto right = RedisCache::Create(Shared());
  EXPECT_TRUE(right->Set("zwfw:test:auth-ok", "v", absl::Seconds(30)));
}

TEST(RedisCacheTest, IncrementCountsInAWindow) {
  ASSERT_FALSE(SharedRedis().empty());
  auto cache = RedisCache::Create(Shared());
  std::string key = absl::StrCat("zwfw:test:", getpid(), ":counter");
  EXPECT_EQ(cache->Increment(key, 1, absl::Milliseconds(200)), 1);
  EXPECT_EQ(cache->Increment(key, 1, absl::Milliseconds(200)), 2);
  EXPECT_EQ(cache->Increment(key, 5, absl::Milliseconds(200)), 7);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(cache->Increment(key, 1, absl::Milliseconds(200)), 1);
}

TEST(RedisCacheTest, ManyThreadsShareASmallPool) {
  ASSERT_FALSE(SharedRedis().empty());
  auto cache = RedisCache::Create(Shared(2));
  std::vector<std::thread> threads;
  std::atomic<int> hits{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string key = absl::StrCat("zwfw:test:", getpid(), ":", t, ":", i);
        cache->Set(key, key, absl::Seconds(30));
        if (cache->Get(key) == key) ++hits;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(hits.load(), 400);
}

TEST(RedisCacheTest, DisabledCacheAlwaysMisses) {
  auto cache = RedisCache::Create({});
  EXPECT_FALSE(cache->Set("k", "v", absl::Seconds(1)));
  EXPECT_EQ(cache->Get("k"), std::nullopt);
  EXPECT_FALSE(cache->healthy());
  EXPECT_EQ(cache->stats().errors, 0);
}

TEST(RedisCacheTest, DegradesWhenRedisStopsAndRecoversWhenItReturns) {
  RedisProcess redis(FreePort());
  redis.Start();
  prometheus::Registry registry;
  RedisOptions options;
  options.address = redis.address();
  options.retry_interval = absl::Milliseconds(200);
  auto cache = RedisCache::Create(options, &registry);
  ASSERT_TRUE(cache->Set("k", "before", absl::Minutes(1)));
  ASSERT_EQ(cache->Get("k"), "before");

  redis.Stop();
  absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(cache->Get("k"), std::nullopt);
    EXPECT_FALSE(cache->Set("k", "during", absl::Minutes(1)));
  }
  // Degraded calls return at once instead of waiting on timeouts.
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_FALSE(cache->healthy());
  EXPECT_GE(cache->stats().errors, 20);

  redis.Start();
  absl::SleepFor(options.retry_interval + absl::Milliseconds(50));
  bool recovered = false;
  for (int i = 0; i < 50 && !recovered; ++i) {
    recovered = cache->Set("k", "after", absl::Minutes(1));
    if (!recovered) absl::SleepFor(options.retry_interval);
  }
  ASSERT_TRUE(recovered);
  EXPECT_EQ(cache->Get("k"), "after");
  EXPECT_TRUE(cache->healthy());

  std::string exposition =
      prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(exposition.find("zwfw_cache_requests_total{result=\"error\"}"),
            std::string::npos)
      << exposition;
}

TEST(RedisCacheTest, AnUnreachableAddressIsAMissNotAnError) {
  auto cache =
      RedisCache::Create({.address = absl::StrCat("127.0.0.1:", FreePort())});
  EXPECT_EQ(cache->Get("k"), std::nullopt);
  EXPECT_FALSE(cache->Set("k", "v", absl::Seconds(1)));
  EXPECT_FALSE(cache->healthy());
}

}  // namespace
}  // namespace zwfw

#include "services/common/redis_cache.h"

#include <hiredis/hiredis.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/log.h"

namespace zwfw {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

bool SplitAddress(absl::string_view address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return false;
  *host = std::string(address.substr(0, colon));
  return absl::SimpleAtoi(address.substr(colon + 1), port) && *port > 0 &&
         *port < 65536 && !host->empty();
}

}  // namespace

// Holds one pooled context for the duration of a command.
class RedisCache::Lease {
 public:
  explicit Lease(RedisCache* cache) : cache_(cache), ctx_(cache->Acquire()) {}
  ~Lease() {
    if (ctx_ != nullptr) cache_->Release(ctx_, failed_);
  }
  redisContext* get() const { return ctx_; }
  // Runs a command; null (and the lease marked failed) on a transport error.
  Reply Command(int argc, const char** argv, const size_t* lengths) {
    Reply reply(
        static_cast<redisReply*>(redisCommandArgv(ctx_, argc, argv, lengths)));
    if (reply == nullptr || ctx_->err != 0) {
      failed_ = true;
      return nullptr;
    }
    if (reply->type == REDIS_REPLY_ERROR &&
        absl::StartsWith(absl::string_view(reply->str, reply->len), "NOAUTH")) {
      // Not an answer: this server wants a password we did not give.
      cache_->NoteAuthRefusal("it requires a password (--redis_password_file)");
      failed_ = true;
      return nullptr;
    }
    return reply;
  }

 private:
  RedisCache* cache_;
  redisContext* ctx_;
  bool failed_ = false;
};

std::unique_ptr<RedisCache> RedisCache::Create(RedisOptions options,
                                               prometheus::Registry* registry) {
  return std::unique_ptr<RedisCache>(
      new RedisCache(std::move(options), registry));
}

RedisCache::RedisCache(RedisOptions options, prometheus::Registry* registry)
    : options_(std::move(options)) {
  if (registry != nullptr) {
    auto& family = prometheus::BuildCounter()
                       .Name("zwfw_cache_requests_total")
                       .Help("Cache lookups by result (hit, miss, error)")
                       .Register(*registry);
    hit_counter_ = &family.Add({{"result", "hit"}});
    miss_counter_ = &family.Add({{"result", "miss"}});
    error_counter_ = &family.Add({{"result", "error"}});
  }
}

RedisCache::~RedisCache() {
  absl::MutexLock lock(&mu_);
  for (redisContext* ctx : idle_) redisFree(ctx);
}

redisContext* RedisCache::Acquire() {
  if (options_.address.empty()) return nullptr;
  {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    mu_.Await(absl::Condition(&ready));
    if (!idle_.empty()) {
      redisContext* ctx = idle_.back();
      idle_.pop_back();
      return ctx;
    }
    if (down_ && absl::Now() < retry_at_) return nullptr;
    ++open_;  // reserve a slot; connect outside the lock
  }
  std::string host;
  int port = 0;
  redisContext* ctx = nullptr;
  if (SplitAddress(options_.address, &host, &port)) {
    ctx = redisConnectWithTimeout(host.c_str(), port,
                                  absl::ToTimeval(options_.connect_timeout));
  }
  if (ctx != nullptr && ctx->err == 0 &&
      redisSetTimeout(ctx, absl::ToTimeval(options_.command_timeout)) ==
          REDIS_OK &&
      Authenticate(ctx)) {
    return ctx;
  }
  Release(ctx, /*failed=*/true);
  return nullptr;
}

bool RedisCache::Authenticate(redisContext* ctx) {
  if (options_.password.empty()) return true;
  const char* argv[] = {"AUTH", options_.password.data()};
  const size_t lengths[] = {4, options_.password.size()};
  Reply reply(
      static_cast<redisReply*>(redisCommandArgv(ctx, 2, argv, lengths)));
  if (reply != nullptr && reply->type == REDIS_REPLY_STATUS) return true;
  if (reply != nullptr) {
    // The reply names the problem (WRONGPASS, no password set), never the
    // password.
    NoteAuthRefusal(absl::StrCat("it refused AUTH: ",
                                 reply->type == REDIS_REPLY_ERROR
                                     ? std::string(reply->str, reply->len)
                                     : std::string("unexpected reply")));
  }
  return false;
}

void RedisCache::NoteAuthRefusal(absl::string_view why) {
  if (auth_refusal_logged_.exchange(true)) return;
  LogError(absl::StrCat("redis at ", options_.address, ": ", why));
}

void RedisCache::Release(redisContext* ctx, bool failed) {
  absl::MutexLock lock(&mu_);
  if (!failed) {
    idle_.push_back(ctx);
    if (down_) {
      down_ = false;
      LogInfo(absl::StrCat("redis at ", options_.address,
                           " is reachable again; caching resumes"));
    }
    return;
  }
  std::string why = ctx == nullptr  ? "cannot allocate a context"
                    : ctx->err != 0 ? ctx->errstr
                                    : "command failed";
  if (ctx != nullptr) redisFree(ctx);
  --open_;
  retry_at_ = absl::Now() + options_.retry_interval;
  if (!down_) {
    down_ = true;
    LogWarning(absl::StrCat("redis at ", options_.address, " unreachable (",
                            why, "); serving uncached until it returns"));
  }
}

void RedisCache::CountResult(bool hit, bool error) {
  absl::MutexLock lock(&mu_);
  if (error) {
    ++stats_.errors;
    if (error_counter_) error_counter_->Increment();
  }
  if (hit) {
    ++stats_.hits;
    if (hit_counter_) hit_counter_->Increment();
  } else {
    ++stats_.misses;
    if (miss_counter_) miss_counter_->Increment();
  }
}

std::optional<std::string> RedisCache::Get(absl::string_view key) {
  Lease lease(this);
  if (lease.get() == nullptr) {
    CountResult(false, !options_.address.empty());
    return std::nullopt;
  }
  const char* argv[] = {"GET", key.data()};
  const size_t lengths[] = {3, key.size()};
  Reply reply = lease.Command(2, argv, lengths);
  if (reply != nullptr && reply->type == REDIS_REPLY_STRING) {
    CountResult(true, false);
    return std::string(reply->str, reply->len);
  }
  CountResult(false, reply == nullptr);
  return std::nullopt;
}

bool RedisCache::Set(absl::string_view key, absl::string_view value,
                     absl::Duration ttl) {
  if (value.size() > options_.max_value_bytes) return false;
  Lease lease(this);
  if (lease.get() == nullptr) return false;
  std::string millis =
      absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl)));
  const char* argv[] = {"SET", key.data(), value.data(), "PX", millis.data()};
  const size_t lengths[] = {3, key.size(), value.size(), 2, millis.size()};
  Reply reply = lease.Command(5, argv, lengths);
  return reply != nullptr && reply->type == REDIS_REPLY_STATUS;
}

std::optional<int64_t> RedisCache::Increment(absl::string_view key, int64_t by,
                                             absl::Duration ttl) {
  Lease lease(this);
  if (lease.get() == nullptr) return std::nullopt;
  const std::string amount = absl::StrCat(by);
  const char* incr[] = {"INCRBY", key.data(), amount.data()};
  const size_t incr_lengths[] = {6, key.size(), amount.size()};
  Reply reply = lease.Command(3, incr, incr_lengths);
  if (reply == nullptr || reply->type != REDIS_REPLY_INTEGER) {
    return std::nullopt;
  }
  int64_t value = reply->integer;
  if (value == by) {  // the key is new
    std::string millis =
        absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl)));
    const char* expire[] = {"PEXPIRE", key.data(), millis.data()};
    const size_t expire_lengths[] = {7, key.size(), millis.size()};
    lease.Command(3, expire, expire_lengths);
  }
  return value;
}

bool RedisCache::healthy() const {
  absl::MutexLock lock(&mu_);
  return !options_.address.empty() && !down_;
}

RedisCache::Stats RedisCache::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace zwfw

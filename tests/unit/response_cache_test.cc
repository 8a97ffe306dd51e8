#include "gateway/response_cache.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"

namespace zwfw::gateway {
namespace {

CachedReply Reply(const std::string& body, absl::Time expires) {
  CachedReply entry;
  entry.reply.body = body;
  entry.reply.headers = {
      {"ETag", EtagOf(body)},
      {"Content-Disposition", "attachment; filename=\"x.pdf\""}};
  entry.expires = expires;
  return entry;
}

TEST(ResponseCacheTest, EncodesAndDecodesEveryPart) {
  const absl::Time t = absl::FromUnixSeconds(1600000000);
  for (absl::Time expires : {t, absl::InfiniteFuture()}) {
    CachedReply entry = Reply("{\"a\":1}\nsecond line\n", expires);
    entry.reply.content_type = "application/pdf";
    std::optional<CachedReply> back =
        DecodeCachedReply(EncodeCachedReply(entry));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->reply.body, entry.reply.body);
    EXPECT_EQ(back->reply.content_type, "application/pdf");
    EXPECT_EQ(back->reply.headers, entry.reply.headers);
    EXPECT_EQ(back->expires, expires);
  }
  EXPECT_FALSE(DecodeCachedReply("").has_value());
  EXPECT_FALSE(DecodeCachedReply("something else\n1\nx\n0\n").has_value());
  EXPECT_FALSE(DecodeCachedReply("zwfw-reply-1\nsoon\nx\n0\n").has_value());
}

// Whoever writes to Redis might store any reply; only what the gateway
// itself writes is served (the content types and headers of OkReply, each
// header matching the body).
TEST(ResponseCacheTest, RepliesItDidNotWriteAreNotServed) {
  CachedReply genuine = Reply("{\"a\":1}", absl::InfiniteFuture());
  ASSERT_TRUE(DecodeCachedReply(EncodeCachedReply(genuine)).has_value());

  CachedReply script = genuine;
  script.reply.content_type = "text/javascript";
  EXPECT_FALSE(DecodeCachedReply(EncodeCachedReply(script)).has_value());

  CachedReply cookie = genuine;
  cookie.reply.headers.emplace_back("Set-Cookie", "session=attacker");
  EXPECT_FALSE(DecodeCachedReply(EncodeCachedReply(cookie)).has_value());

  CachedReply changed = genuine;
  changed.reply.body = "{\"a\":2}";  // the ETag is of the old body
  EXPECT_FALSE(DecodeCachedReply(EncodeCachedReply(changed)).has_value());

  CachedReply file = genuine;
  file.reply.headers[1].second = "inline; filename=\"x.html\"";
  EXPECT_FALSE(DecodeCachedReply(EncodeCachedReply(file)).has_value());
}

TEST(ResponseCacheTest, AnEntryExpiresWhenItsFiguresMayChange) {
  ResponseCache cache(nullptr, {});
  const absl::Time now = absl::Now();
  cache.Put("k", Reply("body", now + absl::Seconds(2)), now);
  ASSERT_NE(cache.Get("k", now), nullptr);
  EXPECT_EQ(cache.Get("k", now + absl::Seconds(1))->reply.body, "body");
  EXPECT_EQ(cache.Get("k", now + absl::Seconds(2)), nullptr);
  // Already expired: not stored.
  cache.Put("old", Reply("body", now), now);
  EXPECT_EQ(cache.Get("old", now - absl::Seconds(1)), nullptr);
}

TEST(ResponseCacheTest, KeepsWithinItsMemoryOldestFirst) {
  ResponseCache cache(nullptr, {.memory_bytes = 10000});
  const absl::Time now = absl::Now();
  const std::string body(3000, 'x');
  for (const char* key : {"a", "b", "c", "d"}) {
    cache.Put(key, Reply(body, absl::InfiniteFuture()), now);
  }
  EXPECT_EQ(cache.Get("a", now), nullptr);  // the oldest went
  EXPECT_NE(cache.Get("d", now), nullptr);
  EXPECT_NE(cache.Get("c", now), nullptr);
  // Larger than the whole budget: never kept.
  cache.Put("huge", Reply(std::string(20000, 'y'), absl::InfiniteFuture()),
            now);
  EXPECT_EQ(cache.Get("huge", now), nullptr);
  EXPECT_NE(cache.Get("d", now), nullptr);
}

}  // namespace
}  // namespace zwfw::gateway

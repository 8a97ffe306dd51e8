// The gateway's reading of a request from bytes: the fields it keeps, its
// size limits, and malformed or cut-off requests refused with a status.
#include "gateway/http_message.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace zwfw::gateway {
namespace {

TEST(HttpMessageTest, KeepsTheFieldsTheGatewayReads) {
  absl::StatusOr<HttpRequest> in = ParseRequest(
      "POST /v1/cases:batch?x=1 HTTP/1.1\r\nHost: a\r\n"
      "Authorization: Bearer t0k\r\nIf-None-Match: \"v1\"\r\n"
      "traceparent: 00-ab-cd-01\r\nContent-Length: 4\r\n\r\nbodyGET / HTTP/1.1",
      HttpServerOptions());
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->verb, "POST");
  EXPECT_EQ(in->target, "/v1/cases:batch?x=1");
  EXPECT_EQ(in->authorization, "Bearer t0k");
  EXPECT_EQ(in->if_none_match, "\"v1\"");
  EXPECT_EQ(in->traceparent, "00-ab-cd-01");
  EXPECT_EQ(in->body, "body");  // the pipelined request after it is not read
}

TEST(HttpMessageTest, ReadsAChunkedBody) {
  absl::StatusOr<HttpRequest> in = ParseRequest(
      "POST /v1/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
      HttpServerOptions());
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->body, "abcde");
}

TEST(HttpMessageTest, RefusesWhatIsOverALimit) {
  HttpServerOptions options;
  options.max_body_bytes = 8;
  options.max_header_bytes = 64;
  absl::StatusOr<HttpRequest> in = ParseRequest(
      "POST /v1/x HTTP/1.1\r\nContent-Length: 9\r\n\r\n123456789", options);
  EXPECT_EQ(in.status().code(), absl::StatusCode::kResourceExhausted);
  in = ParseRequest(absl::StrCat("GET /v1/x HTTP/1.1\r\nX: ",
                                 std::string(100, 'a'), "\r\n\r\n"),
                    options);
  EXPECT_EQ(in.status().code(), absl::StatusCode::kResourceExhausted);
  // The server answers both 413 and closes the connection.
  std::optional<HttpReply> reply =
      ReplyToReadError(boost::beast::http::error::body_limit, options);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 413);
  EXPECT_FALSE(
      ReplyToReadError(boost::beast::http::error::bad_method, options));
}

TEST(HttpMessageTest, RefusesMalformedAndCutOffRequests) {
  for (const char* bytes :
       {"", "\r\n", "GET", "GET /v1/x HTTP/1.1\r\nHost: a\r\n",
        "POST /v1/x HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",
        "POST /v1/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
        "G\x01T / HTTP/1.1\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"}) {
    absl::StatusOr<HttpRequest> in = ParseRequest(bytes, HttpServerOptions());
    EXPECT_EQ(in.status().code(), absl::StatusCode::kInvalidArgument)
        << "for " << bytes;
    EXPECT_NE(in.status().message().find("malformed HTTP request"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace zwfw::gateway

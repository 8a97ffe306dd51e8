#include "gateway/http_message.h"

#include <boost/asio/buffer.hpp>
#include <utility>

#include "absl/strings/str_cat.h"

namespace zwfw::gateway {

namespace http = boost::beast::http;

namespace {

// The read errors of a request over the server's size limits.
bool OverALimit(const boost::beast::error_code& error) {
  return error == http::error::body_limit || error == http::error::header_limit;
}

}  // namespace

void LimitParser(const HttpServerOptions& options, RequestParser* parser) {
  parser->body_limit(options.max_body_bytes);
  parser->header_limit(static_cast<uint32_t>(options.max_header_bytes));
}

HttpRequest FromHeader(const RequestParser::value_type& header,
                       std::string client) {
  HttpRequest in;
  in.verb = std::string(header.method_string());
  in.target = std::string(header.target());
  in.authorization = std::string(header[http::field::authorization]);
  in.if_none_match = std::string(header[http::field::if_none_match]);
  in.traceparent = std::string(header["traceparent"]);
  in.client = std::move(client);
  return in;
}

std::optional<HttpReply> ReplyToReadError(const boost::beast::error_code& error,
                                          const HttpServerOptions& options) {
  if (!OverALimit(error)) return std::nullopt;
  HttpReply reply = ErrorReply(absl::ResourceExhaustedError(absl::StrCat(
      "request larger than the limit (", options.max_body_bytes,
      " bytes of body, ", options.max_header_bytes, " of header)")));
  reply.status = 413;
  return reply;
}

absl::StatusOr<HttpRequest> ParseRequest(absl::string_view bytes,
                                         const HttpServerOptions& options) {
  RequestParser parser;
  LimitParser(options, &parser);
  parser.eager(true);  // the body in the same pass, as async_read does
  boost::beast::error_code error;
  while (!parser.is_done() && !error) {
    const size_t used =
        bytes.empty()
            ? 0
            : parser.put(boost::asio::buffer(bytes.data(), bytes.size()),
                         error);
    bytes.remove_prefix(used);
    if (error == http::error::need_more || (!error && used == 0)) {
      // Nothing more will come: what is here is all of the request (a
      // session sees the same: the peer closed). Beast asserts that the
      // parser has seen something before an end of stream.
      error = {};
      if (parser.got_some()) parser.put_eof(error);
      if (!error && !parser.is_done()) error = http::error::partial_message;
    }
  }
  if (error) {
    if (OverALimit(error)) {
      return absl::ResourceExhaustedError(
          absl::StrCat("request larger than the limit: ", error.message()));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("malformed HTTP request: ", error.message()));
  }
  if (parser.get().target().empty()) {
    // Blank lines only: no request line, though Beast calls it complete.
    return absl::InvalidArgumentError("malformed HTTP request: no request");
  }
  HttpRequest in = FromHeader(parser.get(), "");
  in.body = parser.release().body();
  return in;
}

}  // namespace zwfw::gateway

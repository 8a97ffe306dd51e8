// How the gateway's HTTP server turns bytes into an HttpRequest: Beast's
// parser under the server's limits, and the fields the gateway reads from
// it. The server's sessions read asynchronously, the header first
// (http_server.cc); ParseRequest takes the same steps over bytes already
// in memory (the request-path fuzz target, tests).
#ifndef ZWFW_GATEWAY_HTTP_MESSAGE_H_
#define ZWFW_GATEWAY_HTTP_MESSAGE_H_

#include <boost/beast/http.hpp>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/gateway.h"
#include "gateway/http_server.h"

namespace zwfw::gateway {

using RequestParser =
    boost::beast::http::request_parser<boost::beast::http::string_body>;

// A fresh parser with the server's header and body limits.
void LimitParser(const HttpServerOptions& options, RequestParser* parser);

// The fields of a request's header the gateway reads (verb, target,
// authorization, If-None-Match, traceparent), with the peer's address;
// the body is the caller's to move in.
HttpRequest FromHeader(const RequestParser::value_type& header,
                       std::string client);

// The reply to a request that broke a size limit (413, connection closed
// after it); nullopt for any other read error (the connection is closed
// without a reply).
std::optional<HttpReply> ReplyToReadError(const boost::beast::error_code& error,
                                          const HttpServerOptions& options);

// The first request in `bytes`, read as a session reads it: the header,
// then the body. RESOURCE_EXHAUSTED past a limit, INVALID_ARGUMENT for a
// malformed or incomplete request; bytes after it are ignored.
absl::StatusOr<HttpRequest> ParseRequest(absl::string_view bytes,
                                         const HttpServerOptions& options);

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_HTTP_MESSAGE_H_

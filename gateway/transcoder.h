// HTTP/JSON ↔ protobuf for the gateway: requests built from the path, the
// query and the JSON body through protobuf's JSON mapping; replies in proto
// JSON; gRPC codes mapped to HTTP statuses with a JSON error body
// {code, message, details}.
#ifndef ZWFW_GATEWAY_TRANSCODER_H_
#define ZWFW_GATEWAY_TRANSCODER_H_

#include <google/protobuf/message.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/routes.h"

namespace zwfw::gateway {

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// %XX and '+' decoded; INVALID_ARGUMENT for a bad escape.
absl::StatusOr<std::string> UrlDecode(absl::string_view text);

// The RPC's request: the JSON body when the route takes one (unknown
// fields are an error naming them), then path parameters, then query
// parameters (top-level fields only; unknown ones are an error naming
// them). INVALID_ARGUMENT for anything that does not fit.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
    const Match& match, absl::string_view query, absl::string_view body);

// 200 with proto JSON, or — for a rendered document — its bytes with their
// media type and a download file name.
HttpReply OkReply(const google::protobuf::Message& response);

// The HTTP status of a gRPC code: 400, 401, 403, 404, 409, 429, 501, 503,
// 504, 500.
int HttpStatusFor(absl::StatusCode code);
HttpReply ErrorReply(const absl::Status& status);

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_TRANSCODER_H_

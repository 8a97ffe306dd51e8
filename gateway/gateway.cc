#include "gateway/gateway.h"

#include "absl/strings/str_cat.h"

namespace zwfw::gateway {

HttpReply Gateway::Handle(const HttpRequest& request) {
  const size_t q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  const std::string query =
      q == std::string::npos ? "" : request.target.substr(q + 1);
  if (path == "/healthz") {
    HttpReply ok;
    ok.body = "{\"status\":\"SERVING\"}";
    return ok;
  }
  absl::StatusOr<Match> match = routes_->Find(request.verb, path);
  if (!match.ok()) {
    HttpReply reply = ErrorReply(match.status());
    if (match.status().code() == absl::StatusCode::kFailedPrecondition) {
      reply.status = 405;
    }
    return reply;
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> rpc_request =
      BuildRequest(*match, query, request.body);
  if (!rpc_request.ok()) return ErrorReply(rpc_request.status());
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> response =
      backends_->Call(*match->route, **rpc_request, request.authorization);
  if (!response.ok()) return ErrorReply(response.status());
  return OkReply(**response);
}

}  // namespace zwfw::gateway

#include "gateway/gateway.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/auth.h"
#include "services/common/log.h"

namespace zwfw::gateway {

HttpReply Gateway::Handle(const HttpRequest& request) {
  const absl::Time start = absl::Now();
  // Callers are named by a hash of their token (never the token), or by
  // their address when they have none.
  const std::string caller =
      request.authorization.empty()
          ? absl::StrCat("addr:", request.client)
          : Sha256Hex(request.authorization).substr(0, 16);
  std::string route = "-";
  HttpReply reply;
  RateLimiter::Decision admitted;
  if (limiter_ != nullptr) admitted = limiter_->Admit(caller);
  if (!admitted.allowed) {
    reply = ErrorReply(absl::ResourceExhaustedError(absl::StrCat(
        "rate limit reached; retry in ", admitted.retry_after_seconds, " s")));
    reply.headers.emplace_back("Retry-After",
                               absl::StrCat(admitted.retry_after_seconds));
  } else {
    reply = Route(request, &route);
  }
  if (request.verb == "GET" && reply.status == 200) {
    const std::string etag =
        absl::StrCat("\"", Sha256Hex(reply.body).substr(0, 32), "\"");
    reply.headers.emplace_back("ETag", etag);
    if (request.if_none_match == etag) {
      reply.status = 304;
      reply.body.clear();
    }
  }
  // One line per request: no token, no personal data.
  LogInfo(absl::StrCat(
      "{\"route\":\"", route, "\",\"status\":", reply.status,
      ",\"ms\":", absl::ToDoubleMilliseconds(absl::Now() - start),
      ",\"caller\":\"", caller.substr(0, 8), "\"}"));
  return reply;
}

HttpReply Gateway::Ready() {
  absl::Status s = backends_->CheckHealth();
  if (!s.ok()) return ErrorReply(s);
  HttpReply ok;
  ok.body = "{\"status\":\"READY\"}";
  return ok;
}

HttpReply Gateway::Route(const HttpRequest& request, std::string* route_name) {
  const size_t q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  const std::string query =
      q == std::string::npos ? "" : request.target.substr(q + 1);
  if (path == "/healthz") {
    *route_name = "/healthz";
    HttpReply ok;
    ok.body = "{\"status\":\"SERVING\"}";
    return ok;
  }
  if (path == "/readyz") {
    *route_name = "/readyz";
    return Ready();
  }
  absl::StatusOr<Match> match = routes_->Find(request.verb, path);
  if (!match.ok()) {
    HttpReply reply = ErrorReply(match.status());
    if (match.status().code() == absl::StatusCode::kFailedPrecondition) {
      reply.status = 405;
    }
    return reply;
  }
  *route_name = absl::StrCat(match->route->verb, " ", match->route->path);
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> rpc_request =
      BuildRequest(*match, query, request.body);
  if (!rpc_request.ok()) return ErrorReply(rpc_request.status());
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> response =
      backends_->Call(*match->route, **rpc_request, request.authorization,
                      request.traceparent);
  if (!response.ok()) return ErrorReply(response.status());
  return OkReply(**response);
}

}  // namespace zwfw::gateway

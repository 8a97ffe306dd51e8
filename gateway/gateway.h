// The gateway's request handling, independent of the HTTP server: route,
// transcode, call, reply.
#ifndef ZWFW_GATEWAY_GATEWAY_H_
#define ZWFW_GATEWAY_GATEWAY_H_

#include <string>

#include "gateway/backends.h"
#include "gateway/rate_limiter.h"
#include "gateway/routes.h"
#include "gateway/transcoder.h"

namespace zwfw::gateway {

struct HttpRequest {
  std::string verb;    // "GET", "POST", …
  std::string target;  // path and query
  std::string authorization;
  std::string body;
  std::string if_none_match;
  std::string traceparent;  // W3C trace context, passed on to the services
  std::string client;       // the peer's address
};

class Gateway {
 public:
  // `limiter` may be null (no limits).
  Gateway(const RouteTable* routes, Backends* backends, RateLimiter* limiter)
      : routes_(routes), backends_(backends), limiter_(limiter) {}

  // Never throws, never fails: every outcome is an HTTP reply. GET replies
  // carry an ETag; a matching If-None-Match is answered 304.
  HttpReply Handle(const HttpRequest& request);

  // GET /readyz: every backend answers its health check.
  HttpReply Ready();

 private:
  HttpReply Route(const HttpRequest& request, std::string* route_name);

  const RouteTable* const routes_;
  Backends* const backends_;
  RateLimiter* const limiter_;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_GATEWAY_H_

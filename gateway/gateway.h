// The gateway's request handling, independent of the HTTP server: route,
// transcode, call, reply.
#ifndef ZWFW_GATEWAY_GATEWAY_H_
#define ZWFW_GATEWAY_GATEWAY_H_

#include <string>

#include "gateway/backends.h"
#include "gateway/routes.h"
#include "gateway/transcoder.h"

namespace zwfw::gateway {

struct HttpRequest {
  std::string verb;    // "GET", "POST", …
  std::string target;  // path and query
  std::string authorization;
  std::string body;
};

class Gateway {
 public:
  Gateway(const RouteTable* routes, Backends* backends)
      : routes_(routes), backends_(backends) {}

  // Never throws, never fails: every outcome is an HTTP reply.
  HttpReply Handle(const HttpRequest& request);

 private:
  const RouteTable* const routes_;
  Backends* const backends_;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_GATEWAY_H_

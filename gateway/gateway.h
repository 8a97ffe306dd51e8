// The gateway's request handling, independent of the HTTP server: route,
// transcode, call, reply.
//
// Thread-safe: Handle, HandleQuickly and Ready are called from the HTTP
// server's I/O and worker threads at once. The gateway holds no mutable
// state of its own; what it shares (routes, backends, limiter, cache,
// tokens, the change watcher) is thread-safe, and its metrics are
// prometheus counters (atomic).
#ifndef ZWFW_GATEWAY_GATEWAY_H_
#define ZWFW_GATEWAY_GATEWAY_H_

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "gateway/backends.h"
#include "gateway/change_watcher.h"
#include "gateway/rate_limiter.h"
#include "gateway/response_cache.h"
#include "gateway/routes.h"
#include "gateway/transcoder.h"
#include "services/common/auth.h"
#include "services/common/single_flight.h"

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

struct GatewayOptions {
  // The dashboard's files (index.html, dashboard.js, echarts.min.js …),
  // served at / and /static/. Empty: no dashboard.
  std::string static_dir;
  // The office's name (重庆市綦江区政务服务管理办公室), which the dashboard
  // names its exports after: /static/office.json.
  std::string office_name;
  // When set, requests without a token may read aggregate figures and
  // published bulletins (never cases, evaluations or drafts): the gateway
  // presents this viewer token for them.
  std::string anonymous_viewer_token;
  // Where requests are counted (/metrics); null: not counted.
  prometheus::Registry* metrics = nullptr;
  // Caching of GET answers of routes marked `cache`: all three set, or
  // nothing is cached. The tokens name the caller's role, part of every
  // key, so that an answer is only ever served to callers the service
  // would have given it to; they also guard the gateway's own /metrics
  // (admin and service; refused without them).
  ChangeWatcher* changes = nullptr;
  ResponseCache* cache = nullptr;
  TokenStore* tokens = nullptr;
  // Counts requests whose token is unknown (to `tokens`) by client
  // address; over its limit they are answered 429 before anything is
  // asked of the services. May be null.
  RateLimiter* invalid_token_limiter = nullptr;
};

class Gateway {
 public:
  // `limiter` may be null (no limits).
  Gateway(const RouteTable* routes, Backends* backends, RateLimiter* limiter,
          GatewayOptions options = {});

  // Never throws, never fails: every outcome is an HTTP reply. GET replies
  // carry an ETag; a matching If-None-Match is answered 304. May block
  // (calls to the services, Redis).
  HttpReply Handle(const HttpRequest& request);
  // The reply when it can be given without blocking (an answer cached in
  // memory, a static file, a route error); nullopt: call Handle.
  std::optional<HttpReply> HandleQuickly(const HttpRequest& request);

  // GET /readyz: every backend answers its health check.
  HttpReply Ready();

  // Whether a request's body (larger than a few KB) may be read at all:
  // nullopt when its token is known, else the 401 (or the 429 of the
  // invalid-token limit) it gets unread. Does not block.
  std::optional<HttpReply> AdmitBody(const HttpRequest& request);

 private:
  // The caller of one of the gateway's own routes (`route`, named in the
  // errors) holds an admin or service token.
  absl::Status AuthorizeOwnRoute(const HttpRequest& request,
                                 absl::string_view route);
  // Who sent a request: its principal when its token is known (nullopt
  // without a token or a token file), or the 401 (or 429 of the
  // invalid-token limit) for a token the token file does not know.
  struct Caller {
    std::optional<Principal> who;
    std::optional<HttpReply> refused;
  };
  Caller Identify(const HttpRequest& request);
  // Both of the above: with `may_block` false, nullopt when the answer
  // needs a call that may block.
  std::optional<HttpReply> Process(const HttpRequest& request, bool may_block);
  // `who`: the caller as Identify found it (not the anonymous viewer).
  std::optional<HttpReply> Route(const HttpRequest& request, bool may_block,
                                 const std::optional<Principal>& who,
                                 std::string* route_name);
  HttpReply StaticFile(const std::string& path);
  // Calls the route's RPC and replies; a GET's answer is stored under `key`
  // when it is not empty.
  HttpReply CallAndCache(const Match& match,
                         const google::protobuf::Message& rpc_request,
                         const std::string& authorization,
                         const std::string& traceparent, const std::string& key,
                         absl::Time now);
  // The cache key of a GET of a cacheable route, or "" when its answer
  // cannot be cached right now (unknown token, a version not followed).
  // `who` is the caller when known already; else `authorization` (the
  // anonymous viewer's) is authenticated here.
  std::string CacheKey(const Match& match,
                       const google::protobuf::Message& rpc_request,
                       const std::string& authorization,
                       const std::optional<Principal>& who, bool may_block);

  const RouteTable* const routes_;
  Backends* const backends_;
  RateLimiter* const limiter_;
  const GatewayOptions options_;
  // name → (content type, bytes), read once at start-up.
  std::map<std::string, std::pair<std::string, std::string>> files_;
  const std::string openapi_;
  // Concurrent misses of one cache key share one call (single_flight.h).
  SingleFlight<HttpReply> flights_;
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* latency_ = nullptr;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_GATEWAY_H_

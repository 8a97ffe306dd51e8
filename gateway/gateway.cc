#include "gateway/gateway.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/timestamp.pb.h>
#include <prometheus/text_serializer.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/openapi.h"
#include "services/common/auth.h"
#include "services/common/bearer.h"
#include "services/common/cache_keys.h"
#include "services/common/json_string.h"
#include "services/common/log.h"
#include "services/common/proto_time.h"

namespace zwfw::gateway {
namespace {

// RPCs an anonymous viewer may reach: aggregates and published documents.
bool AnonymousMayCall(const google::protobuf::MethodDescriptor* m) {
  static const char* const kAllowed[] = {
      "ListDepartments", "GetCaseStats",     "GetSatisfactionStats",
      "GetIndicators",   "ComputeScorecard", "GetPublished",
      "ListPublished"};
  for (const char* name : kAllowed) {
    if (m->name() == name) return true;
  }
  return false;
}

// A response's top-level `stable_until` (when its figures may next change
// by the clock alone), if it has one.
std::optional<absl::Time> StableUntil(const google::protobuf::Message& m) {
  const google::protobuf::FieldDescriptor* field =
      m.GetDescriptor()->FindFieldByName("stable_until");
  if (field == nullptr ||
      field->message_type() != google::protobuf::Timestamp::descriptor() ||
      !m.GetReflection()->HasField(m, field)) {
    return std::nullopt;
  }
  return ToTime(static_cast<const google::protobuf::Timestamp&>(
      m.GetReflection()->GetMessage(m, field)));
}

std::string ContentType(const std::string& name) {
  if (absl::EndsWith(name, ".html")) return "text/html; charset=utf-8";
  if (absl::EndsWith(name, ".js")) return "text/javascript; charset=utf-8";
  if (absl::EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (absl::EndsWith(name, ".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace

Gateway::Gateway(const RouteTable* routes, Backends* backends,
                 RateLimiter* limiter, GatewayOptions options)
    : routes_(routes),
      backends_(backends),
      limiter_(limiter),
      options_(std::move(options)),
      openapi_(OpenApiJson(*routes)) {
  if (options_.metrics != nullptr) {
    requests_ = &prometheus::BuildCounter()
                     .Name("zwfw_http_requests_total")
                     .Help("HTTP requests by route and status")
                     .Register(*options_.metrics);
    latency_ = &prometheus::BuildHistogram()
                    .Name("zwfw_http_request_duration_seconds")
                    .Help("HTTP latency by route")
                    .Register(*options_.metrics);
  }
  if (options_.static_dir.empty()) return;
  for (const char* name :
       {"index.html", "dashboard.js", "table_export.js", "data_table.js",
        "dashboard.css", "echarts.min.js"}) {
    std::ifstream in(options_.static_dir + "/" + name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (in) files_[name] = {ContentType(name), bytes.str()};
  }
  files_["office.json"] = {
      ContentType("office.json"),
      absl::StrCat("{\"office\":", JsonString(options_.office_name), "}")};
}

HttpReply Gateway::StaticFile(const std::string& name) {
  auto it = files_.find(name);
  if (it == files_.end()) {
    return ErrorReply(absl::NotFoundError(absl::StrCat("no file ", name)));
  }
  HttpReply reply;
  reply.content_type = it->second.first;
  reply.body = it->second.second;
  return reply;
}

HttpReply Gateway::Handle(const HttpRequest& request) {
  return *Process(request, /*may_block=*/true);
}

std::optional<HttpReply> Gateway::HandleQuickly(const HttpRequest& request) {
  return Process(request, /*may_block=*/false);
}

std::optional<HttpReply> Gateway::AdmitBody(const HttpRequest& request) {
  // Process checks the token again once the body is in: the token file may
  // have changed (a revoked token) while the body was read.
  Caller caller = Identify(request);
  if (caller.refused.has_value()) return std::move(caller.refused);
  if (request.authorization.empty()) {
    HttpReply reply = ErrorReply(absl::UnauthenticatedError(
        "a request body over a few KB needs an \"Authorization: Bearer\" "
        "token, checked before the body is read"));
    return reply;
  }
  return std::nullopt;
}

Gateway::Caller Gateway::Identify(const HttpRequest& request) {
  if (options_.tokens == nullptr || request.authorization.empty()) return {};
  std::optional<std::string> token = ParseBearer(request.authorization);
  absl::StatusOr<Principal> who =
      token.has_value() ? options_.tokens->Authenticate(*token)
                        : absl::StatusOr<Principal>(absl::UnauthenticatedError(
                              "authorization is not \"Bearer <token>\""));
  if (who.ok()) return {.who = *std::move(who), .refused = std::nullopt};
  const absl::Status known = who.status();
  if (options_.invalid_token_limiter != nullptr) {
    RateLimiter::Decision d = options_.invalid_token_limiter->Admit(
        absl::StrCat("badtoken:", request.client));
    if (!d.allowed) {
      HttpReply reply = ErrorReply(absl::ResourceExhaustedError(absl::StrCat(
          "too many requests with unknown tokens from this address; retry in ",
          d.retry_after_seconds, " s")));
      reply.headers.emplace_back("Retry-After",
                                 absl::StrCat(d.retry_after_seconds));
      return {.who = std::nullopt, .refused = std::move(reply)};
    }
  }
  return {.who = std::nullopt, .refused = ErrorReply(known)};
}

std::optional<HttpReply> Gateway::Process(const HttpRequest& request,
                                          bool may_block) {
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
  std::optional<HttpReply> routed;
  // An unknown token is answered here, never passed on, and counted by
  // the client's address.
  Caller identified = Identify(request);
  if (identified.refused.has_value()) {
    route = "unknown-token";
    routed = std::move(identified.refused);
  } else if (may_block) {
    // Counted before anything is asked of the services.
    if (limiter_ != nullptr) admitted = limiter_->Admit(caller);
    if (admitted.allowed) {
      routed = Route(request, may_block, identified.who, &route);
    }
  } else {
    // Counted only once the answer is at hand: a request passed on to
    // Handle is counted there.
    routed = Route(request, may_block, identified.who, &route);
    if (!routed.has_value()) return std::nullopt;
    if (limiter_ != nullptr) admitted = limiter_->Admit(caller);
  }
  if (!admitted.allowed) {
    reply = ErrorReply(absl::ResourceExhaustedError(absl::StrCat(
        "rate limit reached; retry in ", admitted.retry_after_seconds, " s")));
    reply.headers.emplace_back("Retry-After",
                               absl::StrCat(admitted.retry_after_seconds));
  } else {
    reply = *std::move(routed);
  }
  if (request.verb == "GET" && reply.status == 200) {
    // Cached answers carry theirs.
    std::string etag;
    for (const auto& [name, value] : reply.headers) {
      if (name == "ETag") etag = value;
    }
    if (etag.empty()) {
      etag = EtagOf(reply.body);
      reply.headers.emplace_back("ETag", etag);
    }
    if (request.if_none_match == etag) {
      reply.status = 304;
      reply.body.clear();
    }
  }
  if (requests_ != nullptr) {
    requests_->Add({{"route", route}, {"status", absl::StrCat(reply.status)}})
        .Increment();
    static const prometheus::Histogram::BucketBoundaries kBuckets = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    latency_->Add({{"route", route}}, kBuckets)
        .Observe(absl::ToDoubleSeconds(absl::Now() - start));
  }
  // One line per request: no token, no personal data.
  LogInfoBuffered(
      absl::StrCat("{\"route\":\"", route, "\",\"status\":", reply.status,
                   ",\"ms\":", absl::ToDoubleMilliseconds(absl::Now() - start),
                   ",\"caller\":\"", caller.substr(0, 8), "\"}"));
  return reply;
}

absl::Status Gateway::AuthorizeOwnRoute(const HttpRequest& request,
                                        absl::string_view route) {
  if (options_.tokens == nullptr) {
    return absl::UnavailableError(
        absl::StrCat(route, " needs the token file (--token_file)"));
  }
  std::optional<std::string> token = ParseBearer(request.authorization);
  if (!token.has_value()) {
    return absl::UnauthenticatedError(
        absl::StrCat(route, " needs an \"Authorization: Bearer\" header"));
  }
  absl::StatusOr<Principal> who = options_.tokens->Authenticate(*token);
  if (!who.ok()) return who.status();
  if (who->role != Role::kAdmin && who->role != Role::kService) {
    return absl::PermissionDeniedError(
        absl::StrCat("role ", who->RoleName(), " may not read ", route));
  }
  return absl::OkStatus();
}

HttpReply Gateway::Ready() {
  absl::Status s = backends_->CheckHealth();
  if (!s.ok()) return ErrorReply(s);
  HttpReply ok;
  ok.body = "{\"status\":\"READY\"}";
  return ok;
}

std::optional<HttpReply> Gateway::Route(const HttpRequest& request,
                                        bool may_block,
                                        const std::optional<Principal>& who,
                                        std::string* route_name) {
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
    if (!may_block) return std::nullopt;
    *route_name = "/readyz";
    return Ready();
  }
  if (request.verb == "GET" && path == "/metrics" &&
      options_.metrics != nullptr) {
    *route_name = "/metrics";
    // Not for everyone on the gateway's public port: admin and service
    // tokens (Prometheus: bearer_token_file).
    absl::Status allowed = AuthorizeOwnRoute(request, "/metrics");
    if (!allowed.ok()) return ErrorReply(allowed);
    HttpReply reply;
    reply.content_type = "text/plain; version=0.0.4";
    reply.body =
        prometheus::TextSerializer().Serialize(options_.metrics->Collect());
    return reply;
  }
  if (request.verb == "GET" && path == "/api/v1/openapi.json") {
    *route_name = path;
    HttpReply reply;
    reply.body = openapi_;
    return reply;
  }
  if (request.verb == "GET" &&
      (path == "/" || absl::StartsWith(path, "/static/"))) {
    *route_name = "static";
    return StaticFile(path == "/" ? "index.html" : path.substr(8));
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
  std::string authorization = request.authorization;
  if (authorization.empty() && !options_.anonymous_viewer_token.empty() &&
      AnonymousMayCall(match->route->method)) {
    authorization = BearerValue(options_.anonymous_viewer_token);
  }
  const std::string key =
      request.verb == "GET" && match->route->cache
          ? CacheKey(*match, **rpc_request, authorization,
                     request.authorization.empty() ? std::nullopt : who,
                     may_block)
          : "";
  const absl::Time now = absl::Now();
  if (!key.empty()) {
    if (std::shared_ptr<const CachedReply> hit =
            options_.cache->Get(key, now, /*memory_only=*/!may_block)) {
      HttpReply reply = hit->reply;
      reply.headers.emplace_back("X-Zwfw-Cache", "hit");
      return reply;
    }
  }
  if (!may_block) return std::nullopt;
  // From here the request waits on the backend, holding a worker: a slow
  // backend gets at most its share of them (Backends::Admit).
  absl::StatusOr<Backends::Permit> permit =
      backends_->Admit(match->route->backend);
  if (!permit.ok()) {
    HttpReply reply = ErrorReply(permit.status());
    reply.headers.emplace_back("Retry-After", "1");
    return reply;
  }
  if (!key.empty()) {
    // A miss: every reader missing this key now waits for one call (the key
    // carries the versions the answer depends on, so theirs is the same).
    bool shared = false;
    HttpReply reply = flights_.Do(
        key,
        [&] {
          return CallAndCache(*match, **rpc_request, authorization,
                              request.traceparent, key, now);
        },
        &shared);
    if (shared) options_.cache->CountShared();
    reply.headers.emplace_back("X-Zwfw-Cache", shared ? "shared" : "miss");
    return reply;
  }
  return CallAndCache(*match, **rpc_request, authorization, request.traceparent,
                      "", now);
}

HttpReply Gateway::CallAndCache(const Match& match,
                                const google::protobuf::Message& rpc_request,
                                const std::string& authorization,
                                const std::string& traceparent,
                                const std::string& key, absl::Time now) {
  std::string data_version;
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> response =
      backends_->Call(*match.route, rpc_request, authorization, traceparent,
                      &data_version);
  if (match.route->verb != "GET" && options_.changes != nullptr) {
    // Until the service reports the write, its answers are not served from
    // the cache: the caller reads what it wrote.
    options_.changes->WroteTo(match.route->backend, data_version);
  }
  if (!response.ok()) return ErrorReply(response.status());
  HttpReply reply = OkReply(**response);
  if (!key.empty() &&
      !options_.changes->Covers(match.route->backend, data_version)) {
    // Another replica's answer, not provably as new as the version it
    // would be cached under: served, not kept.
    options_.cache->CountBypass();
  } else if (!key.empty()) {
    CachedReply entry;
    entry.reply = reply;
    entry.reply.headers.emplace_back("ETag", EtagOf(reply.body));
    if (std::optional<absl::Time> until = StableUntil(**response)) {
      entry.expires = *until;
    }
    options_.cache->Put(key, entry, now);
    reply = std::move(entry.reply);
  }
  return reply;
}

std::string Gateway::CacheKey(const Match& match,
                              const google::protobuf::Message& rpc_request,
                              const std::string& authorization,
                              const std::optional<Principal>& caller,
                              bool may_block) {
  if (options_.cache == nullptr || options_.changes == nullptr ||
      options_.tokens == nullptr) {
    return "";
  }
  // The caller's role is part of the key: services answer by role (and a
  // department token by its department), so an answer computed for one
  // role is never served to another.
  absl::StatusOr<Principal> who = absl::UnauthenticatedError("no token");
  if (caller.has_value()) {
    who = *caller;
  } else if (std::optional<std::string> token = ParseBearer(authorization)) {
    who = options_.tokens->Authenticate(*token);  // the anonymous viewer
  }
  if (!who.ok()) return "";
  std::optional<std::string> versions =
      options_.changes->Versions(DependenciesOf(match.route->backend));
  if (!versions.has_value()) {
    if (may_block) options_.cache->CountBypass();  // counted once
    return "";
  }
  std::string request_bytes;
  {
    google::protobuf::io::StringOutputStream stream(&request_bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    rpc_request.SerializeToCodedStream(&coded);
  }
  return HttpCacheKey(
      match.route->method->full_name(),
      absl::StrCat(who->RoleName(), "\n", *versions, "\n", request_bytes));
}

}  // namespace zwfw::gateway

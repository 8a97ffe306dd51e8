// The gateway: HTTP/JSON in front of the services. Flags, wiring and the
// server; nothing else.
#include <prometheus/registry.h>

#include <csignal>
#include <cstring>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "gateway/backends.h"
#include "gateway/change_watcher.h"
#include "gateway/gateway.h"
#include "gateway/http_server.h"
#include "gateway/rate_limiter.h"
#include "gateway/response_cache.h"
#include "gateway/routes.h"
#include "services/common/log.h"
#include "services/common/redis_cache.h"
#include "services/common/server.h"

ABSL_FLAG(int, http_threads, 2,
          "I/O threads serving HTTP (each with its own event loop)");
ABSL_FLAG(int, http_workers, 16,
          "threads for requests that wait on the services or Redis");
ABSL_FLAG(int, backend_max_in_flight, 8,
          "calls that may wait on one service at a time; more are answered "
          "503 at once, so a slow service never holds every worker (0: no "
          "limit)");
ABSL_FLAG(int64_t, invalid_token_limit_per_minute, 30,
          "requests with an unknown token from one client address a minute "
          "before more are refused 429 (0: no limit)");
ABSL_FLAG(int, http_max_queued, 1024,
          "requests waiting for or on a worker before more are answered 503 "
          "with Retry-After");
ABSL_FLAG(int, http_max_connections, 10000,
          "open HTTP connections; more are closed when accepted");
ABSL_FLAG(std::string, static_dir, ZWFW_GATEWAY_STATIC_DIR,
          "the dashboard's files (built with the gateway)");
ABSL_FLAG(std::string, office_name, "",
          "the office's name (重庆市綦江区政务服务管理办公室): the dashboard's "
          "exports are named after it");
ABSL_FLAG(bool, anonymous_viewer, false,
          "let requests without a token read aggregate figures and published "
          "bulletins, with the viewer token of --viewer_token_file");
ABSL_FLAG(std::string, viewer_token_file, "./var/viewer.token",
          "a viewer token, for --anonymous_viewer");
ABSL_FLAG(int64_t, cache_memory_mb, 64,
          "memory for cached GET answers (they are also kept in --redis); "
          "0: no caching");
ABSL_FLAG(int64_t, rate_limit_per_minute, 1200,
          "requests a caller (token, or address without one) may make a "
          "minute; 0: no limit");

int main(int argc, char** argv) {
  zwfw::ServerConfig config =
      zwfw::ParseServerFlags(argc, argv, "gateway", "127.0.0.1:8080");
  zwfw::BlockTerminationSignals();
  // HTTPS with --tls_cert/--tls_key; a non-loopback listener without them
  // needs --insecure, said out loud.
  absl::Status listener = zwfw::CheckListenerSecurity(
      config, "--listen", config.listen, !config.tls_cert.empty());
  if (!listener.ok()) return zwfw::StartupFailure(listener);
  absl::StatusOr<zwfw::gateway::RouteTable> routes =
      zwfw::gateway::RouteTable::FromDescriptors();
  if (!routes.ok()) return zwfw::StartupFailure(routes.status());
  std::map<std::string, zwfw::gateway::Backends::Backend> backends;
  for (const auto& [name, address] :
       {std::pair<std::string, std::string>{"intake", config.intake},
        {"survey", config.survey},
        {"scoring", config.scoring},
        {"bulletin", config.bulletin}}) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        zwfw::ClientChannel(config, address);
    if (!channel.ok()) return zwfw::StartupFailure(channel.status());
    backends[name] = {address, *channel};
  }
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels;
  for (const auto& [name, backend] : backends) channels[name] = backend.channel;
  zwfw::gateway::Backends calls(std::move(backends), absl::Seconds(30),
                                absl::GetFlag(FLAGS_backend_max_in_flight));
  auto registry = std::make_shared<prometheus::Registry>();
  // Values signed (signed_cache.h): whoever can write to Redis cannot forge
  // an answer.
  absl::StatusOr<zwfw::ServerCache> server_cache =
      zwfw::OpenServerCache(config, registry.get());
  if (!server_cache.ok()) return zwfw::StartupFailure(server_cache.status());
  zwfw::Cache* redis = server_cache->cache.get();
  zwfw::gateway::RateLimiter limiter(
      config.redis.empty() ? nullptr : redis,
      absl::GetFlag(FLAGS_rate_limit_per_minute));
  zwfw::gateway::GatewayOptions gateway_options;
  gateway_options.static_dir = absl::GetFlag(FLAGS_static_dir);
  gateway_options.office_name = absl::GetFlag(FLAGS_office_name);
  gateway_options.metrics = registry.get();
  if (absl::GetFlag(FLAGS_anonymous_viewer)) {
    absl::StatusOr<std::string> viewer =
        zwfw::ReadServiceToken(absl::GetFlag(FLAGS_viewer_token_file));
    if (!viewer.ok()) return zwfw::StartupFailure(viewer.status());
    gateway_options.anonymous_viewer_token = *viewer;
  }
  // Caching: the callers' roles from the token file, the services' data
  // versions followed with the service token.
  absl::StatusOr<std::unique_ptr<zwfw::TokenStore>> tokens =
      zwfw::OpenTokenFile(config);
  if (!tokens.ok()) return zwfw::StartupFailure(tokens.status());
  gateway_options.tokens = tokens->get();
  std::unique_ptr<zwfw::gateway::ChangeWatcher> changes;
  std::unique_ptr<zwfw::gateway::ResponseCache> cache;
  const int64_t cache_mb = absl::GetFlag(FLAGS_cache_memory_mb);
  absl::StatusOr<std::string> service_token =
      zwfw::ReadServiceToken(config.service_token_file);
  if (cache_mb <= 0) {
    zwfw::LogInfo("--cache_memory_mb=0: GET answers are not cached");
  } else if (!service_token.ok()) {
    zwfw::LogWarning(absl::StrCat("GET answers are not cached: ",
                                  service_token.status().message()));
  } else {
    changes = std::make_unique<zwfw::gateway::ChangeWatcher>(
        std::move(channels), *service_token);
    cache = std::make_unique<zwfw::gateway::ResponseCache>(
        redis,
        zwfw::gateway::ResponseCache::Options{
            .memory_bytes = static_cast<size_t>(cache_mb) << 20},
        registry.get());
    gateway_options.changes = changes.get();
    gateway_options.cache = cache.get();
  }
  // Unknown tokens, counted by client address: someone guessing tokens is
  // slowed down to --invalid_token_limit_per_minute tries.
  zwfw::gateway::RateLimiter invalid_tokens(
      config.redis.empty() ? nullptr : redis,
      absl::GetFlag(FLAGS_invalid_token_limit_per_minute));
  gateway_options.invalid_token_limiter = &invalid_tokens;
  zwfw::gateway::Gateway gateway(&*routes, &calls, &limiter, gateway_options);
  zwfw::gateway::HttpServerOptions options;
  options.listen = config.listen;
  options.threads = absl::GetFlag(FLAGS_http_threads);
  options.workers = absl::GetFlag(FLAGS_http_workers);
  options.max_queued = absl::GetFlag(FLAGS_http_max_queued);
  options.max_connections = absl::GetFlag(FLAGS_http_max_connections);
  options.tls_cert = config.tls_cert;
  options.tls_key = config.tls_key;
  options.max_body_bytes = config.max_message_bytes;
  options.drain_timeout = config.drain_timeout;
  absl::StatusOr<std::unique_ptr<zwfw::gateway::HttpServer>> server =
      zwfw::gateway::HttpServer::Start(
          options, {.quick =
                        [&gateway](const zwfw::gateway::HttpRequest& request) {
                          return gateway.HandleQuickly(request);
                        },
                    .handle =
                        [&gateway](const zwfw::gateway::HttpRequest& request) {
                          return gateway.Handle(request);
                        },
                    .admit_body =
                        [&gateway](const zwfw::gateway::HttpRequest& request) {
                          return gateway.AdmitBody(request);
                        }});
  if (!server.ok()) return zwfw::StartupFailure(server.status());
  zwfw::LogInfo(absl::StrCat(
      "listening on ", config.listen.substr(0, config.listen.rfind(':')), ":",
      (*server)->port(), config.tls_cert.empty() ? " (HTTP), " : " (HTTPS), ",
      routes->routes().size(), " routes"));
  int signal_number = zwfw::WaitForTerminationSignal();
  zwfw::LogInfo(
      absl::StrCat("received ", strsignal(signal_number), ": stopping"));
  (*server)->Stop();
  zwfw::LogInfo("stopped");
  return 0;
}

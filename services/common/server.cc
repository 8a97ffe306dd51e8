#include "services/common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "services/common/data_changes.h"
#include "services/common/log.h"
#include "services/common/replica_channel.h"

ABSL_FLAG(std::string, listen, "", "HOST:PORT to serve gRPC on");
ABSL_FLAG(std::string, data_dir, "./var", "folder of the SQLite files");
ABSL_FLAG(std::string, database, "",
          "PostgreSQL URI (postgresql://user@host:port/db?sslmode=...) of "
          "the shared database several replicas use; empty: SQLite files "
          "under --data_dir. No password in it: see "
          "--database_password_file");
ABSL_FLAG(std::string, database_password_file, "",
          "file holding the --database password; empty: none, or libpq's "
          "PGPASSFILE");
ABSL_FLAG(int, database_connections, 4,
          "connections to --database this server keeps (1 to 256)");
ABSL_FLAG(std::string, token_file, "./var/tokens.txt",
          "bearer token file (SHA-256 hashes and roles)");
ABSL_FLAG(std::string, redis, "", "HOST:PORT of Redis; empty: no cache");
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT to serve Prometheus /metrics on; empty: none");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: enables TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle: require and verify client certificates (mTLS)");
ABSL_FLAG(std::string, calendar_dir, "deploy/calendar",
          "folder of the working-day calendar files");
ABSL_FLAG(std::string, service_token_file, "./var/service.token",
          "file holding this server's service token for the services it "
          "calls");
ABSL_FLAG(std::string, peer_tls_ca, "",
          "PEM CA bundle: call other services over TLS, verified with it");
ABSL_FLAG(std::string, intake, "127.0.0.1:50051", zwfw::kServiceAddressHelp);
ABSL_FLAG(std::string, survey, "127.0.0.1:50052", zwfw::kServiceAddressHelp);
ABSL_FLAG(std::string, scoring, "127.0.0.1:50053", zwfw::kServiceAddressHelp);
ABSL_FLAG(std::string, bulletin, "127.0.0.1:50054", zwfw::kServiceAddressHelp);
ABSL_FLAG(int, max_message_bytes, 8 << 20,
          "largest gRPC message accepted, in bytes");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "how long in-flight RPCs may run after SIGTERM");
ABSL_FLAG(bool, allow_unbound_evaluators, false,
          "accept bare `evaluator` tokens bound to no window (a migration "
          "period only: such a device can rate any department)");
ABSL_FLAG(std::string, redis_password_file, "",
          "file holding the Redis password (AUTH); empty: none");
ABSL_FLAG(std::string, cache_key_file, "",
          "file holding the HMAC key of cache values (at least 32 bytes; the "
          "same for every process sharing the cache); empty: a random key "
          "of this process");
ABSL_FLAG(int, max_server_memory_mb, 1024,
          "memory gRPC may use for its buffers (ResourceQuota); calls past "
          "it are refused");
ABSL_FLAG(bool, insecure, false,
          "allow listening on a non-loopback address without TLS");
ABSL_FLAG(absl::Duration, changes_interval, absl::Milliseconds(20),
          "data-version changes that follow one within this are announced "
          "together (zwfw.v1.Changes): caches turn over at most this often");

namespace zwfw {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& flag,
                                    const std::string& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  if (!in || contents.str().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", path, ": cannot read the PEM file"));
  }
  return contents.str();
}

}  // namespace

ServerConfig ParseServerFlags(int argc, char** argv, const std::string& name,
                              const std::string& default_listen) {
  absl::SetProgramUsageMessage(
      absl::StrCat("zwfw ", name,
                   " server. Flags: --listen, --data_dir, "
                   "--token_file, --redis, --metrics_listen, --tls_cert, "
                   "--tls_key, --tls_client_ca; --help for all."));
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    LogError(absl::StrCat("unexpected argument ", rest[1]));
    std::exit(2);
  }
  SetLogProgramName(name);
  // Abseil's lock-order checks cost time on every lock in the hot paths of
  // a release build; unit tests, which link the libraries without this,
  // keep them.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ServerConfig c;
  c.name = name;
  c.listen = absl::GetFlag(FLAGS_listen);
  if (c.listen.empty()) c.listen = default_listen;
  c.data_dir = absl::GetFlag(FLAGS_data_dir);
  c.database = absl::GetFlag(FLAGS_database);
  c.database_password_file = absl::GetFlag(FLAGS_database_password_file);
  c.database_connections = absl::GetFlag(FLAGS_database_connections);
  c.token_file = absl::GetFlag(FLAGS_token_file);
  c.redis = absl::GetFlag(FLAGS_redis);
  c.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  c.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  c.tls_key = absl::GetFlag(FLAGS_tls_key);
  c.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  c.calendar_dir = absl::GetFlag(FLAGS_calendar_dir);
  c.service_token_file = absl::GetFlag(FLAGS_service_token_file);
  c.peer_tls_ca = absl::GetFlag(FLAGS_peer_tls_ca);
  c.intake = absl::GetFlag(FLAGS_intake);
  c.survey = absl::GetFlag(FLAGS_survey);
  c.scoring = absl::GetFlag(FLAGS_scoring);
  c.bulletin = absl::GetFlag(FLAGS_bulletin);
  c.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  c.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  c.changes_interval = absl::GetFlag(FLAGS_changes_interval);
  c.allow_unbound_evaluators = absl::GetFlag(FLAGS_allow_unbound_evaluators);
  c.redis_password_file = absl::GetFlag(FLAGS_redis_password_file);
  c.cache_key_file = absl::GetFlag(FLAGS_cache_key_file);
  c.insecure = absl::GetFlag(FLAGS_insecure);
  c.max_server_memory_mb = absl::GetFlag(FLAGS_max_server_memory_mb);
  return c;
}

absl::Status CheckListenerSecurity(const ServerConfig& config,
                                   const std::string& what,
                                   const std::string& listen, bool tls) {
  if (tls) return absl::OkStatus();
  absl::string_view host = listen;
  size_t colon = host.rfind(':');
  if (colon != absl::string_view::npos) host = host.substr(0, colon);
  host = absl::StripPrefix(absl::StripSuffix(host, "]"), "[");
  const bool loopback =
      host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
  if (loopback) return absl::OkStatus();
  if (!config.insecure) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, "=", listen,
        " is not a loopback address: give --tls_cert and --tls_key, or "
        "--insecure to serve it in plaintext"));
  }
  LogWarning(absl::StrCat(what, "=", listen,
                          " serves plaintext on a non-loopback address "
                          "(--insecure): tokens cross the network in clear"));
  return absl::OkStatus();
}

absl::StatusOr<ServerCache> OpenServerCache(const ServerConfig& config,
                                            prometheus::Registry* registry) {
  RedisOptions redis;
  redis.address = config.redis;
  if (!config.redis_password_file.empty()) {
    std::ifstream in(config.redis_password_file);
    std::stringstream contents;
    contents << in.rdbuf();
    redis.password = std::string(absl::StripAsciiWhitespace(contents.str()));
    if (!in || redis.password.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--redis_password_file=", config.redis_password_file,
                       ": cannot read a password from it"));
    }
  }
  std::string key;
  if (config.cache_key_file.empty()) {
    key = RandomCacheKey();
    if (!config.redis.empty()) {
      LogInfo(
          "cache values are signed with a key of this process only "
          "(--cache_key_file shares them across processes and "
          "restarts)");
    }
  } else {
    absl::StatusOr<std::string> read = ReadCacheKey(config.cache_key_file);
    if (!read.ok()) return read.status();
    key = *std::move(read);
  }
  ServerCache cache;
  cache.redis = RedisCache::Create(std::move(redis), registry);
  cache.cache = std::make_unique<SignedCache>(cache.redis.get(), std::move(key),
                                              registry);
  return cache;
}

absl::StatusOr<std::unique_ptr<TokenStore>> OpenTokenFile(
    const ServerConfig& config) {
  absl::StatusOr<std::unique_ptr<TokenStore>> tokens = TokenStore::Open(
      config.token_file,
      {.allow_unbound_evaluators = config.allow_unbound_evaluators});
  if (!tokens.ok()) return tokens.status();
  std::vector<std::string> unbound = (*tokens)->UnboundEvaluators();
  if (!unbound.empty()) {
    std::string ids = absl::StrJoin(unbound, ", ");
    if (config.allow_unbound_evaluators) {
      LogWarning(absl::StrCat(
          unbound.size(),
          " evaluator tokens bound to no window are accepted "
          "(--allow_unbound_evaluators): ",
          ids, "; replace them with evaluator:<window_code> tokens"));
    } else {
      LogWarning(absl::StrCat(
          unbound.size(),
          " evaluator tokens bound to no window are refused: ", ids,
          "; replace them with evaluator:<window_code> tokens, or pass "
          "--allow_unbound_evaluators for a migration period"));
    }
  }
  return tokens;
}

int StartupFailure(const absl::Status& status) {
  LogError(absl::StrCat("cannot start: ", status.ToString()));
  return 1;
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const ServerConfig& config) {
  if (config.tls_cert.empty() && config.tls_key.empty()) {
    if (!config.tls_client_ca.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca needs --tls_cert and --tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  if (config.tls_cert.empty() || config.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert and --tls_key must be given together");
  }
  absl::StatusOr<std::string> cert = ReadPem("tls_cert", config.tls_cert);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem("tls_key", config.tls_key);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!config.tls_client_ca.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPem("tls_client_ca", config.tls_client_ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::string> ReadServiceToken(const std::string& path) {
  if (path.empty()) {
    return absl::FailedPreconditionError(
        "--service_token_file is needed to call other services");
  }
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(contents.str()));
  if (!in || token.empty()) {
    return absl::NotFoundError(absl::StrCat("--service_token_file=", path,
                                            ": cannot read a token from it"));
  }
  return token;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ClientChannel(
    const ServerConfig& config, const std::string& address) {
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!config.peer_tls_ca.empty()) {
    grpc::SslCredentialsOptions ssl;
    absl::StatusOr<std::string> ca = ReadPem("peer_tls_ca", config.peer_tls_ca);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    if (!config.tls_cert.empty()) {
      absl::StatusOr<std::string> cert = ReadPem("tls_cert", config.tls_cert);
      if (!cert.ok()) return cert.status();
      absl::StatusOr<std::string> key = ReadPem("tls_key", config.tls_key);
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *cert;
      ssl.pem_private_key = *key;
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(config.max_message_bytes);
  ConfigureForReplicas(args);
  return grpc::CreateCustomChannel(address, credentials, args);
}

void ApplyServerLimits(const ServerConfig& config,
                       grpc::ServerBuilder& builder) {
  builder.SetMaxReceiveMessageSize(config.max_message_bytes);
  builder.SetMaxSendMessageSize(config.max_message_bytes);
  // Ping idle connections every 2 minutes, drop peers that do not answer
  // in 20 s, and refuse clients that ping more often than every 10 s.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 120000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 30 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, 16 * 1024);
  // Against exhaustion: at most 256 calls at once on one connection, and a
  // memory budget for all of gRPC's buffers; past it, calls are refused
  // (RESOURCE_EXHAUSTED) instead of the process growing.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 256);
  grpc::ResourceQuota quota(config.name + "-quota");
  quota.Resize(static_cast<size_t>(config.max_server_memory_mb) << 20);
  builder.SetResourceQuota(quota);
}

absl::StatusOr<std::unique_ptr<ServerHost>> ServerHost::Create(
    ServerConfig config) {
  BlockTerminationSignals();
  absl::Status listener = CheckListenerSecurity(
      config, "--listen", config.listen, !config.tls_cert.empty());
  if (!listener.ok()) return listener;
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ServerCredentialsFor(config);
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<std::unique_ptr<TokenStore>> tokens = OpenTokenFile(config);
  if (!tokens.ok()) return tokens.status();
  if (mkdir(config.data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::UnavailableError(absl::StrCat("--data_dir=", config.data_dir,
                                               ": ", std::strerror(errno)));
  }
  absl::StatusOr<std::unique_ptr<Metrics>> metrics =
      Metrics::Create(config.metrics_listen);
  if (!metrics.ok()) return metrics.status();
  auto host = std::unique_ptr<ServerHost>(
      new ServerHost(std::move(config), *std::move(metrics), *std::move(tokens),
                     *std::move(credentials)));
  // Created (and its metrics registered) either way; handed out only with
  // an address.
  absl::StatusOr<ServerCache> cache =
      OpenServerCache(host->config_, &host->metrics().registry());
  if (!cache.ok()) return cache.status();
  host->cache_ = *std::move(cache);
  return host;
}

PgOptions ServerHost::DatabaseOptions() {
  PgOptions options;
  options.url = config_.database;
  options.password_file = config_.database_password_file;
  options.schema = config_.name;
  options.connections = config_.database_connections;
  options.metrics = &metrics().registry();
  return options;
}

int ServerHost::Run(const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.listen, credentials_, &port);
  ApplyServerLimits(config_, builder);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(metrics_->NewInterceptorFactory());
  interceptors.push_back(
      NewDataVersionInterceptorFactory(&DataChanges::Process()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  for (grpc::Service* service : services) builder.RegisterService(service);
  // Every server tells caches in front of it when its data changes.
  ChangesService changes(tokens_.get(), &DataChanges::Process(),
                         config_.changes_interval);
  builder.RegisterService(&changes);

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    LogError(absl::StrCat("cannot listen on ", config_.listen));
    return 1;
  }
  // Services are handed over ready (stores open, migrations applied), so
  // the server is SERVING as soon as it listens.
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(true);
  std::string host = config_.listen.substr(0, config_.listen.rfind(':'));
  LogInfo(absl::StrCat("listening on ", host, ":", port,
                       config_.tls_cert.empty() ? "" : " (TLS)",
                       config_.metrics_listen.empty()
                           ? ""
                           : absl::StrCat(", metrics on http://",
                                          config_.metrics_listen, "/metrics")));

  const int signal_number = WaitForTerminationSignal();

  // NOT_SERVING first, so load balancers stop sending new calls.
  health->Shutdown();
  DataChanges::Process().Close();  // ends the watchers' streams
  // Said just before the listener closes: a call made after this line is
  // refused (what the drain test relies on).
  LogInfo(absl::StrCat("received ", strsignal(signal_number),
                       ": draining for up to ",
                       absl::FormatDuration(config_.drain_timeout)));
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoSeconds(config_.drain_timeout));
  server->Wait();
  LogInfo("stopped");
  return 0;
}

}  // namespace zwfw

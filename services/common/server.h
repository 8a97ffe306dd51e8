// The bootstrap every zwfw server runs on: one set of flags, TLS, limits,
// health, reflection, metrics, and graceful shutdown.
//
//   int main(int argc, char** argv) {
//     zwfw::ServerConfig config = zwfw::ParseServerFlags(argc, argv, "intake",
//                                                        "127.0.0.1:50051");
//     absl::StatusOr<std::unique_ptr<zwfw::ServerHost>> host =
//         zwfw::ServerHost::Create(config);
//     ... build the services ...
//     return (*host)->Run({&directory_service});
//   }
#ifndef ZWFW_SERVICES_COMMON_SERVER_H_
#define ZWFW_SERVICES_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/metrics.h"
#include "services/common/postgres.h"
#include "services/common/redis_cache.h"
#include "services/common/signed_cache.h"

namespace zwfw {

struct ServerConfig {
  std::string name;            // "intake", ...: logs and metrics
  std::string listen;          // --listen=HOST:PORT (port 0: any free port)
  std::string data_dir;        // --data_dir: where the SQLite files live
  std::string token_file;      // --token_file: hashed bearer tokens
  std::string redis;           // --redis=HOST:PORT; empty: no cache
  std::string metrics_listen;  // --metrics_listen=HOST:PORT; empty: none
  std::string tls_cert;        // --tls_cert, --tls_key: PEM files; TLS on
  std::string tls_key;
  std::string tls_client_ca;  // --tls_client_ca: require client certificates
  std::string calendar_dir;   // --calendar_dir
  // --service_token_file: the bearer token (role service) this server
  // presents to the services it calls.
  std::string service_token_file;
  // --peer_tls_ca: PEM roots to verify the services it calls; TLS to them
  // when set (presenting --tls_cert/--tls_key as client certificate).
  std::string peer_tls_ca;
  // Addresses of the services this one calls.
  std::string intake;
  std::string survey;
  std::string scoring;
  std::string bulletin;
  int max_message_bytes = 8 << 20;                   // --max_message_bytes
  absl::Duration drain_timeout = absl::Seconds(10);  // --drain_timeout
  absl::Duration changes_interval = absl::Milliseconds(20);  // --changes_...
  // --allow_unbound_evaluators: accept bare `evaluator` tokens (migration).
  bool allow_unbound_evaluators = false;
  // --redis_password_file: Redis AUTH; empty: none.
  std::string redis_password_file;
  // --cache_key_file: the HMAC key of cache values (signed_cache.h); empty:
  // a random key of this process.
  std::string cache_key_file;
  // --insecure: allow a listener on a non-loopback address without TLS.
  bool insecure = false;
  // --max_server_memory_mb: gRPC's memory budget (ResourceQuota).
  int max_server_memory_mb = 1024;
  // --database: a PostgreSQL URI; empty: SQLite files under --data_dir.
  std::string database;
  // --database_password_file: the database password; empty: none, or
  // libpq's PGPASSFILE.
  std::string database_password_file;
  int database_connections = 4;  // --database_connections: the pool's size
};

// Parses the common server flags (and any flags the binary defines itself)
// and sets the log program name. Exits with usage on unknown flags.
ServerConfig ParseServerFlags(int argc, char** argv, const std::string& name,
                              const std::string& default_listen);

// Opens --token_file with the server's token options; names in the log the
// bare `evaluator` tokens it holds, refused unless
// --allow_unbound_evaluators.
absl::StatusOr<std::unique_ptr<TokenStore>> OpenTokenFile(
    const ServerConfig& config);

// FAILED_PRECONDITION when `listen` is not a loopback address and `tls` is
// false, unless --insecure (then a warning is logged). `what` names the
// listener in the message ("--listen").
absl::Status CheckListenerSecurity(const ServerConfig& config,
                                   const std::string& what,
                                   const std::string& listen, bool tls);

// The cache of a server or gateway on --redis: Redis with AUTH from
// --redis_password_file, its values signed with --cache_key_file.
struct ServerCache {
  std::unique_ptr<RedisCache> redis;
  std::unique_ptr<SignedCache> cache;  // over `redis`
};
absl::StatusOr<ServerCache> OpenServerCache(const ServerConfig& config,
                                            prometheus::Registry* registry);

// Logs why a server cannot start and returns the process exit code (1).
int StartupFailure(const absl::Status& status);

// Blocks SIGINT and SIGTERM in the calling thread and every thread it
// starts later, so that only ServerHost::Run receives them. ServerHost::Create
// calls it; call it earlier if threads are started before.
void BlockTerminationSignals();

// Waits (in the calling thread) for SIGINT or SIGTERM, blocked beforehand
// with BlockTerminationSignals; returns the signal number.
int WaitForTerminationSignal();

class ServerHost {
 public:
  // Blocks the termination signals, checks the TLS files, opens the token
  // file, makes the data folder, starts the metrics endpoint.
  // INVALID_ARGUMENT for a bad TLS setting or token file, NOT_FOUND for a
  // missing token file, UNAVAILABLE when the data folder cannot be made or
  // the metrics address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ServerHost>> Create(
      ServerConfig config);

  const ServerConfig& config() const { return config_; }
  Metrics& metrics() { return *metrics_; }
  // The bearer tokens every RPC is checked against.
  TokenStore& tokens() { return *tokens_; }
  // The cache on --redis (RedisCache, counted in the metrics), or null
  // when --redis is empty: the server runs uncached.
  Cache* cache() {
    return config_.redis.empty() ? nullptr : cache_.cache.get();
  }
  // `file` in the data folder.
  std::string DataPath(const std::string& file) const {
    return config_.data_dir + "/" + file;
  }
  // Whether --database names a PostgreSQL database (else SQLite files).
  bool OnPostgres() const { return !config_.database.empty(); }
  // The store's PostgreSQL settings from --database...: the service's own
  // schema (its name), its retries counted in these metrics.
  PgOptions DatabaseOptions();

  // Serves until SIGINT or SIGTERM: health is NOT_SERVING until the server
  // is up, SERVING while it runs, NOT_SERVING again while draining;
  // in-flight RPCs get `drain_timeout` to finish. Returns the process exit
  // code: 0 after a clean shutdown, 1 when the server cannot start.
  int Run(const std::vector<grpc::Service*>& services);

 private:
  ServerHost(ServerConfig config, std::unique_ptr<Metrics> metrics,
             std::unique_ptr<TokenStore> tokens,
             std::shared_ptr<grpc::ServerCredentials> credentials)
      : config_(std::move(config)),
        metrics_(std::move(metrics)),
        tokens_(std::move(tokens)),
        credentials_(std::move(credentials)) {}

  ServerConfig config_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<TokenStore> tokens_;
  std::shared_ptr<grpc::ServerCredentials> credentials_;
  ServerCache cache_;
};

// Server credentials from the TLS flags: insecure when no certificate is
// given, TLS with one, mutual TLS when a client CA is given too.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const ServerConfig& config);

// The service token from --service_token_file; FAILED_PRECONDITION when
// the flag is empty, NOT_FOUND when the file cannot be read.
absl::StatusOr<std::string> ReadServiceToken(const std::string& path);

// A channel to another zwfw service at `address` — any gRPC target, one
// replica or several (replica_channel.h) — over TLS when --peer_tls_ca is
// set.
absl::StatusOr<std::shared_ptr<grpc::Channel>> ClientChannel(
    const ServerConfig& config, const std::string& address);

// Applies the size and keepalive limits every zwfw server uses.
void ApplyServerLimits(const ServerConfig& config,
                       grpc::ServerBuilder& builder);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_SERVER_H_

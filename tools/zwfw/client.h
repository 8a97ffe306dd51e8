// What every `zwfw` command needs to reach a server: addresses, the bearer
// token, TLS, deadlines. Read from the command-line flags and environment.
#ifndef ZWFW_TOOLS_ZWFW_CLIENT_H_
#define ZWFW_TOOLS_ZWFW_CLIENT_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zwfw::cli {

struct ClientOptions {
  std::string intake = "127.0.0.1:50051";
  std::string survey = "127.0.0.1:50052";
  std::string scoring = "127.0.0.1:50053";
  std::string bulletin = "127.0.0.1:50054";
  std::string token;     // the bearer token itself
  std::string tls_ca;    // PEM roots: use TLS
  std::string tls_cert;  // PEM client certificate for mutual TLS
  std::string tls_key;
  absl::Duration deadline = absl::Seconds(30);
  bool json = false;
};

// Options from the flags; the token from --token, else the file named by
// --token_file, else $ZWFW_TOKEN (empty when none).
absl::StatusOr<ClientOptions> ClientOptionsFromFlags();

// A channel to `address` with the options' credentials and limits.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const ClientOptions& options, const std::string& address);

// Connect, or the reason on stderr ("zwfw: …") and null: a command then
// exits kExitUsage.
std::shared_ptr<grpc::Channel> ConnectOrSay(const ClientOptions& options,
                                            const std::string& address);

// A client context carrying the token and the deadline.
std::unique_ptr<grpc::ClientContext> NewContext(const ClientOptions& options);

// The address of a server named "intake", "survey", "scoring" or "bulletin"
// (from the flags); anything else is taken as HOST:PORT.
std::string ServerAddress(const ClientOptions& options,
                          const std::string& name);

// Reads a whole file (at most `max_bytes`); INVALID_ARGUMENT naming it.
absl::StatusOr<std::string> ReadFileLimited(const std::string& path,
                                            size_t max_bytes);

// Proto JSON with the proto's field names; indented when `pretty`.
std::string ToJson(const google::protobuf::Message& message,
                   bool pretty = true);

// Prints "zwfw: CODE: message" to stderr and returns the exit code for a
// failed call (1).
int ReportRpcError(const grpc::Status& status, const std::string& what);

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_CLIENT_H_

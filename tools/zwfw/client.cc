#include "tools/zwfw/client.h"

#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/bearer.h"
#include "services/common/replica_channel.h"
#include "services/common/status.h"

ABSL_FLAG(std::string, intake, "127.0.0.1:50051", zwfw::kServiceAddressHelp);
ABSL_FLAG(std::string, survey, "127.0.0.1:50052", zwfw::kServiceAddressHelp);
ABSL_FLAG(std::string, scoring, "127.0.0.1:50053", zwfw::kServiceAddressHelp);
ABSL_FLAG(std::string, bulletin, "127.0.0.1:50054", zwfw::kServiceAddressHelp);
ABSL_FLAG(std::string, token, "",
          "bearer token (else --token_file, else "
          "$ZWFW_TOKEN)");
ABSL_FLAG(std::string, token_file, "",
          "file holding the bearer token; for `tokens add`, the server's "
          "token file to add a hash to");
ABSL_FLAG(std::string, tls_ca, "", "PEM CA bundle: connect with TLS");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate (mutual TLS)");
ABSL_FLAG(std::string, tls_key, "", "PEM key of --tls_cert");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(30), "deadline of each call");
ABSL_FLAG(bool, json, false, "print proto JSON instead of text");

namespace zwfw::cli {

constexpr int kMaxMessageBytes = 64 << 20;

absl::StatusOr<std::string> ReadFileLimited(const std::string& path,
                                            size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot be opened"));
  }
  std::string contents;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    contents.append(buffer, in.gcount());
    if (contents.size() > max_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": larger than the limit of ", max_bytes, " bytes"));
    }
  }
  return contents;
}

absl::StatusOr<ClientOptions> ClientOptionsFromFlags() {
  ClientOptions o;
  o.intake = absl::GetFlag(FLAGS_intake);
  o.survey = absl::GetFlag(FLAGS_survey);
  o.scoring = absl::GetFlag(FLAGS_scoring);
  o.bulletin = absl::GetFlag(FLAGS_bulletin);
  o.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  o.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  o.tls_key = absl::GetFlag(FLAGS_tls_key);
  o.deadline = absl::GetFlag(FLAGS_deadline);
  o.json = absl::GetFlag(FLAGS_json);
  o.token = absl::GetFlag(FLAGS_token);
  if (o.token.empty() && !absl::GetFlag(FLAGS_token_file).empty()) {
    absl::StatusOr<std::string> contents =
        ReadFileLimited(absl::GetFlag(FLAGS_token_file), 4096);
    if (!contents.ok()) return contents.status();
    o.token = std::string(absl::StripAsciiWhitespace(*contents));
  }
  if (o.token.empty()) {
    if (const char* env = std::getenv("ZWFW_TOKEN")) o.token = env;
  }
  return o;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const ClientOptions& options, const std::string& address) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls_ca.empty()) {
    if (!options.tls_cert.empty()) {
      return absl::InvalidArgumentError("--tls_cert needs --tls_ca");
    }
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    absl::StatusOr<std::string> ca = ReadFileLimited(options.tls_ca, 1 << 20);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    if (!options.tls_cert.empty()) {
      absl::StatusOr<std::string> cert =
          ReadFileLimited(options.tls_cert, 1 << 20);
      if (!cert.ok()) return cert.status();
      absl::StatusOr<std::string> key =
          ReadFileLimited(options.tls_key, 1 << 20);
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *cert;
      ssl.pem_private_key = *key;
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  ConfigureForReplicas(args);
  return grpc::CreateCustomChannel(address, credentials, args);
}

std::shared_ptr<grpc::Channel> ConnectOrSay(const ClientOptions& options,
                                            const std::string& address) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      Connect(options, address);
  if (channel.ok()) return *std::move(channel);
  std::cerr << "zwfw: " << channel.status().message() << "\n";
  return nullptr;
}

std::unique_ptr<grpc::ClientContext> NewContext(const ClientOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options.token.empty()) {
    AddBearerToken(context.get(), options.token);
  }
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(options.deadline));
  return context;
}

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = true;
  // Printing a well-formed message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

int ReportRpcError(const grpc::Status& status, const std::string& what) {
  std::cerr << "zwfw: " << what << ": " << StatusCodeName(status.error_code())
            << ": " << status.error_message() << "\n";
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    std::cerr << "zwfw: pass a token with --token, --token_file or "
                 "$ZWFW_TOKEN\n";
  }
  return 1;
}

std::string ServerAddress(const ClientOptions& options,
                          const std::string& name) {
  if (name == "intake") return options.intake;
  if (name == "survey") return options.survey;
  if (name == "scoring") return options.scoring;
  if (name == "bulletin") return options.bulletin;
  return name;
}

}  // namespace zwfw::cli

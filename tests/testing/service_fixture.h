// What every service test builds its fixture from (userver's
// ServiceFixtureBase): the service under test served in process, and a
// token store whose tokens are their own names.
//
//   tokens_ = testing::TokensFor({{"admin", "admin"},
//                                 {"gaj", "department:qj-gaj"}});
//   service_ = std::make_unique<SurveyService>(..., tokens_.get());
//   server_ = std::make_unique<testing::InProcessServer>(service_.get());
//   stub_ = Survey::NewStub(server_->channel());
//   ... stub_->GetSatisfactionStats(As("admin").get(), request, &response);
#ifndef ZWFW_TESTS_TESTING_SERVICE_FIXTURE_H_
#define ZWFW_TESTS_TESTING_SERVICE_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"

namespace zwfw::testing {

// A token store in which each token (the first of a pair, presented with
// As(token)) has the role that follows it ("admin", "department:qj-gaj").
inline std::unique_ptr<TokenStore> TokensFor(
    std::initializer_list<std::pair<std::string, std::string>> tokens) {
  std::string contents;
  for (const auto& [token, role] : tokens) {
    absl::StrAppend(&contents, Sha256Hex(token), " ", role, "\n");
  }
  absl::StatusOr<std::unique_ptr<TokenStore>> store =
      TokenStore::FromContents(contents);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// One service served in process, for as long as this lives; requests and
// answers up to `max_message_bytes` each way. Shutting down (destruction)
// waits for calls in flight.
class InProcessServer {
 public:
  explicit InProcessServer(grpc::Service* service,
                           int max_message_bytes = 4 << 20) {
    grpc::ServerBuilder builder;
    builder.RegisterService(service);
    builder.SetMaxReceiveMessageSize(max_message_bytes);
    server_ = builder.BuildAndStart();
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(max_message_bytes);
    args.SetMaxReceiveMessageSize(max_message_bytes);
    channel_ = server_->InProcessChannel(args);
  }
  ~InProcessServer() { server_->Shutdown(); }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

 private:
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace zwfw::testing

#endif  // ZWFW_TESTS_TESTING_SERVICE_FIXTURE_H_

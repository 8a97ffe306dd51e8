// ClientChannel over several replicas (replica_channel.h): calls spread
// round-robin, a replica whose health says NOT_SERVING is left out, and a
// replica that stops costs no failed call. Real TCP servers on loopback.
#include "services/common/replica_channel.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/server.h"
#include "zwfw/v1/bulletin.grpc.pb.h"
#include "zwfw/v1/directory.grpc.pb.h"
#include "zwfw/v1/intake.grpc.pb.h"
#include "zwfw/v1/scoring.grpc.pb.h"
#include "zwfw/v1/survey.grpc.pb.h"

namespace zwfw {
namespace {

// A write that is not idempotent (each call adds an adjustment): counted,
// and failed UNAVAILABLE like the replica's reads when it is going away.
class Adjustments : public zwfw::v1::Scoring::Service {
 public:
  explicit Adjustments(const std::atomic<bool>* unavailable)
      : unavailable_(unavailable) {}
  grpc::Status AddAdjustment(grpc::ServerContext*,
                             const zwfw::v1::AddAdjustmentRequest*,
                             zwfw::v1::AddAdjustmentResponse*) override {
    ++calls;
    if (*unavailable_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "going away");
    }
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};

 private:
  const std::atomic<bool>* unavailable_;
};

// A replica: GetCase answers with the replica's name; the standard health
// service says SERVING until told otherwise.
class Replica : public zwfw::v1::CaseIntake::Service {
 public:
  explicit Replica(std::string name) : name_(std::move(name)) {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(this);
    builder.RegisterService(&adjustments_);
    server_ = builder.BuildAndStart();
    server_->GetHealthCheckService()->SetServingStatus(true);
  }
  ~Replica() override { Stop(); }

  grpc::Status GetCase(grpc::ServerContext*, const zwfw::v1::GetCaseRequest*,
                       zwfw::v1::GetCaseResponse* response) override {
    ++calls_;
    if (unavailable_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "going away");
    }
    response->mutable_case_()->set_case_no(name_);
    return grpc::Status::OK;
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  int calls() const { return calls_; }
  int adjustments() const { return adjustments_.calls; }
  // Every call fails UNAVAILABLE, as on a server going away.
  void FailUnavailable() { unavailable_ = true; }
  void SetServing(bool serving) {
    server_->GetHealthCheckService()->SetServingStatus(serving);
  }
  void Stop() {
    if (server_ == nullptr) return;
    server_->Shutdown(std::chrono::system_clock::now());
    server_.reset();
  }

 private:
  const std::string name_;
  int port_ = 0;
  std::atomic<int> calls_{0};
  std::atomic<bool> unavailable_{false};
  Adjustments adjustments_{&unavailable_};
  std::unique_ptr<grpc::Server> server_;
};

class ReplicaChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ClientChannel(
        config, absl::StrCat("ipv4:", a_.address(), ",", b_.address()));
    ASSERT_TRUE(channel.ok()) << channel.status();
    stub_ = zwfw::v1::CaseIntake::NewStub(*channel);
    scoring_ = zwfw::v1::Scoring::NewStub(*channel);
  }

  // The replica that answered, or the error. Only a first call waits for
  // the channel to connect; the others fail at once when no replica takes
  // them.
  std::string Call() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    context.set_wait_for_ready(first_);
    first_ = false;
    zwfw::v1::GetCaseRequest request;
    zwfw::v1::GetCaseResponse response;
    grpc::Status s = stub_->GetCase(&context, request, &response);
    if (!s.ok()) return absl::StrCat("error: ", s.error_message());
    return response.case_().case_no();
  }

  // Calls until `n` in a row are answered by `name`; false after 10 s.
  bool SettlesOn(const std::string& name, int n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    for (int run = 0; absl::Now() < deadline;) {
      run = Call() == name ? run + 1 : 0;
      if (run == n) return true;
    }
    return false;
  }

  // Calls until both replicas have taken one; false after 10 s.
  bool BothTakeCalls() {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline && (a_.calls() == 0 || b_.calls() == 0)) {
      Call();
    }
    return a_.calls() > 0 && b_.calls() > 0;
  }

  Replica a_{"a"}, b_{"b"};
  bool first_ = true;
  std::unique_ptr<zwfw::v1::CaseIntake::Stub> stub_;
  std::unique_ptr<zwfw::v1::Scoring::Stub> scoring_;
};

TEST_F(ReplicaChannelTest, CallsAreSpreadOverTheReplicasInTurn) {
  ASSERT_NE(Call().substr(0, 6), "error:");
  ASSERT_TRUE(BothTakeCalls());
  const int a = a_.calls(), b = b_.calls();
  for (int i = 0; i < 40; ++i) ASSERT_NE(Call().substr(0, 6), "error:");
  EXPECT_EQ(a_.calls() - a, 20);
  EXPECT_EQ(b_.calls() - b, 20);
}

TEST_F(ReplicaChannelTest, AReplicaNotServingGetsNoCalls) {
  ASSERT_NE(Call().substr(0, 6), "error:");
  a_.SetServing(false);  // what a draining server says first
  ASSERT_TRUE(SettlesOn("b", 20));
  const int a = a_.calls();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Call(), "b");
  EXPECT_EQ(a_.calls(), a);
  a_.SetServing(true);
  EXPECT_TRUE(SettlesOn("a", 1));  // back in turn
}

TEST_F(ReplicaChannelTest, AReplicaThatStopsCostsNoFailedCall) {
  ASSERT_NE(Call().substr(0, 6), "error:");
  ASSERT_TRUE(BothTakeCalls());
  a_.Stop();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(Call(), "b") << "call " << i;
}

TEST_F(ReplicaChannelTest, ACallFailingUnavailableIsSentAgainToAnother) {
  ASSERT_NE(Call().substr(0, 6), "error:");
  ASSERT_TRUE(BothTakeCalls());
  a_.FailUnavailable();
  const int a = a_.calls();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Call(), "b") << "call " << i;
  EXPECT_GT(a_.calls(), a);  // a was tried, and its failures retried on b
}

TEST_F(ReplicaChannelTest, AWriteThatIsNotIdempotentIsNotSentAgain) {
  ASSERT_NE(Call().substr(0, 6), "error:");
  ASSERT_TRUE(BothTakeCalls());
  a_.FailUnavailable();
  b_.FailUnavailable();
  grpc::ClientContext context;
  zwfw::v1::AddAdjustmentRequest request;
  zwfw::v1::AddAdjustmentResponse response;
  grpc::Status s = scoring_->AddAdjustment(&context, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(a_.adjustments() + b_.adjustments(), 1);  // tried once only
  // A read failing the same way is tried three times.
  const int before = a_.calls() + b_.calls();
  EXPECT_EQ(Call().substr(0, 6), "error:");
  EXPECT_EQ(a_.calls() + b_.calls() - before, 3);
}

// A misspelt name would leave its method retried: every method the config
// names is one the protos define.
TEST(ReplicaServiceConfigTest, NamesOnlyMethodsThatExist) {
  // Each proto file registers its services once it is used.
  for (const google::protobuf::Descriptor* used :
       {zwfw::v1::PublishRequest::descriptor(),
        zwfw::v1::ImportDirectoryRequest::descriptor(),
        zwfw::v1::UpdateRectificationRequest::descriptor(),
        zwfw::v1::AddAdjustmentRequest::descriptor()}) {
    ASSERT_NE(used, nullptr);
  }
  google::protobuf::Struct config;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(kReplicaServiceConfig,
                                                          &config)
                  .ok());
  const google::protobuf::ListValue& methods =
      config.fields().at("methodConfig").list_value();
  ASSERT_EQ(methods.values_size(), 2);
  const google::protobuf::ListValue& not_retried =
      methods.values(1).struct_value().fields().at("name").list_value();
  EXPECT_GE(not_retried.values_size(), 9);
  for (const google::protobuf::Value& name : not_retried.values()) {
    const auto& f = name.struct_value().fields();
    const std::string full = absl::StrCat(f.at("service").string_value(), ".",
                                          f.at("method").string_value());
    EXPECT_NE(
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
            full),
        nullptr)
        << full;
  }
}

TEST_F(ReplicaChannelTest, OneAddressIsOneReplica) {
  ServerConfig config;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      ClientChannel(config, b_.address());
  ASSERT_TRUE(channel.ok());
  stub_ = zwfw::v1::CaseIntake::NewStub(*channel);
  first_ = true;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call(), "b");
}

}  // namespace
}  // namespace zwfw

// The Bulletin service served in-process over its real SQLite store, with
// fixed inputs from a fake that can fail.
#include "services/bulletin/bulletin_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/bulletin/sqlite_bulletin_store.h"
#include "services/common/status.h"
#include "tests/testing/in_memory_cache.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/test_util.h"

namespace zwfw::bulletin {
namespace {

using zwfw::testing::As;

// What the fake answers when intake is down: a message the services
// neither write nor rewrite.
constexpr char kIntakeDown[] = "connection refused (fake intake)";

class FakeSources : public BulletinSources {
 public:
  absl::StatusOr<zwfw::v1::DirectorySnapshot> Directory() override {
    return testing::QijiangDirectory();
  }
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const Period& period) override {
    if (intake_down) return absl::UnavailableError(kIntakeDown);
    zwfw::v1::GetCaseStatsResponse stats;
    stats.set_period(period.ToString());
    stats.mutable_approval_total()->set_total(cases);
    return stats;
  }
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const Period& period) override {
    zwfw::v1::GetSatisfactionStatsResponse stats;
    stats.set_period(period.ToString());
    return stats;
  }
  absl::StatusOr<zwfw::v1::Scorecard> Scorecard(const Period&) override {
    return zwfw::v1::Scorecard();
  }
  absl::StatusOr<zwfw::v1::Scorecard> Freeze(const Period&) override {
    ++freezes;
    return zwfw::v1::Scorecard();
  }
  absl::Status ClosePeriod(const Period& period) override {
    closed.push_back(period.ToString());
    return absl::OkStatus();
  }
  int64_t cases = 10;
  bool intake_down = false;
  int freezes = 0;
  std::vector<std::string> closed;
};

class BulletinServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *SqliteBulletinStore::Open(testing::FreshDbPath("bulletin"));
    tokens_ = testing::TokensFor({{"admin", "admin"}, {"viewer", "viewer"}});
    service_ = std::make_unique<BulletinService>(store_.get(), &sources_,
                                                 tokens_.get(), nullptr);
    server_ = std::make_unique<testing::InProcessServer>(service_.get());
    stub_ = zwfw::v1::Bulletin::NewStub(server_->channel());
  }
  void TearDown() override { server_.reset(); }

  grpc::Status Update(int64_t based_on, const std::string& number,
                      bool start_new_version = false) {
    zwfw::v1::UpdateDraftRequest request;
    request.mutable_draft()->set_period("2020-07");
    request.mutable_draft()->set_revision(based_on);
    request.mutable_draft()->set_document_number(number);
    request.set_start_new_version(start_new_version);
    zwfw::v1::Draft draft;
    return stub_->UpdateDraft(As("admin").get(), request, &draft);
  }

  absl::StatusOr<zwfw::v1::RenderResponse> Render(
      zwfw::v1::BulletinFormat format = zwfw::v1::BULLETIN_FORMAT_TEXT) {
    zwfw::v1::RenderRequest request;
    request.set_period("2020-07");
    request.set_format(format);
    zwfw::v1::RenderResponse response;
    grpc::Status s = stub_->Render(As("admin").get(), request, &response);
    if (!s.ok()) return FromGrpcStatus(s);
    return response;
  }

  FakeSources sources_;
  std::unique_ptr<SqliteBulletinStore> store_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<BulletinService> service_;
  std::unique_ptr<testing::InProcessServer> server_;
  std::unique_ptr<zwfw::v1::Bulletin::Stub> stub_;
};

TEST_F(BulletinServiceTest, TwoEditorsNeverOverwriteEachOther) {
  ASSERT_TRUE(Update(0, "綦政服〔2020〕12号").ok());
  grpc::Status stale = Update(0, "綦政服〔2020〕13号");
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_NE(stale.error_message().find("revision 1"), std::string::npos);
  ASSERT_TRUE(Update(1, "綦政服〔2020〕13号").ok());
  auto r = Render();
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->content().find("綦政服〔2020〕13号"), std::string::npos);
  EXPECT_EQ(r->draft_revision(), 2);
}

// Whoever could write to Redis could forge the published bulletin: Publish
// stored the cached render. It renders again now, and closes the period in
// the services first.
TEST_F(BulletinServiceTest, PublishRendersAgainInsteadOfTrustingTheCache) {
  testing::InMemoryCache cache;
  server_.reset();
  service_ = std::make_unique<BulletinService>(store_.get(), &sources_,
                                               tokens_.get(), &cache);
  server_ = std::make_unique<testing::InProcessServer>(service_.get());
  stub_ = zwfw::v1::Bulletin::NewStub(server_->channel());
  ASSERT_TRUE(Update(0, "綦政服〔2020〕12号").ok());
  auto genuine = Render();
  ASSERT_TRUE(genuine.ok()) << genuine.status();
  zwfw::v1::RenderResponse forged = *genuine;
  forged.set_content("区公安局 100分");
  ASSERT_EQ(cache.Overwrite("zwfw:render:2020-07:BULLETIN_FORMAT_TEXT:",
                            forged.SerializeAsString()),
            1);
  EXPECT_EQ(Render()->content(),
            "区公安局 100分");  // the cache answers renders

  zwfw::v1::PublishRequest publish;
  publish.set_period("2020-07");
  zwfw::v1::PublishedVersion v1;
  ASSERT_TRUE(stub_->Publish(As("admin").get(), publish, &v1).ok());
  EXPECT_EQ(sources_.closed, std::vector<std::string>{"2020-07"});
  zwfw::v1::GetPublishedRequest get;
  get.set_period("2020-07");
  get.set_format(zwfw::v1::BULLETIN_FORMAT_TEXT);
  zwfw::v1::RenderResponse published;
  ASSERT_TRUE(stub_->GetPublished(As("viewer").get(), get, &published).ok());
  EXPECT_EQ(published.content(), genuine->content());
}

TEST_F(BulletinServiceTest, PublishedVersionsAreImmutable) {
  ASSERT_TRUE(Update(0, "綦政服〔2020〕12号").ok());
  zwfw::v1::PublishRequest publish;
  publish.set_period("2020-07");
  zwfw::v1::PublishedVersion v1;
  ASSERT_TRUE(stub_->Publish(As("admin").get(), publish, &v1).ok());
  EXPECT_EQ(v1.version(), 1);
  EXPECT_EQ(sources_.freezes, 1);  // the scorecard was frozen
  EXPECT_EQ(v1.sha256().size(), 6u);

  zwfw::v1::GetPublishedRequest get;
  get.set_period("2020-07");
  get.set_format(zwfw::v1::BULLETIN_FORMAT_TEXT);
  zwfw::v1::RenderResponse before;
  ASSERT_TRUE(stub_->GetPublished(As("viewer").get(), get, &before).ok());
  EXPECT_EQ(before.sha256(), v1.sha256().at("BULLETIN_FORMAT_TEXT"));

  // Data changes: renders change, the published version does not.
  sources_.cases = 11;
  EXPECT_NE(Render()->content(), before.content());
  zwfw::v1::RenderResponse after;
  ASSERT_TRUE(stub_->GetPublished(As("viewer").get(), get, &after).ok());
  EXPECT_EQ(after.content(), before.content());

  // The draft is locked until a new version is started.
  EXPECT_EQ(Update(1, "x").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Update(1, "綦政服〔2020〕12号（修订）", true).ok());
  zwfw::v1::PublishedVersion v2;
  ASSERT_TRUE(stub_->Publish(As("admin").get(), publish, &v2).ok());
  EXPECT_EQ(v2.version(), 2);
  get.set_version(1);
  ASSERT_TRUE(stub_->GetPublished(As("viewer").get(), get, &after).ok());
  EXPECT_EQ(after.content(), before.content());
  get.set_version(3);
  EXPECT_EQ(stub_->GetPublished(As("viewer").get(), get, &after).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(BulletinServiceTest, BadRequestsAndDependencies) {
  EXPECT_EQ(Render(static_cast<zwfw::v1::BulletinFormat>(9)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Render(zwfw::v1::BULLETIN_FORMAT_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto placeholder = Render();
  ASSERT_TRUE(placeholder.ok());
  EXPECT_GT(placeholder->warnings_size(), 0);
  sources_.intake_down = true;
  absl::Status s = Render().status();
  // The sources' error reaches the caller unchanged (the real sources name
  // the service: PeerFailure, status_test).
  EXPECT_EQ(s, absl::UnavailableError(kIntakeDown));
  zwfw::v1::RenderRequest request;
  request.set_period("2020-07");
  request.set_format(zwfw::v1::BULLETIN_FORMAT_TEXT);
  zwfw::v1::RenderResponse response;
  EXPECT_EQ(stub_->Render(As("viewer").get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  zwfw::v1::UpdateDraftRequest huge;
  huge.mutable_draft()->set_period("2020-07");
  huge.mutable_draft()->set_title(std::string(5000, 'x'));
  zwfw::v1::Draft draft;
  EXPECT_EQ(stub_->UpdateDraft(As("admin").get(), huge, &draft).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace zwfw::bulletin

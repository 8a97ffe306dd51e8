// The Bulletin service served in-process over each of its real stores
// (SQLite, and PostgreSQL on the suite's cluster: the same tests), with
// fixed inputs from a fake that can fail.
#include "services/bulletin/bulletin_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/bulletin/pg_bulletin_store.h"
#include "services/bulletin/sqlite_bulletin_store.h"
#include "services/common/auth.h"
#include "services/common/data_changes.h"
#include "services/common/pg_audit_log.h"
#include "services/common/proto_time.h"
#include "services/common/status.h"
#include "tests/testing/faulty_vfs.h"
#include "tests/testing/in_memory_cache.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/shared_postgres.h"
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
  // Per period and department: cases accepted, and of them completed.
  absl::StatusOr<zwfw::v1::GetCaseSumsResponse> CaseSums(
      const ReportPeriod& period,
      const std::vector<zwfw::v1::CaseMeasure>& measures) override {
    if (intake_down) return absl::UnavailableError(kIntakeDown);
    zwfw::v1::GetCaseSumsResponse sums;
    sums.set_period(period.ToString());
    const zwfw::v1::DirectorySnapshot directory = testing::QijiangDirectory();
    for (const auto& d : directory.departments()) {
      zwfw::v1::DepartmentCaseSums* row = sums.add_departments();
      row->set_department_code(d.code());
      const std::pair<int, int> counts = accepted[period.ToString()][d.code()];
      for (const zwfw::v1::CaseMeasure& m : measures) {
        const bool done = m.filter().statuses_size() > 0;
        row->add_sums()->set_cases(
            m.basis() != zwfw::v1::CASE_TIME_BASIS_ACCEPTED ? 0
            : done                                          ? counts.second
                                                            : counts.first);
      }
    }
    return sums;
  }
  // qj-gaj's ratings of July 2020: 8 fives, a four, a one.
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> PeriodSatisfaction(
      const ReportPeriod& period) override {
    zwfw::v1::GetSatisfactionStatsResponse stats;
    stats.set_period(period.ToString());
    for (int level : {3, 4, 5}) stats.add_satisfied_levels(level);
    zwfw::v1::DepartmentSatisfaction* d = stats.add_departments();
    d->set_department_code("qj-gaj");
    if (period.ToString() == "2020-07") {
      for (int n : {1, 0, 0, 1, 8})
        d->mutable_ratings()->add_active_by_rating(n);
      *stats.mutable_stable_until() = ToProto(testing::Cst(2020, 7, 25));
    }
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
  std::map<std::string, std::map<std::string, std::pair<int, int>>> accepted;
  bool intake_down = false;
  int freezes = 0;
  std::vector<std::string> closed;
};

class BulletinServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_ = testing::TokensFor({{"admin", "admin"},
                                  {"viewer", "viewer"},
                                  {"device", "evaluator:qj-w01"}});
  }

  // The service over the SQLite store at `path`, as a server (re)starting.
  void StartOn(const std::string& path) {
    Stop();
    absl::StatusOr<std::unique_ptr<SqliteBulletinStore>> store =
        SqliteBulletinStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    Serve(*std::move(store));
  }
  // The same over PostgreSQL, on `options`' schema.
  void StartOnPostgres(const PgOptions& options) {
    Stop();
    absl::StatusOr<std::unique_ptr<PgBulletinStore>> store =
        PgBulletinStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    Serve(*std::move(store));
  }
  void Stop() {
    server_.reset();
    service_.reset();
    store_.reset();
  }
  void Serve(std::unique_ptr<BulletinStore> store) {
    store_ = std::move(store);
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
  std::unique_ptr<BulletinStore> store_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<BulletinService> service_;
  std::unique_ptr<testing::InProcessServer> server_;
  std::unique_ptr<zwfw::v1::Bulletin::Stub> stub_;
};

class BulletinServiceTest
    : public BulletinServiceFixture,
      public ::testing::WithParamInterface<testing::Backend> {
 protected:
  void SetUp() override {
    BulletinServiceFixture::SetUp();
    if (GetParam() == testing::Backend::kSqlite) {
      StartOn(testing::FreshDbPath("bulletin"));
      return;
    }
    std::optional<PgOptions> pg = testing::SharedPostgres("bulletin");
    if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
    StartOnPostgres(*pg);
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, BulletinServiceTest, testing::kEveryBackend,
                         testing::BackendName);

class IndicatorsTest : public BulletinServiceFixture {
 protected:
  void SetUp() override {
    BulletinServiceFixture::SetUp();
    StartOn(testing::FreshDbPath("indicators"));
    sources_.accepted["2020-07"] = {{"qj-gaj", {10, 9}}, {"qj-swj", {30, 30}}};
    sources_.accepted["2020-06"] = {{"qj-gaj", {8, 8}}, {"qj-swj", {12, 6}}};
  }
  grpc::Status Get(const std::string& period,
                   const std::vector<std::string>& indicators, bool compare,
                   zwfw::v1::GetIndicatorsResponse* response,
                   const std::string& token = "viewer") {
    zwfw::v1::GetIndicatorsRequest request;
    request.set_period(period);
    for (const std::string& i : indicators) request.add_indicators(i);
    request.set_compare(compare);
    return stub_->GetIndicators(As(token).get(), request, response);
  }
  static const zwfw::v1::IndicatorRow* Row(
      const google::protobuf::RepeatedPtrField<zwfw::v1::IndicatorRow>& rows,
      const std::string& code) {
    for (const auto& r : rows) {
      if (r.code() == code) return &r;
    }
    return nullptr;
  }
};

TEST_F(IndicatorsTest, PerDepartmentPerGroupAndInTotal) {
  zwfw::v1::GetIndicatorsResponse r;
  ASSERT_TRUE(Get("2020-07",
                  {"accepted", "completion_rate", "satisfaction_rate",
                   "rating_share[levels=1-2,over=cases,unrated=yes]"},
                  false, &r)
                  .ok());
  EXPECT_EQ(r.period_name(), "2020年7月");
  ASSERT_EQ(r.indicators_size(), 4);
  EXPECT_EQ(r.indicators(1).chinese(), "办结率");
  EXPECT_EQ(r.indicators(1).unit(), "rate");
  ASSERT_EQ(r.departments_size(), 34);
  const zwfw::v1::IndicatorRow* gaj = Row(r.departments(), "qj-gaj");
  ASSERT_NE(gaj, nullptr);
  EXPECT_EQ(gaj->figures(0).text(), "10");
  EXPECT_EQ(gaj->figures(1).text(), "90.00%");
  EXPECT_EQ(gaj->figures(2).text(), "90.00%");  // 9 of 10 ratings 3–5
  // The one 1 and nothing unrated: 10 cases, 10 ratings.
  EXPECT_EQ(gaj->figures(3).text(), "10.00%");
  // A department without cases has no rate: no data, not 0%.
  const zwfw::v1::IndicatorRow* none = Row(r.departments(), "qj-lyj");
  ASSERT_NE(none, nullptr);
  EXPECT_EQ(none->figures(1).denominator(), 0);
  EXPECT_EQ(none->figures(1).text(), "—");
  // The total is over the summed inputs: 39 of 40, not the mean of 90% and
  // 100%.
  EXPECT_EQ(r.total().figures(0).text(), "40");
  EXPECT_EQ(r.total().figures(1).text(), "97.50%");
  // One row per unit group, whose figures sum its departments'.
  ASSERT_EQ(r.groups_size(), 2);
  int64_t grouped = 0;
  for (const auto& g : r.groups()) grouped += g.figures(0).numerator();
  EXPECT_EQ(grouped, 40);
  // A rectification falling due may change a figure: caches stop there.
  EXPECT_EQ(ToTime(r.stable_until()), testing::Cst(2020, 7, 25));
}

TEST_F(IndicatorsTest, ComparedWithThePreviousPeriodAndTheYearBefore) {
  zwfw::v1::GetIndicatorsResponse r;
  ASSERT_TRUE(Get("2020-07", {"accepted", "completion_rate"}, true, &r).ok());
  EXPECT_EQ(r.previous_period(), "2020-06");
  EXPECT_EQ(r.year_before_period(), "2019-07");
  // 40 against 20; 97.50% against 70.00%.
  EXPECT_EQ(r.total().previous(0).text(), "20");
  EXPECT_EQ(r.total().change(0), "比上月增加100.00%");
  EXPECT_EQ(r.total().change(1), "比上月提高27.5个百分点");
  // Nothing a year before: no comparison.
  EXPECT_EQ(r.total().year_change(0), "—");
  const zwfw::v1::IndicatorRow* gaj = Row(r.departments(), "qj-gaj");
  EXPECT_EQ(gaj->change(0), "比上月增加25.00%");
  EXPECT_EQ(gaj->change(1), "比上月下降10.0个百分点");
}

TEST_F(IndicatorsTest, RankingsTopAndZero) {
  zwfw::v1::GetIndicatorsRequest request;
  request.set_period("2020-07");
  request.add_indicators("accepted");
  request.add_indicators("completion_rate");
  request.set_top(3);
  zwfw::v1::GetIndicatorsResponse r;
  ASSERT_TRUE(stub_->GetIndicators(As("viewer").get(), request, &r).ok());
  ASSERT_EQ(r.rankings_size(), 2);
  // 区税务局 30, 区公安局 10, then the first department with none.
  ASSERT_EQ(r.rankings(0).top_size(), 3);
  EXPECT_EQ(r.rankings(0).top(0), "qj-swj");
  EXPECT_EQ(r.rankings(0).top(1), "qj-gaj");
  EXPECT_EQ(r.rankings(0).zero_size(), 32);  // 34 departments, 2 with cases
  // A rate ranks only the departments it has a value for.
  EXPECT_EQ(r.rankings(1).top_size(), 2);
  EXPECT_EQ(r.rankings(1).top(0), "qj-swj");  // 100% before 90%
  EXPECT_EQ(r.rankings(1).zero_size(), 0);
  // Every department's place (a department page's "第2位 / 34"): the 32
  // without cases share the third; a rate places only those it has.
  auto place = [&](const std::string& code, int indicator) {
    for (const zwfw::v1::IndicatorRow& d : r.departments()) {
      if (d.code() == code) return d.places(indicator);
    }
    return -1;
  };
  EXPECT_EQ(r.indicators(0).ranked(), 34);
  EXPECT_EQ(place("qj-swj", 0), 1);
  EXPECT_EQ(place("qj-gaj", 0), 2);
  EXPECT_EQ(place("qj-rlsbj", 0), 3);
  EXPECT_EQ(r.indicators(1).ranked(), 2);
  EXPECT_EQ(place("qj-gaj", 1), 2);
  EXPECT_EQ(place("qj-rlsbj", 1), 0);
  EXPECT_FALSE(r.indicators(0).fewer_is_better());
  request.set_top(101);
  EXPECT_EQ(stub_->GetIndicators(As("viewer").get(), request, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(IndicatorsTest, ALongerPeriodSumsItsMonths) {
  zwfw::v1::GetIndicatorsResponse r;
  ASSERT_TRUE(Get("2020-Q3", {"accepted"}, true, &r).ok());
  EXPECT_EQ(r.period_name(), "2020年第三季度");
  EXPECT_EQ(r.previous_period(), "2020-Q2");
  EXPECT_EQ(r.year_before_period(), "2019-Q3");
}

TEST_F(IndicatorsTest, BadRequestsAreNamed) {
  zwfw::v1::GetIndicatorsResponse r;
  grpc::Status s = Get("2020-07", {"accepted", "acepted"}, false, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("indicators[1]: indicator \"acepted\"", 0),
            0u)
      << s.error_message();
  s = Get("2020-13", {"accepted"}, false, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = Get("2020-07", {}, false, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = Get("2020-07", std::vector<std::string>(33, "accepted"), false, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  s = Get("2020-07", {std::string(201, 'a')}, false, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // A window device reads no figures; nobody anonymous does.
  s = Get("2020-07", {"accepted"}, false, &r, "device");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = Get("2020-07", {"accepted"}, false, &r, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A source down is UNAVAILABLE naming it.
  sources_.intake_down = true;
  s = Get("2020-07", {"accepted"}, false, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(s.error_message().find(kIntakeDown), std::string::npos);
}

TEST_P(BulletinServiceTest, TwoEditorsNeverOverwriteEachOther) {
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
TEST_P(BulletinServiceTest, PublishRendersAgainInsteadOfTrustingTheCache) {
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

TEST_P(BulletinServiceTest, PublishedVersionsAreImmutable) {
  ASSERT_TRUE(Update(0, "綦政服〔2020〕12号").ok());
  zwfw::v1::PublishRequest publish;
  publish.set_period("2020-07");
  zwfw::v1::PublishedVersion v1;
  ASSERT_TRUE(stub_->Publish(As("admin").get(), publish, &v1).ok());
  EXPECT_EQ(v1.version(), 1);
  EXPECT_EQ(sources_.freezes, 1);  // the scorecard was frozen
  EXPECT_EQ(v1.sha256().size(), 6u);
  // Published once: again only after a new version is started.
  zwfw::v1::PublishedVersion again;
  grpc::Status twice = stub_->Publish(As("admin").get(), publish, &again);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(twice.error_message().find("already published as version 1"),
            std::string::npos)
      << twice.error_message();

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

TEST_P(BulletinServiceTest, BadRequestsAndDependencies) {
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

// An office's template: versioned per name, refused whole with its line
// and column, chosen in the draft, rendered for a quarter (its months closed
// on publishing); both stores.
TEST_P(BulletinServiceTest, TemplatesAreVersionedAndChosenInTheDraft) {
  auto set = [&](const std::string& name, const std::string& text,
                 const std::string& token, zwfw::v1::BulletinTemplate* out) {
    zwfw::v1::SetTemplateRequest request;
    request.set_name(name);
    request.set_text(text);
    return stub_->SetTemplate(As(token).get(), request, out);
  };
  auto get = [&](const std::string& name, int64_t version,
                 zwfw::v1::BulletinTemplate* out) {
    zwfw::v1::GetTemplateRequest request;
    request.set_name(name);
    request.set_version(version);
    return stub_->GetTemplate(As("viewer").get(), request, out);
  };
  zwfw::v1::BulletinTemplate t;
  ASSERT_TRUE(set("quarterly", "period quarter\nparagraph 甲{accepted}件。",
                  "admin", &t)
                  .ok());
  EXPECT_EQ(t.version(), 1);
  ASSERT_TRUE(set("quarterly",
                  "period quarter\nparagraph 共受理{accepted}件,办结"
                  "{accepted[status=completed]}件。",
                  "admin", &t)
                  .ok());
  EXPECT_EQ(t.version(), 2);
  EXPECT_EQ(t.indicators_size(), 2);
  grpc::Status bad = set("quarterly", "paragraph {acepted}", "admin", &t);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("line 1, column 12"), std::string::npos)
      << bad.error_message();
  EXPECT_EQ(set("quarterly", "paragraph x", "viewer", &t).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(set("../x", "paragraph x", "admin", &t).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(get("quarterly", 0, &t).ok());
  EXPECT_EQ(t.version(), 2);
  EXPECT_EQ(t.set_by().rfind("admin ", 0), 0u) << t.set_by();
  ASSERT_TRUE(get("quarterly", 1, &t).ok());
  EXPECT_EQ(t.text(), "period quarter\nparagraph 甲{accepted}件。");
  EXPECT_EQ(get("quarterly", 3, &t).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(get("monthly", 0, &t).error_code(), grpc::StatusCode::NOT_FOUND);
  // A monthly template chosen for a quarter: refused before anything is
  // closed.
  ASSERT_TRUE(
      set("monthly", "period month\nparagraph {accepted}", "admin", &t).ok());
  zwfw::v1::UpdateDraftRequest monthly;
  monthly.mutable_draft()->set_period("2020-Q4");
  monthly.mutable_draft()->set_template_("monthly");
  zwfw::v1::Draft monthly_draft;
  ASSERT_TRUE(
      stub_->UpdateDraft(As("admin").get(), monthly, &monthly_draft).ok());
  zwfw::v1::PublishRequest q4;
  q4.set_period("2020-Q4");
  zwfw::v1::PublishedVersion refused;
  grpc::Status wrong_kind = stub_->Publish(As("admin").get(), q4, &refused);
  EXPECT_EQ(wrong_kind.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(wrong_kind.error_message().find("not written for a period like"),
            std::string::npos)
      << wrong_kind.error_message();
  EXPECT_TRUE(sources_.closed.empty());

  // A quarter without a template: the built-in bulletin is monthly.
  zwfw::v1::RenderRequest render;
  render.set_period("2020-Q3");
  render.set_format(zwfw::v1::BULLETIN_FORMAT_TEXT);
  zwfw::v1::RenderResponse rendered;
  grpc::Status s = stub_->Render(As("admin").get(), render, &rendered);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("name a template"), std::string::npos);
  zwfw::v1::UpdateDraftRequest update;
  update.mutable_draft()->set_period("2020-Q3");
  update.mutable_draft()->set_template_("weekly");
  zwfw::v1::Draft draft;
  EXPECT_EQ(stub_->UpdateDraft(As("admin").get(), update, &draft).error_code(),
            grpc::StatusCode::NOT_FOUND);
  update.mutable_draft()->set_template_("quarterly");
  ASSERT_TRUE(stub_->UpdateDraft(As("admin").get(), update, &draft).ok());
  sources_.accepted["2020-Q3"] = {{"qj-gaj", {10, 9}}, {"qj-swj", {30, 30}}};
  ASSERT_TRUE(stub_->Render(As("admin").get(), render, &rendered).ok());
  EXPECT_NE(rendered.content().find("共受理40件,办结39件。"), std::string::npos)
      << rendered.content();
  EXPECT_EQ(rendered.file_name(), "bulletin-2020-Q3.txt");

  zwfw::v1::PublishRequest publish;
  publish.set_period("2020-Q3");
  zwfw::v1::PublishedVersion version;
  ASSERT_TRUE(stub_->Publish(As("admin").get(), publish, &version).ok());
  EXPECT_EQ(sources_.closed,
            (std::vector<std::string>{"2020-07", "2020-08", "2020-09"}));
  EXPECT_EQ(sources_.freezes, 0);  // a template reads no scorecard
}

// Two replicas of bulletin on one PostgreSQL database, started at once
// (their migrations meet): a period published through both at the same
// moment is published once, the other told why; each replica's data
// version follows the other's writes; the audit trail is one chain.
TEST(BulletinReplicasTest, TwoReplicasPublishingAtOncePublishOnce) {
  std::optional<PgOptions> pg = testing::SharedPostgres("replicas");
  if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
  DataChanges changes[2];
  absl::StatusOr<std::unique_ptr<PgBulletinStore>> stores[2];
  {
    std::vector<std::thread> starting;
    for (int i = 0; i < 2; ++i) {
      starting.emplace_back([&, i] {
        PgOptions options = *pg;
        options.changes = &changes[i];
        stores[i] = PgBulletinStore::Open(options);
      });
    }
    for (std::thread& t : starting) t.join();
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(stores[i].ok()) << stores[i].status();
    ASSERT_TRUE((*stores[i])->database().FollowVersion().ok());
  }

  for (int round = 1; round <= 5; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string period = absl::StrCat("2020-0", round);
    zwfw::v1::Draft draft;
    draft.set_period(period);
    draft.set_document_number(absl::StrCat("綦政服〔2020〕", round, "号"));
    absl::StatusOr<zwfw::v1::Draft> written =
        (*stores[round % 2])->UpdateDraft(draft, false);
    ASSERT_TRUE(written.ok()) << written.status();
    // The other replica's version reaches the writer's, by NOTIFY.
    const DataChanges::Version wrote = changes[round % 2].Current();
    DataChanges::Version seen = changes[1 - round % 2].Current();
    for (int i = 0; i < 50 && seen.counter < wrote.counter; ++i) {
      seen = changes[1 - round % 2].WaitForChange(seen.counter,
                                                  absl::Milliseconds(100));
    }
    EXPECT_EQ(seen.epoch, wrote.epoch);
    EXPECT_EQ(seen.counter, wrote.counter);

    absl::StatusOr<zwfw::v1::PublishedVersion> published[2];
    std::vector<std::thread> publishers;
    for (int i = 0; i < 2; ++i) {
      publishers.emplace_back([&, i] {
        zwfw::v1::PublishedVersion version;
        version.set_period(period);
        version.set_published_by(absl::StrCat("admin of replica ", i));
        version.set_draft_revision(written->revision());
        zwfw::v1::RenderResponse render;
        render.set_content("bulletin");
        render.set_sha256("digest");
        published[i] =
            (*stores[i])
                ->Publish(version, {{zwfw::v1::BULLETIN_FORMAT_TEXT, render}});
      });
    }
    for (std::thread& t : publishers) t.join();
    ASSERT_NE(published[0].ok(), published[1].ok())
        << published[0].status() << " / " << published[1].status();
    const absl::Status& lost =
        published[0].ok() ? published[1].status() : published[0].status();
    EXPECT_EQ(lost.code(), absl::StatusCode::kFailedPrecondition) << lost;
    EXPECT_NE(lost.message().find("already published as version 1"),
              std::string::npos)
        << lost;
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<std::vector<zwfw::v1::PublishedVersion>> listed =
          (*stores[i])->ListPublished(period);
      ASSERT_TRUE(listed.ok()) << listed.status();
      ASSERT_EQ(listed->size(), 1u);
      EXPECT_EQ((*listed)[0].version(), 1);
    }
  }
  PgAuditTrail trail(&(*stores[0])->database());
  absl::StatusOr<AuditVerdict> verdict = trail.Verify();
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_TRUE(verdict->problem.empty()) << verdict->problem;
  EXPECT_EQ(verdict->entries, 10);  // a draft and a publish a round
}

// SQLite's I/O-error tests for bulletin: a publish while the Nth open,
// write, sync or lock of the store fails (every N and failure, transient
// and persistent). It is answered with its version or refused as
// UNAVAILABLE or RESOURCE_EXHAUSTED naming the store; once the fault
// clears it can be published (again, or found published); after a
// restart there is exactly one version, whole: every format there, each
// matching the hash the version lists.
// The walk in two halves (ctest runs them side by side): rendering every
// format makes each trial slow.
class BulletinFaultTest
    : public BulletinServiceFixture,
      public ::testing::WithParamInterface<testing::FaultWalk::Kinds> {};

TEST_P(BulletinFaultTest, StorageFaultsLeaveAPublishWholeOrAbsent) {
  int trial = 0;
  int faults = 0;
  const int trials = testing::FaultWalk::Run(
      [&](testing::FaultWalk& walk) {
        SCOPED_TRACE(walk.Describe());
        const std::string path =
            testing::FreshDbPath(absl::StrCat("fault-", ++trial));
        StartOn(path);
        ASSERT_TRUE(Update(0, "綦政服〔2020〕12号").ok());
        const std::string file = path.substr(path.rfind('/') + 1);
        zwfw::v1::PublishRequest publish;
        publish.set_period("2020-07");

        walk.Begin();
        zwfw::v1::PublishedVersion acknowledged;
        grpc::Status s =
            stub_->Publish(As("admin").get(), publish, &acknowledged);
        if (!s.ok()) {
          EXPECT_TRUE(s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                      s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
              << s.error_message();
          EXPECT_NE(s.error_message().find(file), std::string::npos)
              << s.error_message();
        }
        walk.End();
        if (walk.injected()) ++faults;

        zwfw::v1::ListPublishedRequest list;
        list.set_period("2020-07");
        zwfw::v1::ListPublishedResponse listed;
        ASSERT_TRUE(
            stub_->ListPublished(As("viewer").get(), list, &listed).ok());
        if (!s.ok() && listed.versions_size() == 0) {
          zwfw::v1::PublishedVersion again;
          grpc::Status retried =
              stub_->Publish(As("admin").get(), publish, &again);
          ASSERT_TRUE(retried.ok()) << retried.error_message();
          EXPECT_EQ(again.version(), 1);
        }

        StartOn(path);
        ASSERT_TRUE(
            stub_->ListPublished(As("viewer").get(), list, &listed).ok());
        ASSERT_EQ(listed.versions_size(), 1);
        const zwfw::v1::PublishedVersion& v = listed.versions(0);
        EXPECT_EQ(v.version(), 1);
        using Hashes = std::map<std::string, std::string>;
        if (s.ok()) {
          EXPECT_EQ(Hashes(v.sha256().begin(), v.sha256().end()),
                    Hashes(acknowledged.sha256().begin(),
                           acknowledged.sha256().end()));
        }
        EXPECT_EQ(v.sha256().size(), 6u);
        for (const auto& [format, sha] : v.sha256()) {
          zwfw::v1::GetPublishedRequest get;
          get.set_period("2020-07");
          zwfw::v1::BulletinFormat f;
          ASSERT_TRUE(zwfw::v1::BulletinFormat_Parse(format, &f));
          get.set_format(f);
          zwfw::v1::RenderResponse published;
          ASSERT_TRUE(
              stub_->GetPublished(As("viewer").get(), get, &published).ok());
          EXPECT_EQ(Sha256Hex(published.content()), sha) << format;
        }
      },
      GetParam());
  std::printf("storage fault walk (bulletin): %d trials, %d with a fault\n",
              trials, faults);
  EXPECT_GT(faults, 10);
}

INSTANTIATE_TEST_SUITE_P(
    EveryFault, BulletinFaultTest,
    ::testing::Values(
        testing::FaultWalk::Kinds{.transient = true, .persistent = false},
        testing::FaultWalk::Kinds{.transient = false, .persistent = true}),
    [](const ::testing::TestParamInfo<testing::FaultWalk::Kinds>& info) {
      return info.param.transient ? "Transient" : "Persistent";
    });

}  // namespace
}  // namespace zwfw::bulletin

// The Scoring service served in-process over its real SQLite store, with
// intake and survey figures served by a fake that can also fail.
#include "services/scoring/scoring_service.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "services/common/pg_audit_log.h"
#include "services/common/status.h"
#include "services/scoring/pg_scoring_store.h"
#include "services/scoring/sqlite_scoring_store.h"
#include "tests/testing/in_memory_cache.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/shared_postgres.h"
#include "tests/testing/test_util.h"

namespace zwfw::scoring {
namespace {

using zwfw::testing::As;
using zwfw::v1::Scoring;

using zwfw::testing::ParseTextProto;

// What the fake answers when intake is down: a message the services
// neither write nor rewrite.
constexpr char kIntakeDown[] = "connection refused (fake intake)";
constexpr char kSurveyDown[] = "connection refused (fake survey)";

class FakeSources : public ScoringSources {
 public:
  FakeSources() {
    zwfw::v1::DirectorySnapshot snapshot =
        ParseTextProto<zwfw::v1::DirectorySnapshot>(R"pb(
          departments { code: "gaj" name: "区公安局" order: 1 }
          departments { code: "swj" name: "区税务局" order: 2 }
          windows { code: "w1" name: "公安窗口" department_code: "gaj" }
          staff { code: "s1" name: "李宇" window_code: "w1" }
        )pb");
    directory = *DirectoryIndex::Build(snapshot, 1);
    cases = ParseTextProto<zwfw::v1::GetCaseStatsResponse>(R"pb(
      data_version: 1
      departments {
        department_code: "gaj"
        department_name: "区公安局"
        approval { total: 100 overtime: 2 }
      }
      departments { department_code: "swj" department_name: "区税务局" }
    )pb");
    survey = ParseTextProto<zwfw::v1::GetSatisfactionStatsResponse>(R"pb(
      data_version: 1
      departments { department_code: "gaj" }
      departments { department_code: "swj" }
    )pb");
  }
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Directory() override {
    return directory;
  }
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const ReportPeriod&) override {
    ++case_stats_calls;
    if (intake_down) return absl::UnavailableError(kIntakeDown);
    return cases;
  }
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const ReportPeriod&) override {
    if (survey_down) return absl::UnavailableError(kSurveyDown);
    return survey;
  }
  // Per department, the sums of completed cases: all of them, and of
  // 承诺件 for a measure filtered by kind.
  absl::StatusOr<zwfw::v1::GetCaseSumsResponse> CaseSums(
      const ReportPeriod& period,
      const std::vector<zwfw::v1::CaseMeasure>& measures) override {
    ++case_sums_calls;
    if (intake_down) return absl::UnavailableError(kIntakeDown);
    zwfw::v1::GetCaseSumsResponse out;
    out.set_period(period.ToString());
    for (const char* code : {"gaj", "swj"}) {
      zwfw::v1::DepartmentCaseSums* d = out.add_departments();
      d->set_department_code(code);
      for (const zwfw::v1::CaseMeasure& m : measures) {
        const auto& by =
            m.filter().item_kinds_size() > 0 ? promised : completed;
        auto it = by.find(code);
        *d->add_sums() = it == by.end() ? zwfw::v1::CaseSums() : it->second;
      }
    }
    return out;
  }
  std::map<std::string, zwfw::v1::CaseSums> completed, promised;
  int case_sums_calls = 0;
  absl::StatusOr<std::vector<zwfw::v1::Case>> ExtendedCases(const ReportPeriod&,
                                                            int) override {
    if (intake_down) return absl::UnavailableError(kIntakeDown);
    return extended;
  }
  std::vector<zwfw::v1::Case> extended;
  absl::StatusOr<std::vector<std::string>> OvertimeCases(const ReportPeriod&,
                                                         const std::string&,
                                                         int) override {
    ++evidence_calls;
    if (hold != nullptr) hold->WaitForNotification();
    return std::vector<std::string>{"GA-1", "GA-2"};
  }
  absl::StatusOr<std::vector<std::string>> BadRatings(const ReportPeriod&,
                                                      const std::string&, bool,
                                                      int) override {
    return std::vector<std::string>{};
  }

  std::shared_ptr<const DirectoryIndex> directory;
  zwfw::v1::GetCaseStatsResponse cases;
  zwfw::v1::GetSatisfactionStatsResponse survey;
  bool intake_down = false, survey_down = false;
  std::atomic<int> case_stats_calls{0}, evidence_calls{0};
  // When set, reading evidence waits for it (a slow computation).
  absl::Notification* hold = nullptr;
};

// Every test on both stores, with the same assertions.
class ScoringServiceTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == testing::Backend::kSqlite) {
      absl::StatusOr<std::unique_ptr<SqliteScoringStore>> sqlite =
          SqliteScoringStore::Open(testing::FreshDbPath("scoring"));
      ASSERT_TRUE(sqlite.ok()) << sqlite.status();
      store_ = *std::move(sqlite);
    } else {
      std::optional<PgOptions> pg = testing::SharedPostgres("scoring");
      if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
      absl::StatusOr<std::unique_ptr<PgScoringStore>> postgres =
          PgScoringStore::Open(*pg);
      ASSERT_TRUE(postgres.ok()) << postgres.status();
      store_ = *std::move(postgres);
    }
    tokens_ = testing::TokensFor({{"admin", "admin"},
                                  {"viewer", "viewer"},
                                  {"service", "service"},
                                  {"gaj", "department:gaj"}});
    service_ = std::make_unique<ScoringService>(store_.get(), &sources_,
                                                tokens_.get(), &cache_);
    server_ = std::make_unique<testing::InProcessServer>(service_.get());
    stub_ = Scoring::NewStub(server_->channel());
  }
  void TearDown() override { server_.reset(); }

  testing::InMemoryCache cache_;

  grpc::Status SetDefaultRules() {
    std::ifstream in(ZWFW_SOURCE_DIR "/deploy/scoring/default-rules.json");
    std::stringstream text;
    text << in.rdbuf();
    zwfw::v1::SetRulesRequest request;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                    text.str(), request.mutable_rules())
                    .ok());
    zwfw::v1::ScoringRules stored;
    return stub_->SetRules(As("admin").get(), request, &stored);
  }

  absl::StatusOr<zwfw::v1::Scorecard> Card(const std::string& token = "admin") {
    zwfw::v1::ComputeScorecardRequest request;
    request.set_period("2020-07");
    zwfw::v1::Scorecard card;
    grpc::Status s = stub_->ComputeScorecard(As(token).get(), request, &card);
    if (!s.ok()) return FromGrpcStatus(s);
    return card;
  }

  int64_t ScoreOf(const zwfw::v1::Scorecard& card, const std::string& code) {
    for (const auto& d : card.departments()) {
      if (d.department_code() == code) return d.score();
    }
    return -1;
  }

  grpc::Status Adjust(int64_t points, const std::string& reason = "缺岗",
                      int64_t* id = nullptr) {
    zwfw::v1::AddAdjustmentRequest request;
    request.mutable_adjustment()->set_period("2020-07");
    request.mutable_adjustment()->set_department_code("区税务局");
    request.mutable_adjustment()->set_points(points);
    request.mutable_adjustment()->set_reason(reason);
    zwfw::v1::AddAdjustmentResponse response;
    grpc::Status s =
        stub_->AddAdjustment(As("admin").get(), request, &response);
    if (id) *id = response.adjustment().adjustment_id();
    return s;
  }

  static const zwfw::v1::DepartmentScore& Find(const zwfw::v1::Scorecard& card,
                                               const std::string& code) {
    for (const auto& d : card.departments()) {
      if (d.department_code() == code) return d;
    }
    ADD_FAILURE() << "no department " << code;
    static const zwfw::v1::DepartmentScore none;
    return none;
  }

  FakeSources sources_;
  std::unique_ptr<ScoringStore> store_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<ScoringService> service_;
  std::unique_ptr<testing::InProcessServer> server_;
  std::unique_ptr<Scoring::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Stores, ScoringServiceTest, testing::kEveryBackend,
                         testing::BackendName);

TEST_P(ScoringServiceTest, NoRulesNoScores) {
  EXPECT_EQ(Card().status().code(), absl::StatusCode::kFailedPrecondition);
  zwfw::v1::GetRulesRequest request;
  zwfw::v1::ScoringRules rules;
  EXPECT_EQ(stub_->GetRules(As("viewer").get(), request, &rules).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_P(ScoringServiceTest, ScoresWithEvidence) {
  ASSERT_TRUE(SetDefaultRules().ok());
  absl::StatusOr<zwfw::v1::Scorecard> card = Card();
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(ScoreOf(*card, "gaj"), 9000);  // two overtime cases, -5 each
  EXPECT_EQ(ScoreOf(*card, "swj"), 10000);
  EXPECT_EQ(card->departments(0).department_code(), "swj");  // highest first
  const auto& overtime = card->departments(1).lines(0);
  EXPECT_EQ(overtime.rule_id(), "overtime-cases");
  EXPECT_EQ(overtime.evidence_size(), 2);
  EXPECT_EQ(overtime.evidence(0), "GA-1");
}

// An office scores on its own figures: any indicator of the library.
TEST_P(ScoringServiceTest, RulesOverLibraryIndicators) {
  zwfw::v1::SetRulesRequest request;
  *request.mutable_rules() = ParseTextProto<zwfw::v1::ScoringRules>(R"pb(
    base: 10000
    rules {
      id: "on-time"
      text: "按时办结率低于95%扣2分"
      library_indicator: "on_time_rate"
      comparison: COMPARISON_BELOW
      threshold: 9500
      points: -200
    }
    rules {
      id: "speedup"
      text: "实际提速高于80%加0.5分"
      library_indicator: "speedup_rate"
      comparison: COMPARISON_ABOVE
      threshold: 8000
      points: 50
      min_volume: 0
    }
    rules {
      id: "late"
      text: "超时办结每件扣1分，最多扣3分"
      library_indicator: "overtime_completed"
      points: -100
      cap: 300
    }
    tiers { floor: 0 label: "全部" }
  )pb");
  zwfw::v1::ScoringRules stored;
  grpc::Status set = stub_->SetRules(As("admin").get(), request, &stored);
  ASSERT_TRUE(set.ok()) << set.error_message();
  // 区公安局: 187 of 200 on time (93.5%), 13 late; 承诺件 took 10 of 100
  // promised days (90% faster). 区税务局: nothing completed.
  sources_.completed["gaj"] =
      ParseTextProto<zwfw::v1::CaseSums>("cases: 200 on_time: 187 late: 13");
  sources_.promised["gaj"] = ParseTextProto<zwfw::v1::CaseSums>(
      "cases: 20 timed: 20 working_seconds: 864000 promised_days: 100");
  absl::StatusOr<zwfw::v1::Scorecard> card = Card();
  ASSERT_TRUE(card.ok()) << card.status();
  const auto& gaj = Find(*card, "gaj");
  ASSERT_EQ(gaj.lines_size(), 3);
  EXPECT_EQ(gaj.lines(0).detail(), "按时办结率93.50%（187/200），低于95%");
  EXPECT_EQ(gaj.lines(0).points(), -200);
  EXPECT_EQ(gaj.lines(1).detail(), "实际提速率90.00%，高于80%");
  EXPECT_EQ(gaj.lines(1).points(), 50);
  EXPECT_EQ(gaj.lines(2).detail(), "超时办结件数13件（封顶3分）");
  EXPECT_EQ(gaj.lines(2).points(), -300);
  EXPECT_EQ(gaj.score(), 10000 - 200 + 50 - 300);
  const auto& swj = Find(*card, "swj");
  EXPECT_EQ(swj.lines(0).detail(), "按时办结率无数据，不计");
  EXPECT_EQ(swj.lines(2).detail(), "超时办结件数0件");
  EXPECT_EQ(swj.score(), 10000);

  // Refused by name, nothing changed.
  for (const auto& [rule, message] :
       std::vector<std::pair<std::string, std::string>>{
           {R"pb(id: "x"
                 text: "x"
                 library_indicator: "on_tme_rate"
                 comparison: COMPARISON_BELOW
                 threshold: 9500
                 points: -1)pb",
            "library_indicator: indicator \"on_tme_rate\": no indicator"},
           {R"pb(id: "x"
                 text: "x"
                 library_indicator: "on_time_rate"
                 threshold: 9500
                 points: -1)pb",
            "comparison: on_time_rate is a rate or days"},
           {R"pb(id: "x"
                 text: "x"
                 library_indicator: "on_time_rate"
                 comparison: COMPARISON_BELOW
                 threshold: 12000
                 points: -1)pb",
            "threshold: basis points from 0 to 10000"},
           {R"pb(id: "x"
                 text: "x"
                 library_indicator: "overtime"
                 indicator: INDICATOR_OVERTIME_CASES
                 points: -1)pb",
            "one or the other"},
       }) {
    zwfw::v1::SetRulesRequest bad = request;
    *bad.mutable_rules()->add_rules() =
        ParseTextProto<zwfw::v1::ScoringRule>(rule);
    grpc::Status s = stub_->SetRules(As("admin").get(), bad, &stored);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << rule;
    EXPECT_NE(s.error_message().find(message), std::string::npos)
        << s.error_message();
  }
  zwfw::v1::GetRulesRequest get;
  ASSERT_TRUE(stub_->GetRules(As("admin").get(), get, &stored).ok());
  EXPECT_EQ(stored.rules_size(), 3);
}

// A quarter (half year, year) is scored as a month is, from its figures,
// with adjustments of its own.
TEST_P(ScoringServiceTest, AQuarterIsScoredLikeAMonth) {
  ASSERT_TRUE(SetDefaultRules().ok());
  zwfw::v1::ComputeScorecardRequest request;
  request.set_period("2020-Q3");
  zwfw::v1::Scorecard card;
  grpc::Status s = stub_->ComputeScorecard(As("admin").get(), request, &card);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(card.period(), "2020-Q3");
  EXPECT_EQ(ScoreOf(card, "gaj"), 9000);

  zwfw::v1::AddAdjustmentRequest adjust;
  adjust.mutable_adjustment()->set_period("2020-Q3");
  adjust.mutable_adjustment()->set_department_code("区税务局");
  adjust.mutable_adjustment()->set_points(-50);
  adjust.mutable_adjustment()->set_reason("季度督查：缺岗");
  zwfw::v1::AddAdjustmentResponse added;
  s = stub_->AddAdjustment(As("admin").get(), adjust, &added);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(stub_->ComputeScorecard(As("admin").get(), request, &card).ok());
  EXPECT_EQ(ScoreOf(card, "swj"), 9950);
  // The month keeps its own.
  EXPECT_EQ(ScoreOf(*Card(), "swj"), 10000);

  request.set_period("2020-Q7");
  s = stub_->ComputeScorecard(As("admin").get(), request, &card);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("a quarter (2023-Q2)"), std::string::npos)
      << s.error_message();
}

TEST_P(ScoringServiceTest, RulesAreVersionedAndABadFileChangesNothing) {
  ASSERT_TRUE(SetDefaultRules().ok());
  zwfw::v1::SetRulesRequest bad;
  bad.mutable_rules()->set_base(10000);
  bad.mutable_rules()->add_tiers()->set_label("x");
  bad.mutable_rules()->mutable_tiers(0)->set_floor(10000);
  auto* rule = bad.mutable_rules()->add_rules();
  rule->set_id("mystery");
  rule->set_text("?");
  rule->set_points(-100);
  zwfw::v1::ScoringRules stored;
  grpc::Status s = stub_->SetRules(As("admin").get(), bad, &stored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "rules[0] (\"mystery\"): indicator: unknown (or name a "
            "library_indicator)");
  zwfw::v1::GetRulesRequest get;
  ASSERT_TRUE(stub_->GetRules(As("viewer").get(), get, &stored).ok());
  EXPECT_EQ(stored.version(), 1);
  EXPECT_EQ(stored.rules_size(), 6);
  ASSERT_TRUE(SetDefaultRules().ok());
  ASSERT_TRUE(stub_->GetRules(As("viewer").get(), get, &stored).ok());
  EXPECT_EQ(stored.version(), 2);
  EXPECT_EQ(stored.set_by().substr(0, 5), "admin");
  EXPECT_EQ(stub_->SetRules(As("viewer").get(), bad, &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(ScoringServiceTest, AdjustmentsMoveScoresUntilFrozen) {
  ASSERT_TRUE(SetDefaultRules().ok());
  int64_t id = 0;
  grpc::Status added = Adjust(-50, "无故缺岗半天", &id);
  ASSERT_TRUE(added.ok()) << added.error_code() << added.error_message();
  ASSERT_TRUE(Adjust(25, "群众书面表扬").ok());
  EXPECT_EQ(ScoreOf(*Card(), "swj"), 9975);
  zwfw::v1::RemoveAdjustmentRequest remove;
  remove.set_adjustment_id(id);
  zwfw::v1::RemoveAdjustmentResponse removed;
  ASSERT_TRUE(
      stub_->RemoveAdjustment(As("admin").get(), remove, &removed).ok());
  EXPECT_EQ(ScoreOf(*Card(), "swj"), 10025);
  // Removed, but on record with who and when; removing twice is NOT_FOUND.
  EXPECT_EQ(
      stub_->RemoveAdjustment(As("admin").get(), remove, &removed).error_code(),
      grpc::StatusCode::NOT_FOUND);
  zwfw::v1::ListAdjustmentsRequest list;
  list.set_period("2020-07");
  zwfw::v1::ListAdjustmentsResponse listed;
  ASSERT_TRUE(stub_->ListAdjustments(As("admin").get(), list, &listed).ok());
  EXPECT_EQ(listed.adjustments_size(), 1);
  list.set_include_removed(true);
  ASSERT_TRUE(stub_->ListAdjustments(As("admin").get(), list, &listed).ok());
  ASSERT_EQ(listed.adjustments_size(), 2);
  EXPECT_EQ(listed.adjustments(0).removed_by().substr(0, 5), "admin");
  EXPECT_GT(listed.adjustments(0).removed_at().seconds(), 0);

  EXPECT_EQ(Adjust(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Adjust(-10, "").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  zwfw::v1::FreezeScorecardRequest freeze;
  freeze.set_period("2020-07");
  zwfw::v1::Scorecard frozen;
  ASSERT_TRUE(
      stub_->FreezeScorecard(As("service").get(), freeze, &frozen).ok());
  EXPECT_TRUE(frozen.frozen());
  EXPECT_EQ(Adjust(-10).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  remove.set_adjustment_id(id + 1);
  EXPECT_EQ(
      stub_->RemoveAdjustment(As("admin").get(), remove, &removed).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  zwfw::v1::SetAwardsRequest awards;
  awards.set_period("2020-07");
  awards.add_windows("w1");
  zwfw::v1::SetAwardsResponse set;
  EXPECT_EQ(stub_->SetAwards(As("admin").get(), awards, &set).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // The frozen scorecard is returned even after the data changes.
  sources_.cases.mutable_departments(1)->mutable_approval()->set_overtime(9);
  EXPECT_EQ(ScoreOf(*Card(), "swj"), 10025);
  zwfw::v1::Scorecard again;
  ASSERT_TRUE(stub_->FreezeScorecard(As("admin").get(), freeze, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), frozen.SerializeAsString());
}

// The scorecard every department and the anonymous viewer read carried
// other departments' case numbers, the office's adjustment notes and
// provisional tiers (scorecard_views.h).
TEST_P(ScoringServiceTest, EachRoleSeesWhatItMay) {
  ASSERT_TRUE(SetDefaultRules().ok());
  ASSERT_TRUE(Adjust(-50, "窗口人员张某无故缺岗").ok());
  auto full = Card("admin");
  ASSERT_TRUE(full.ok());
  ASSERT_FALSE(Find(*full, "gaj").lines(0).evidence().empty());
  ASSERT_FALSE(full->departments(0).tier().empty());
  const std::string top = full->departments(0).department_code();

  // Viewers: nothing before publication.
  EXPECT_EQ(Card("viewer").status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A department: its own evidence, no one else's, no note, no tier yet.
  auto own = Card("gaj");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(Find(*own, "gaj").lines(0).evidence(0), "GA-1");
  EXPECT_EQ(Find(*own, "gaj").score(), Find(*full, "gaj").score());
  const auto& tax = Find(*own, "swj");
  std::string shown = tax.SerializeAsString();
  EXPECT_EQ(shown.find("窗口人员张某无故缺岗"), std::string::npos);
  EXPECT_EQ(shown.find("admin "), std::string::npos);  // who added it
  for (const auto& line : tax.lines()) EXPECT_TRUE(line.evidence().empty());
  for (const auto& d : own->departments()) EXPECT_TRUE(d.tier().empty());
  EXPECT_EQ(tax.score(), Find(*full, "swj").score());
  // Adjustment notes are the office's: not for viewers.
  zwfw::v1::ListAdjustmentsRequest list;
  list.set_period("2020-07");
  zwfw::v1::ListAdjustmentsResponse listed;
  EXPECT_EQ(
      stub_->ListAdjustments(As("viewer").get(), list, &listed).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  // Published: viewers see scores and tiers, never evidence or notes.
  zwfw::v1::FreezeScorecardRequest freeze;
  freeze.set_period("2020-07");
  zwfw::v1::Scorecard frozen;
  ASSERT_TRUE(stub_->FreezeScorecard(As("admin").get(), freeze, &frozen).ok());
  auto published = Card("viewer");
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(Find(*published, top).tier(), full->departments(0).tier());
  EXPECT_EQ(published->SerializeAsString().find("窗口人员张某无故缺岗"),
            std::string::npos);
  for (const auto& d : published->departments()) {
    for (const auto& line : d.lines()) EXPECT_TRUE(line.evidence().empty());
  }
}

// A department could send its own due_at; now a later due time needs an
// approved extension, and the scorecard lists every one (no points).
TEST_P(ScoringServiceTest, TheScorecardListsEveryExtension) {
  ASSERT_TRUE(SetDefaultRules().ok());
  auto before = Card();
  ASSERT_TRUE(before.ok());
  zwfw::v1::Case extended;
  extended.set_department_code("gaj");
  extended.set_case_no("GA-9");
  extended.mutable_extension()->set_working_days(5);
  extended.mutable_extension()->set_approval_ref("綦公延〔2020〕7号");
  sources_.extended = {extended};
  auto after = Card();
  ASSERT_TRUE(after.ok());
  const zwfw::v1::ScoreLine& line = Find(*after, "gaj").lines().rbegin()[0];
  EXPECT_EQ(line.rule_id(), "extensions");
  EXPECT_EQ(line.count(), 1);
  EXPECT_EQ(line.points(), 0);
  ASSERT_EQ(line.evidence_size(), 1);
  EXPECT_EQ(line.evidence(0), "GA-9（綦公延〔2020〕7号，+5个工作日）");
  EXPECT_EQ(Find(*after, "gaj").score(), Find(*before, "gaj").score());
  // Other departments see that it was extended, not which case.
  auto seen = Card("viewer");
  EXPECT_EQ(seen.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(ScoringServiceTest, AwardsAreConfirmedByTheOffice) {
  ASSERT_TRUE(SetDefaultRules().ok());
  zwfw::v1::SetAwardsRequest awards;
  awards.set_period("2020-07");
  awards.add_windows("w1");
  awards.add_staff("s1");
  zwfw::v1::SetAwardsResponse set;
  ASSERT_TRUE(stub_->SetAwards(As("admin").get(), awards, &set).ok());
  EXPECT_EQ(set.staff(0).name(), "李宇");
  EXPECT_EQ(set.staff(0).department_code(), "gaj");
  auto card = Card();
  ASSERT_EQ(card->windows_size(), 1);
  EXPECT_EQ(card->windows(0).name(), "公安窗口");
  awards.add_staff("nobody");
  EXPECT_EQ(stub_->SetAwards(As("admin").get(), awards, &set).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->SetAwards(As("gaj").get(), awards, &set).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(ScoringServiceTest, ACachedScorecardIsServedUntilAnInputMoves) {
  ASSERT_TRUE(SetDefaultRules().ok());
  auto first = Card();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(cache_.Count("zwfw:scorecard:2020-07:"), 1);
  const int evidence_reads = sources_.evidence_calls;
  auto again = Card();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(sources_.evidence_calls, evidence_reads);  // served from cache
  // New figures under the same data version (a renamed department moves
  // none): a new key, never the stale card.
  sources_.cases.mutable_departments(0)->set_department_name("区公安分局");
  auto renamed = Card();
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(cache_.Count("zwfw:scorecard:2020-07:"), 2);
  EXPECT_NE(renamed->SerializeAsString(), first->SerializeAsString());
  // With the cache down the card is computed, the same.
  cache_.set_down(true);
  auto uncached = Card();
  ASSERT_TRUE(uncached.ok());
  EXPECT_EQ(uncached->SerializeAsString(), renamed->SerializeAsString());
  EXPECT_GT(sources_.evidence_calls, evidence_reads);
}

// Whoever could write to Redis could forge the frozen scorecard: freezing
// took the cached card. It recomputes now.
TEST_P(ScoringServiceTest, FreezingRecomputesInsteadOfTrustingTheCache) {
  ASSERT_TRUE(SetDefaultRules().ok());
  auto genuine = Card("admin");
  ASSERT_TRUE(genuine.ok()) << genuine.status();
  zwfw::v1::Scorecard forged = *genuine;
  forged.mutable_departments(0)->set_score(genuine->departments(0).score() +
                                           777);
  ASSERT_GE(
      cache_.Overwrite("zwfw:scorecard:2020-07:", forged.SerializeAsString()),
      1);
  zwfw::v1::FreezeScorecardRequest freeze;
  freeze.set_period("2020-07");
  zwfw::v1::Scorecard frozen;
  ASSERT_TRUE(stub_->FreezeScorecard(As("admin").get(), freeze, &frozen).ok());
  EXPECT_EQ(frozen.departments(0).score(), genuine->departments(0).score());
  EXPECT_NE(frozen.SerializeAsString(), forged.SerializeAsString());
}

TEST_P(ScoringServiceTest, ConcurrentMissesComputeTheScorecardOnce) {
  ASSERT_TRUE(SetDefaultRules().ok());
  absl::Notification release;
  sources_.hold = &release;
  constexpr int kReaders = 8;
  std::vector<absl::StatusOr<zwfw::v1::Scorecard>> cards(kReaders);
  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back([&, i] { cards[i] = Card(); });
  }
  // Every reader has read the month's figures (the key) before the one
  // computation is let go.
  while (sources_.case_stats_calls.load() < kReaders) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  absl::SleepFor(absl::Milliseconds(200));
  release.Notify();
  for (auto& r : readers) r.join();
  EXPECT_EQ(sources_.evidence_calls.load(), 1);  // one department's evidence
  for (const auto& card : cards) {
    ASSERT_TRUE(card.ok()) << card.status();
    EXPECT_EQ(card->SerializeAsString(), cards[0]->SerializeAsString());
  }
}

TEST_P(ScoringServiceTest, ADependencyDownIsPassedOnUnchanged) {
  ASSERT_TRUE(SetDefaultRules().ok());
  sources_.intake_down = true;
  absl::Status s = Card().status();
  // The sources' error reaches the caller unchanged (the real sources name
  // the service: PeerFailure, status_test and scoring_server_test.py).
  EXPECT_EQ(s, absl::UnavailableError(kIntakeDown));
  sources_.intake_down = false;
  sources_.survey_down = true;
  s = Card().status();
  EXPECT_EQ(s, absl::UnavailableError(kSurveyDown));
  EXPECT_EQ(Card("").status().code(), absl::StatusCode::kUnauthenticated);
}

// Two replicas of scoring on one PostgreSQL database freeze a period at
// the same moment: it is frozen once, both are answered with the same
// stored scorecard, and neither replica accepts an adjustment after.
TEST(ScoringReplicasTest, TwoReplicasFreezingAtOnceFreezeOnce) {
  std::optional<PgOptions> pg = testing::SharedPostgres("scoring_replicas");
  if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
  absl::StatusOr<std::unique_ptr<PgScoringStore>> stores[2] = {
      PgScoringStore::Open(*pg), PgScoringStore::Open(*pg)};
  for (auto& store : stores) ASSERT_TRUE(store.ok()) << store.status();
  for (int round = 1; round <= 5; ++round) {
    const std::string period = absl::StrCat("2020-0", round);
    absl::StatusOr<zwfw::v1::Scorecard> frozen[2];
    std::vector<std::thread> freezers;
    for (int i = 0; i < 2; ++i) {
      freezers.emplace_back([&, i] {
        zwfw::v1::Scorecard card;
        card.set_period(period);
        card.set_rules_version(i + 1);  // tells the two apart
        frozen[i] = (*stores[i])->Freeze(card, {"admin", "FreezeScorecard"});
      });
    }
    for (std::thread& t : freezers) t.join();
    for (auto& f : frozen) ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(frozen[0]->SerializeAsString(), frozen[1]->SerializeAsString());
    zwfw::v1::Adjustment late;
    late.set_period(period);
    late.set_department_code("区税务局");
    late.set_points(-1);
    for (auto& store : stores) {
      EXPECT_EQ((*store)->AddAdjustment(late).status().code(),
                absl::StatusCode::kFailedPrecondition);
    }
  }
  PgAuditTrail trail(&(*stores[1])->database());
  absl::StatusOr<AuditVerdict> verdict = trail.Verify();
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_TRUE(verdict->problem.empty()) << verdict->problem;
  EXPECT_EQ(verdict->entries, 5);  // one freeze a period
}

}  // namespace
}  // namespace zwfw::scoring

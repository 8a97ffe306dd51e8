// The Survey service served in-process over its real store (SQLite and
// PostgreSQL, the same assertions), with a fixed directory (the Qijiang
// demo) and a clock the test sets.
#include "services/survey/survey_service.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/common/indicator_inputs.h"
#include "services/common/indicators.h"
#include "services/common/period.h"
#include "services/common/pg_audit_log.h"
#include "services/common/proto_time.h"
#include "services/common/sqlite.h"
#include "services/common/status.h"
#include "services/survey/pg_survey_store.h"
#include "services/survey/sqlite_survey_store.h"
#include "services/survey/survey_schema.h"
#include "tests/testing/faulty_vfs.h"
#include "tests/testing/fixed_directory.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/shared_postgres.h"
#include "tests/testing/test_util.h"
#include "tools/seedgen/reference_cases.h"

namespace zwfw::survey {
namespace {

using zwfw::testing::As;
using zwfw::testing::Cst;
using zwfw::v1::Evaluation;
using zwfw::v1::RectificationState;
using zwfw::v1::Survey;

std::shared_ptr<const DirectoryIndex> Qijiang() {
  return *DirectoryIndex::Build(testing::QijiangDirectory(), 1);
}

std::string Outcome(const zwfw::v1::RecordResult& r) {
  std::string s = zwfw::v1::RecordOutcome_Name(r.outcome()).substr(15);
  if (r.outcome() == zwfw::v1::RECORD_OUTCOME_REJECTED) {
    absl::StrAppend(&s, " ", StatusCodeName(r.code()), " ", r.field());
  }
  return s;
}

// "3/7", or "no data".
std::string Rate(const zwfw::v1::Rate& r) {
  if (r.denominator() == 0) return "no data";
  return absl::StrCat(r.numerator(), "/", r.denominator());
}

class FixedCaseCounts : public CaseCountSource {
 public:
  absl::StatusOr<std::map<std::string, int64_t>> CaseTotals(
      const ReportPeriod&) override {
    return std::map<std::string, int64_t>{{"qj-gaj", 20}};
  }
};

// Intake's cases as survey checks ratings against them: every case of
// qj-gaj but those numbered "unknown-...", accepted on 1 June 2020.
class FixedCaseFacts : public CaseFactSource {
 public:
  absl::StatusOr<std::vector<std::optional<absl::Time>>> AcceptedAt(
      const std::vector<zwfw::v1::CaseKey>& keys) override {
    ++calls;
    std::vector<std::optional<absl::Time>> out;
    for (const auto& key : keys) {
      const bool known = key.department_code() == "qj-gaj" &&
                         key.case_no().rfind("unknown-", 0) != 0;
      out.push_back(known ? std::optional<absl::Time>(accepted) : std::nullopt);
    }
    return out;
  }
  absl::Time accepted = Cst(2020, 6, 1);
  int calls = 0;
};

// Every test on both stores, with the same assertions.
class SurveyServiceTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == testing::Backend::kPostgres) {
      pg_ = testing::SharedPostgres("survey");
      if (!pg_) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
    }
    Start(SurveyOptions());
  }

  // (Re)starts the service over the test's store, as a restart would.
  void Start(SurveyOptions options) {
    server_.reset();
    if (path_.empty()) path_ = testing::FreshDbPath("survey");
    tokens_ = testing::TokensFor({{"admin", "admin"},
                                  {"viewer", "viewer"},
                                  {"gaj", "department:qj-gaj"},
                                  {"device", "evaluator:qj-w01"},
                                  {"legacy", "evaluator"},
                                  {"online", "channel:online"}});
    calendar_ = std::make_unique<Calendar>(
        *Calendar::LoadDirectory(ZWFW_SOURCE_DIR "/deploy/calendar"));
    store_.reset();
    if (pg_) {
      absl::StatusOr<std::unique_ptr<PgSurveyStore>> pg =
          PgSurveyStore::Open(*pg_);
      ASSERT_TRUE(pg.ok()) << pg.status();
      store_ = *std::move(pg);
    } else {
      absl::StatusOr<std::unique_ptr<SqliteSurveyStore>> sqlite =
          SqliteSurveyStore::Open(path_);
      ASSERT_TRUE(sqlite.ok()) << sqlite.status();
      store_ = *std::move(sqlite);
    }
    options.now = [this] { return now_; };
    service_ = std::make_unique<SurveyService>(
        &directory_, &case_counts_, &case_facts_, calendar_.get(), store_.get(),
        tokens_.get(), options);
    server_ =
        std::make_unique<testing::InProcessServer>(service_.get(), 4 << 20);
    stub_ = Survey::NewStub(server_->channel());
  }

  void TearDown() override { server_.reset(); }

  static Evaluation Rating(const std::string& id, int rating,
                           const std::string& case_no = "",
                           absl::Time at = Cst(2020, 7, 10)) {
    Evaluation e;
    e.set_evaluation_id(id);
    e.set_department_code("qj-gaj");
    e.set_case_no(case_no.empty() ? "case-" + id : case_no);
    e.set_window_code("qj-w01");
    e.set_staff_code("qj-s001");
    e.set_rating(rating);
    e.set_channel(zwfw::v1::EVALUATION_CHANNEL_WINDOW_DEVICE);
    *e.mutable_evaluated_at() = ToProto(at);
    return e;
  }

  std::vector<std::string> Submit(const std::vector<Evaluation>& evaluations,
                                  const std::string& token = "device") {
    zwfw::v1::SubmitEvaluationsRequest request;
    for (const auto& e : evaluations) *request.add_evaluations() = e;
    zwfw::v1::SubmitEvaluationsResponse response;
    grpc::Status s =
        stub_->SubmitEvaluations(As(token).get(), request, &response);
    if (!s.ok())
      return {absl::StrCat("error ", StatusCodeName(s.error_code()))};
    std::vector<std::string> out;
    for (const auto& r : response.results()) out.push_back(Outcome(r));
    return out;
  }

  // Seven ratings of qj-gaj's July 2020: 5, 5, 4, 3, 2, 1 and a defaulted
  // 3 (默认好评); the 2 and the 1 open rectifications.
  std::vector<std::string> SubmitTheKnownSet() {
    Evaluation defaulted = Rating("e7", 3);
    defaulted.set_defaulted(true);
    return Submit({Rating("e1", 5), Rating("e2", 5), Rating("e3", 4),
                   Rating("e4", 3), Rating("e5", 2), Rating("e6", 1),
                   defaulted});
  }

  zwfw::v1::GetSatisfactionStatsResponse Stats(
      const std::string& period = "2020-07") {
    zwfw::v1::GetSatisfactionStatsRequest request;
    request.set_period(period);
    zwfw::v1::GetSatisfactionStatsResponse response;
    grpc::Status s =
        stub_->GetSatisfactionStats(As("viewer").get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  static const zwfw::v1::DepartmentSatisfaction& Department(
      const zwfw::v1::GetSatisfactionStatsResponse& stats,
      const std::string& code) {
    for (const auto& d : stats.departments()) {
      if (d.department_code() == code) return d;
    }
    static const zwfw::v1::DepartmentSatisfaction none;
    ADD_FAILURE() << "no department " << code;
    return none;
  }

  std::string Update(const std::string& id, RectificationState state,
                     const std::string& token = "gaj", int follow_up = 0) {
    zwfw::v1::UpdateRectificationRequest request;
    request.set_evaluation_id(id);
    request.set_state(state);
    request.set_note("窗口已核实");
    request.set_follow_up_rating(follow_up);
    zwfw::v1::UpdateRectificationResponse response;
    grpc::Status s =
        stub_->UpdateRectification(As(token).get(), request, &response);
    if (!s.ok()) return StatusCodeName(s.error_code());
    return zwfw::v1::RectificationState_Name(response.rectification().state());
  }

  zwfw::v1::Rectification Get(const std::string& id) {
    zwfw::v1::ListRectificationsRequest request;
    zwfw::v1::ListRectificationsResponse response;
    EXPECT_TRUE(
        stub_->ListRectifications(As("admin").get(), request, &response).ok());
    for (const auto& r : response.rectifications()) {
      if (r.evaluation_id() == id) return r;
    }
    ADD_FAILURE() << "no rectification " << id;
    return {};
  }

  std::string path_;             // the SQLite file
  std::optional<PgOptions> pg_;  // or the PostgreSQL schema
  absl::Time now_ = Cst(2020, 8, 20);
  testing::FixedDirectory directory_{Qijiang()};
  FixedCaseCounts case_counts_;
  FixedCaseFacts case_facts_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<Calendar> calendar_;
  std::unique_ptr<SurveyStore> store_;
  std::unique_ptr<SurveyService> service_;
  std::unique_ptr<testing::InProcessServer> server_;
  std::unique_ptr<Survey::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Stores, SurveyServiceTest, testing::kEveryBackend,
                         testing::BackendName);

// Tests of the SQLite file itself: its older schemas, its raw rows, its
// I/O faults.
class SqliteSurveyTest : public SurveyServiceTest {};
INSTANTIATE_TEST_SUITE_P(Stores, SqliteSurveyTest,
                         ::testing::Values(testing::Backend::kSqlite),
                         testing::BackendName);

TEST_P(SurveyServiceTest, RatesOnAKnownSet) {
  ASSERT_EQ(SubmitTheKnownSet(), std::vector<std::string>(7, "ACCEPTED"));
  auto stats = Stats();
  const auto& police = Department(stats, "qj-gaj").ratings();
  EXPECT_EQ(police.active(), 6);
  EXPECT_EQ(police.defaulted(), 1);
  EXPECT_EQ(police.defaulted_by_rating(2), 1);  // 基本满意, kept apart
  EXPECT_EQ(police.active_by_rating(4), 2);     // 非常满意
  EXPECT_EQ(Rate(police.good_rate()), "3/7");
  EXPECT_EQ(Rate(police.bad_rate()), "2/7");
  EXPECT_EQ(Rate(police.satisfaction_rate()), "5/7");
  EXPECT_EQ(Rate(police.active_rate()), "6/20");  // 20 cases in intake
  // A department with no ratings has no data, not 0% or 100%.
  const auto& tax = Department(stats, "qj-swj").ratings();
  EXPECT_EQ(Rate(tax.satisfaction_rate()), "no data");
  EXPECT_EQ(Rate(tax.good_rate()), "no data");
  EXPECT_EQ(Rate(tax.active_rate()), "no data");
  // Window and staff rows.
  ASSERT_EQ(stats.windows_size(), 1);
  EXPECT_EQ(stats.windows(0).window_name(), "公安窗口");
  EXPECT_EQ(Rate(stats.windows(0).ratings().satisfaction_rate()), "5/7");
  ASSERT_EQ(stats.staff_size(), 1);
  EXPECT_EQ(stats.staff(0).staff_name(), "李宇");
  EXPECT_EQ(Rate(stats.total().satisfaction_rate()), "5/7");
  EXPECT_EQ(stats.rectifications().opened(), 2);  // e5, e6

  // Which levels are satisfied is configuration.
  SurveyOptions strict;
  strict.satisfied_levels = *SatisfiedLevels::Parse("4,5");
  Start(strict);
  EXPECT_EQ(Rate(Department(Stats(), "qj-gaj").ratings().satisfaction_rate()),
            "3/7");
}

// The drill-down from a survey figure: the records an indicator's figure
// counts, listed by `indicator=`, are as many as the figure the library
// computes from GetSatisfactionStats — numerators and denominators, with
// the default and with stricter satisfied levels.
TEST_P(SurveyServiceTest, TheRecordsBehindASurveyFigureAreAsManyAsItCounts) {
  ASSERT_EQ(SubmitTheKnownSet(), std::vector<std::string>(7, "ACCEPTED"));
  EXPECT_EQ(Update("e5", zwfw::v1::RECTIFICATION_STATE_RECTIFYING),
            "RECTIFICATION_STATE_RECTIFYING");
  zwfw::v1::RecordReturnVisitsRequest visits;
  for (int rating : {5, 4, 3, 2, 0}) {
    zwfw::v1::ReturnVisit* v = visits.add_visits();
    v->set_visit_id(absl::StrCat("v", rating));
    v->set_department_code("qj-gaj");
    *v->mutable_visited_at() = ToProto(Cst(2020, 7, 20));
    v->set_reached(rating > 0);
    v->set_rating(rating);
  }
  zwfw::v1::RecordReturnVisitsResponse recorded;
  ASSERT_TRUE(
      stub_->RecordReturnVisits(As("admin").get(), visits, &recorded).ok());

  // How many records `indicator=` lists from the list `records` names.
  auto listed = [&](const std::string& records, const std::string& indicator,
                    bool denominator) -> int64_t {
    grpc::Status s;
    int64_t n = -1;
    if (records == "ratings") {
      zwfw::v1::ListEvaluationsRequest r;
      r.set_period("2020-07");
      r.set_indicator(indicator);
      r.set_denominator(denominator);
      zwfw::v1::ListEvaluationsResponse out;
      s = stub_->ListEvaluations(As("admin").get(), r, &out);
      n = out.evaluations_size();
    } else if (records == "return_visits") {
      zwfw::v1::ListReturnVisitsRequest r;
      r.set_period("2020-07");
      r.set_indicator(indicator);
      r.set_denominator(denominator);
      zwfw::v1::ListReturnVisitsResponse out;
      s = stub_->ListReturnVisits(As("admin").get(), r, &out);
      n = out.visits_size();
    } else {
      zwfw::v1::ListRectificationsRequest r;
      r.set_period("2020-07");
      r.set_indicator(indicator);
      zwfw::v1::ListRectificationsResponse out;
      s = stub_->ListRectifications(As("admin").get(), r, &out);
      n = out.rectifications_size();
    }
    EXPECT_TRUE(s.ok()) << indicator << ": " << s.error_message();
    return n;
  };
  const std::vector<std::string> indicators = {"ratings",
                                               "ratings[levels=1-2]",
                                               "active_ratings",
                                               "satisfaction_rate",
                                               "good_rate",
                                               "bad_rate",
                                               "rating_share[levels=1-3]",
                                               "evaluation_rate",
                                               "visits_made",
                                               "visits_reached",
                                               "visit_satisfaction_rate",
                                               "rectifications_opened",
                                               "rectifications_open",
                                               "rectifications_overdue"};
  for (const char* levels : {"3,4,5", "4,5"}) {
    SurveyOptions options;
    options.satisfied_levels = *SatisfiedLevels::Parse(levels);
    Start(options);
    const zwfw::v1::GetSatisfactionStatsResponse stats = Stats();
    const UnitTable table =
        BuildUnitTable({}, stats, testing::QijiangDirectory());
    IndicatorPlan plan(SatisfiedLevelsOf(stats));
    int checked = 0;
    for (const std::string& text : indicators) {
      const int i = *plan.Add(text);
      const IndicatorValue figure = plan.Evaluate(i, table.total.inputs);
      const std::string records = plan.RecordsListed(i);
      ASSERT_NE(records, "") << text;
      EXPECT_EQ(listed(records, text, false), figure.numerator)
          << text << " with satisfied levels " << levels;
      ++checked;
      if (plan.SurveyRecordsBehind(i, true).ok()) {
        EXPECT_EQ(listed(records, text, true), figure.denominator)
            << text << " (denominator) with satisfied levels " << levels;
        ++checked;
      }
      EXPECT_GT(figure.numerator, 0) << text;  // not a vacuous check
    }
    EXPECT_EQ(checked, 19);  // 14 numerators, 5 denominators
  }

  // What cannot be listed, or is listed elsewhere, is named.
  zwfw::v1::ListEvaluationsRequest bad;
  bad.set_period("2020-07");
  bad.set_indicator("overtime");
  zwfw::v1::ListEvaluationsResponse none;
  grpc::Status s = stub_->ListEvaluations(As("admin").get(), bad, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(),
            "indicator: indicator \"overtime\": its numerator counts cases, "
            "not ratings, return visits or rectifications");
  bad.set_indicator("visit_satisfaction_rate");
  s = stub_->ListEvaluations(As("admin").get(), bad, &none);
  EXPECT_EQ(s.error_message(),
            "indicator: indicator \"visit_satisfaction_rate\": its records "
            "are listed "
            "by ListReturnVisits");
  bad.set_indicator("satisfaction_rate");
  bad.add_levels(5);
  s = stub_->ListEvaluations(As("admin").get(), bad, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "levels: not with an indicator (the indicator says which records)");
  bad.clear_levels();
  bad.set_indicator("satisfaction_rat");
  s = stub_->ListEvaluations(As("admin").get(), bad, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  zwfw::v1::ListRectificationsRequest no_period;
  no_period.set_indicator("rectifications_open");
  zwfw::v1::ListRectificationsResponse no_rectifications;
  EXPECT_EQ(
      stub_
          ->ListRectifications(As("admin").get(), no_period, &no_rectifications)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(SurveyServiceTest, OneRatingPerCaseAcrossChannels) {
  Evaluation first = Rating("device-1", 5, "C-1");
  Evaluation sms = Rating("sms-1", 1, "C-1");
  sms.set_channel(zwfw::v1::EVALUATION_CHANNEL_SMS);
  EXPECT_EQ(Submit({first, sms, first}),
            (std::vector<std::string>{"ACCEPTED", "DUPLICATE", "DUPLICATE"}));
  auto stats = Stats();
  EXPECT_EQ(Department(stats, "qj-gaj").ratings().active(), 1);
  EXPECT_EQ(stats.rectifications().opened(), 0);  // the 1 was not counted
  // Walk-in ratings (no case) are all counted.
  Evaluation walk_in_a = Rating("walk-a", 4);
  walk_in_a.clear_case_no();
  Evaluation walk_in_b = Rating("walk-b", 4);
  walk_in_b.clear_case_no();
  EXPECT_EQ(Submit({walk_in_a, walk_in_b}),
            (std::vector<std::string>{"ACCEPTED", "ACCEPTED"}));
}

TEST_P(SurveyServiceTest, RectificationDueCrossesNationalDayAndAMakeUpDay) {
  now_ = Cst(2020, 10, 1);
  ASSERT_EQ(Submit({Rating("bad-0930", 2, "", Cst(2020, 9, 30, 15)),
                    Rating("bad-0925", 1, "", Cst(2020, 9, 25, 15))}),
            (std::vector<std::string>{"ACCEPTED", "ACCEPTED"}));
  // Oct 1–8 off; Sat Oct 10 worked: 9, 10, 12, 13, 14 October.
  EXPECT_EQ(ToTime(Get("bad-0930").due_at()), Cst(2020, 10, 15, 0));
  // Sun Sep 27 worked: 27, 28, 29, 30 September and 9 October.
  EXPECT_EQ(ToTime(Get("bad-0925").due_at()), Cst(2020, 10, 10, 0));
  EXPECT_EQ(Get("bad-0930").state(),
            zwfw::v1::RECTIFICATION_STATE_PENDING_VERIFICATION);
}

TEST_P(SurveyServiceTest, TheClosedLoop) {
  ASSERT_EQ(Submit({Rating("bad", 2)}), std::vector<std::string>{"ACCEPTED"});
  // The citizen cannot rate a rectification that has not happened.
  Evaluation early = Rating("follow-early", 5);
  early.set_rectified_evaluation_id("bad");
  EXPECT_EQ(Submit({early}),
            std::vector<std::string>{
                "REJECTED FAILED_PRECONDITION rectified_evaluation_id"});

  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_RECTIFIED),
            "FAILED_PRECONDITION");  // not verified yet
  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_RECTIFYING),
            "RECTIFICATION_STATE_RECTIFYING");
  now_ = Cst(2020, 7, 13);
  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_RECTIFIED),
            "RECTIFICATION_STATE_RECTIFIED");
  Evaluation follow_up = Rating("follow-1", 5);
  follow_up.set_rectified_evaluation_id("bad");
  EXPECT_EQ(Submit({follow_up, follow_up}),
            (std::vector<std::string>{"ACCEPTED", "DUPLICATE"}));
  zwfw::v1::Rectification r = Get("bad");
  EXPECT_EQ(r.state(), zwfw::v1::RECTIFICATION_STATE_CLOSED);
  EXPECT_EQ(r.follow_up_rating(), 5);
  EXPECT_FALSE(r.overdue());
  ASSERT_EQ(r.events_size(), 3);
  EXPECT_EQ(r.events(0).by().substr(0, 17), "department:qj-gaj");
  EXPECT_EQ(r.events(0).note(), "窗口已核实");
  now_ = Cst(2020, 8, 20);
  auto stats = Stats();
  // The follow-up is not a second rating of the case.
  EXPECT_EQ(Department(stats, "qj-gaj").ratings().active(), 1);
  EXPECT_EQ(stats.rectifications().closed_on_time(), 1);
  EXPECT_EQ(stats.rectifications().open(), 0);
  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_RECTIFYING),
            "FAILED_PRECONDITION");  // CLOSED is final
}

TEST_P(SurveyServiceTest, AnUpheldAppealVoidsTheRating) {
  ASSERT_EQ(Submit({Rating("bad", 1), Rating("good", 5)}),
            (std::vector<std::string>{"ACCEPTED", "ACCEPTED"}));
  EXPECT_EQ(Rate(Department(Stats(), "qj-gaj").ratings().bad_rate()), "1/2");
  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_APPEALED),
            "RECTIFICATION_STATE_APPEALED");
  // Appeals are decided by the office.
  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD),
            "PERMISSION_DENIED");
  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD, "admin"),
            "RECTIFICATION_STATE_APPEAL_UPHELD");
  auto stats = Stats();
  EXPECT_EQ(Rate(Department(stats, "qj-gaj").ratings().bad_rate()), "0/1");
  EXPECT_EQ(stats.rectifications().voided(), 1);
  EXPECT_EQ(stats.rectifications().open(), 0);
  // The open ones listed are as many as the figure: none, the voided one
  // is still in the full list.
  zwfw::v1::ListRectificationsRequest request;
  zwfw::v1::ListRectificationsResponse listed;
  ASSERT_TRUE(
      stub_->ListRectifications(As("admin").get(), request, &listed).ok());
  EXPECT_EQ(listed.rectifications_size(), 1);
  request.set_open_only(true);
  listed.Clear();
  ASSERT_TRUE(
      stub_->ListRectifications(As("admin").get(), request, &listed).ok());
  EXPECT_EQ(listed.rectifications_size(), 0);
  // The ratings behind the figures: the voided one is not counted, so not
  // listed; levels choose a class.
  zwfw::v1::ListEvaluationsRequest ratings;
  ratings.set_period("2020-07");
  zwfw::v1::ListEvaluationsResponse rated;
  ASSERT_TRUE(stub_->ListEvaluations(As("admin").get(), ratings, &rated).ok());
  ASSERT_EQ(rated.evaluations_size(), 1);
  EXPECT_EQ(rated.evaluations(0).evaluation_id(), "good");
  ratings.add_levels(1);
  ratings.add_levels(2);
  rated.Clear();
  ASSERT_TRUE(stub_->ListEvaluations(As("admin").get(), ratings, &rated).ok());
  EXPECT_EQ(rated.evaluations_size(), 0);
  ratings.add_levels(9);
  grpc::Status bad = stub_->ListEvaluations(As("admin").get(), ratings, &rated);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error_message(), "levels: 9 is not a rating 1–5");
}

TEST_P(SurveyServiceTest, OverdueRectificationsAndTheVersion) {
  now_ = Cst(2020, 7, 10, 12);
  ASSERT_EQ(Submit({Rating("bad", 2)}), std::vector<std::string>{"ACCEPTED"});
  // Due at the end of Fri 17 July.
  auto before = Stats();
  EXPECT_EQ(before.rectifications().overdue(), 0);
  now_ = Cst(2020, 7, 18, 9);
  auto after = Stats();
  EXPECT_EQ(after.rectifications().overdue(), 1);
  EXPECT_NE(after.data_version(), before.data_version());
  zwfw::v1::ListRectificationsRequest request;
  request.set_overdue_only(true);
  zwfw::v1::ListRectificationsResponse listed;
  ASSERT_TRUE(
      stub_->ListRectifications(As("gaj").get(), request, &listed).ok());
  ASSERT_EQ(listed.rectifications_size(), 1);
  // Rectified late stays overdue.
  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_RECTIFYING),
            "RECTIFICATION_STATE_RECTIFYING");
  EXPECT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_RECTIFIED),
            "RECTIFICATION_STATE_RECTIFIED");
  EXPECT_TRUE(Get("bad").overdue());
}

TEST_P(SurveyServiceTest, DepartmentsSeeAndChangeOnlyTheirOwn) {
  Evaluation tax = Rating("tax-bad", 1);
  tax.set_department_code("qj-swj");
  tax.clear_window_code();
  tax.clear_staff_code();
  // A department rates nothing, not even its own cases (rating_sources.h).
  EXPECT_EQ(Submit({tax, Rating("own", 4)}, "gaj"),
            std::vector<std::string>{"error PERMISSION_DENIED"});
  ASSERT_EQ(Submit({tax}, "admin"), std::vector<std::string>{"ACCEPTED"});
  EXPECT_EQ(Update("tax-bad", zwfw::v1::RECTIFICATION_STATE_RECTIFYING),
            "PERMISSION_DENIED");
  zwfw::v1::ListRectificationsRequest request;
  zwfw::v1::ListRectificationsResponse listed;
  ASSERT_TRUE(
      stub_->ListRectifications(As("gaj").get(), request, &listed).ok());
  EXPECT_EQ(listed.rectifications_size(), 0);  // only its own (none)
  request.set_department_code("qj-swj");
  EXPECT_EQ(
      stub_->ListRectifications(As("gaj").get(), request, &listed).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit({Rating("v", 5)}, "viewer"),
            std::vector<std::string>{"error PERMISSION_DENIED"});
  EXPECT_EQ(Submit({Rating("v", 5)}, ""),
            std::vector<std::string>{"error UNAUTHENTICATED"});
  EXPECT_EQ(stub_->ListRectifications(As("device").get(), request, &listed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(SurveyServiceTest, BadRecordsNameTheirField) {
  Evaluation zero = Rating("zero", 0);
  Evaluation six = Rating("six", 6);
  Evaluation nobody = Rating("nobody", 5);
  nobody.set_department_code("区不存在局");
  Evaluation essay = Rating("essay", 5);
  essay.set_comment(std::string(1 << 20, 'x'));
  Evaluation future = Rating("future", 5, "", Cst(2099, 1, 1));
  Evaluation no_channel = Rating("no-channel", 5);
  no_channel.clear_channel();
  Evaluation stranger = Rating("stranger", 5);
  stranger.set_staff_code("qj-s006");  // a tax window's staff
  EXPECT_EQ(Submit({zero, six, nobody, essay, future, no_channel, stranger,
                    Rating("fine", 5)}),
            (std::vector<std::string>{
                "REJECTED INVALID_ARGUMENT rating",
                "REJECTED INVALID_ARGUMENT rating",
                "REJECTED INVALID_ARGUMENT department_code",
                "REJECTED INVALID_ARGUMENT comment",
                "REJECTED INVALID_ARGUMENT evaluated_at",
                "REJECTED INVALID_ARGUMENT channel",
                "REJECTED INVALID_ARGUMENT staff_code", "ACCEPTED"}));
  EXPECT_EQ(Department(Stats(), "qj-gaj").ratings().active(), 1);
  std::vector<Evaluation> too_many(1001, Rating("x", 5));
  EXPECT_EQ(Submit(too_many),
            std::vector<std::string>{"error RESOURCE_EXHAUSTED"});
}

TEST_P(SurveyServiceTest, ReturnVisits) {
  zwfw::v1::RecordReturnVisitsRequest request;
  for (int i = 0; i < 230; ++i) {
    zwfw::v1::ReturnVisit* v = request.add_visits();
    v->set_visit_id(absl::StrCat("v", i));
    v->set_department_code(i % 2 ? "qj-gaj" : "qj-swj");
    v->set_case_no(absl::StrCat("c", i));
    *v->mutable_visited_at() = ToProto(Cst(2020, 7, 20));
    v->set_reached(true);
    v->set_rating(i % 3 ? 5 : 4);
  }
  zwfw::v1::ReturnVisit unreached = request.visits(0);
  unreached.set_visit_id("unreached");
  unreached.set_reached(false);
  unreached.set_rating(0);
  *request.add_visits() = unreached;
  zwfw::v1::ReturnVisit bad = unreached;
  bad.set_visit_id("bad");
  bad.set_rating(3);  // a rating without reaching anyone
  *request.add_visits() = bad;
  zwfw::v1::RecordReturnVisitsResponse response;
  ASSERT_TRUE(
      stub_->RecordReturnVisits(As("admin").get(), request, &response).ok());
  EXPECT_EQ(Outcome(response.results(231)), "REJECTED INVALID_ARGUMENT rating");
  auto stats = Stats();
  EXPECT_EQ(stats.return_visits().made(), 231);
  EXPECT_EQ(stats.return_visits().reached(), 230);
  EXPECT_EQ(Rate(stats.return_visits().satisfaction_rate()), "230/230");
  // Re-recording is a duplicate, not a second visit.
  ASSERT_TRUE(
      stub_->RecordReturnVisits(As("admin").get(), request, &response).ok());
  EXPECT_EQ(Outcome(response.results(0)), "DUPLICATE");
  EXPECT_EQ(Stats().return_visits().made(), 231);
  EXPECT_EQ(stub_->RecordReturnVisits(As("gaj").get(), request, &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The visits behind the figures: as many as each counts; a department
  // sees its own; notes are never listed.
  auto listed = [&](const std::string& token, bool reached, bool satisfied) {
    zwfw::v1::ListReturnVisitsRequest list;
    list.set_period("2020-07");
    list.set_reached_only(reached);
    list.set_satisfied_only(satisfied);
    zwfw::v1::ListReturnVisitsResponse visits;
    grpc::Status s = stub_->ListReturnVisits(As(token).get(), list, &visits);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const auto& v : visits.visits()) EXPECT_TRUE(v.notes().empty());
    return visits.visits_size();
  };
  EXPECT_EQ(listed("admin", false, false), 231);
  EXPECT_EQ(listed("admin", true, false), 230);
  EXPECT_EQ(listed("admin", false, true), 230);
  EXPECT_EQ(listed("gaj", false, false), 115);  // qj-gaj's: the odd ones
  zwfw::v1::ListReturnVisitsRequest no_period;
  zwfw::v1::ListReturnVisitsResponse none;
  EXPECT_EQ(
      stub_->ListReturnVisits(As("admin").get(), no_period, &none).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(SurveyServiceTest, ReturnVisitSatisfactionFollowsTheSatisfiedLevels) {
  zwfw::v1::RecordReturnVisitsRequest request;
  for (int rating : {5, 4, 3, 2}) {
    zwfw::v1::ReturnVisit* v = request.add_visits();
    v->set_visit_id(absl::StrCat("v", rating));
    v->set_department_code("qj-gaj");
    *v->mutable_visited_at() = ToProto(Cst(2020, 7, 20));
    v->set_reached(true);
    v->set_rating(rating);
  }
  zwfw::v1::RecordReturnVisitsResponse response;
  ASSERT_TRUE(
      stub_->RecordReturnVisits(As("admin").get(), request, &response).ok());
  EXPECT_EQ(Rate(Stats().return_visits().satisfaction_rate()), "3/4");
  EXPECT_EQ(Stats().return_visits().satisfied(), 3);

  SurveyOptions strict;
  strict.satisfied_levels = *SatisfiedLevels::Parse("4,5");
  Start(strict);
  EXPECT_EQ(Rate(Stats().return_visits().satisfaction_rate()), "2/4");
  EXPECT_EQ(
      Rate(Department(Stats(), "qj-gaj").return_visits().satisfaction_rate()),
      "2/4");
}

TEST_P(SqliteSurveyTest, VisitsStoredBeforeSchema2AreCountedByRating) {
  // A database of schema 1 (visit counters with a fixed `satisfied`),
  // holding two reached visits rated 5 and 3.
  store_.reset();
  const std::string old_path = testing::FreshDbPath("survey-v1");
  {
    auto db = *Database::Open(old_path);
    ASSERT_TRUE(db->Migrate({SurveyMigrations()[0]}).ok());
    for (int rating : {5, 3}) {
      zwfw::v1::ReturnVisit v;
      v.set_visit_id(absl::StrCat("old", rating));
      v.set_department_code("qj-gaj");
      *v.mutable_visited_at() = ToProto(Cst(2020, 7, 20));
      v.set_reached(true);
      v.set_rating(rating);
      auto insert = *db->Prepare(
          "INSERT INTO return_visits VALUES (?, 'qj-gaj', '2020-07', ?)");
      ASSERT_TRUE(insert.Bind(1, v.visit_id())
                      .BindBlob(2, v.SerializeAsString())
                      .Run()
                      .ok());
    }
    ASSERT_TRUE(db->Exec("INSERT INTO visit_counters VALUES "
                         "('2020-07', 'qj-gaj', 2, 2, 2)")
                    .ok());
  }
  path_ = old_path;
  SurveyOptions strict;
  strict.satisfied_levels = *SatisfiedLevels::Parse("4,5");
  Start(strict);
  EXPECT_EQ(Stats().return_visits().made(), 2);
  EXPECT_EQ(Rate(Stats().return_visits().satisfaction_rate()), "1/2");
  // Once: a second open does not count them again.
  Start(strict);
  EXPECT_EQ(Rate(Stats().return_visits().satisfaction_rate()), "1/2");
}

TEST_P(SurveyServiceTest, July2020ReturnVisitsGive230At100Percent) {
  zwfw::v1::DirectorySnapshot snapshot =
      directory_.Current().value()->snapshot();
  auto cases = seedgen::GenerateJuly2020Cases(snapshot);
  ASSERT_TRUE(cases.ok());
  zwfw::v1::RecordReturnVisitsRequest request;
  for (auto& v : seedgen::July2020ReturnVisits(*cases)) {
    *request.add_visits() = v;
  }
  zwfw::v1::RecordReturnVisitsResponse response;
  ASSERT_TRUE(
      stub_->RecordReturnVisits(As("admin").get(), request, &response).ok());
  auto stats = Stats("2020-07");
  EXPECT_EQ(stats.return_visits().reached(), 230);
  EXPECT_EQ(Rate(stats.return_visits().satisfaction_rate()), "230/230");
}

TEST_P(SurveyServiceTest, AQuarterSumsItsMonthsRatings) {
  ASSERT_EQ(Submit({Rating("jul-good", 5, "", Cst(2020, 7, 10)),
                    Rating("jul-bad", 1, "", Cst(2020, 7, 31)),
                    Rating("aug-good", 4, "", Cst(2020, 8, 2))}),
            (std::vector<std::string>{"ACCEPTED", "ACCEPTED", "ACCEPTED"}));
  auto q3 = Stats("2020-Q3");
  EXPECT_EQ(q3.period(), "2020-Q3");
  EXPECT_EQ(Department(q3, "qj-gaj").ratings().active(), 3);
  EXPECT_EQ(Rate(q3.total().satisfaction_rate()), "2/3");
  EXPECT_EQ(q3.rectifications().opened(), 1);
  EXPECT_EQ(Department(Stats("2020-07"), "qj-gaj").ratings().active(), 2);
  EXPECT_EQ(Department(Stats("2020"), "qj-gaj").ratings().active(), 3);
  EXPECT_EQ(Department(Stats("2020-Q2"), "qj-gaj").ratings().active(), 0);
  // Its rectifications are listed by the same periods.
  for (const auto& [period, listed] : std::vector<std::pair<std::string, int>>{
           {"2020-Q3", 1}, {"2020-H2", 1}, {"2020-Q2", 0}, {"2020-08", 0}}) {
    zwfw::v1::ListRectificationsRequest list;
    list.set_period(period);
    zwfw::v1::ListRectificationsResponse rectifications;
    ASSERT_TRUE(
        stub_->ListRectifications(As("admin").get(), list, &rectifications)
            .ok());
    EXPECT_EQ(rectifications.rectifications_size(), listed) << period;
  }

  zwfw::v1::GetSatisfactionStatsRequest request;
  request.set_period("2020-Q9");
  zwfw::v1::GetSatisfactionStatsResponse response;
  grpc::Status s =
      stub_->GetSatisfactionStats(As("viewer").get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("a half year (2023-H1)"), std::string::npos)
      << s.error_message();
}

TEST_P(SurveyServiceTest, EverythingSurvivesARestart) {
  ASSERT_EQ(Submit({Rating("bad", 2), Rating("good", 5)}),
            (std::vector<std::string>{"ACCEPTED", "ACCEPTED"}));
  ASSERT_EQ(Update("bad", zwfw::v1::RECTIFICATION_STATE_RECTIFYING),
            "RECTIFICATION_STATE_RECTIFYING");
  auto before = Stats();
  Start(SurveyOptions());
  EXPECT_EQ(Stats().SerializeAsString(), before.SerializeAsString());
  EXPECT_EQ(Get("bad").state(), zwfw::v1::RECTIFICATION_STATE_RECTIFYING);
}

// The attacks of the trust issue, each refused.

// A department rated its own cases 5 before the citizen could: the real
// rating then came back DUPLICATE and no rectification opened.
TEST_P(SurveyServiceTest, ADepartmentCannotPreemptTheCitizensRating) {
  EXPECT_EQ(Submit({Rating("pre", 5, "C-7")}, "gaj"),
            std::vector<std::string>{"error PERMISSION_DENIED"});
  Evaluation citizen = Rating("citizen", 1, "C-7");
  citizen.set_channel(zwfw::v1::EVALUATION_CHANNEL_SMS);
  EXPECT_EQ(Submit({citizen}, "online"), std::vector<std::string>{"ACCEPTED"});
  EXPECT_EQ(Stats().rectifications().opened(), 1);
}

// A window device was bound to nothing: it could rate any department.
TEST_P(SurveyServiceTest, AWindowDeviceRatesOnlyForItsWindow) {
  Evaluation tax = Rating("tax", 5, "T-1");
  tax.set_department_code("qj-swj");
  tax.clear_window_code();
  tax.clear_staff_code();
  Evaluation other_window = Rating("w02", 5);
  other_window.set_window_code("qj-w02");
  other_window.clear_staff_code();
  Evaluation bare = Rating("bare", 4);
  bare.clear_department_code();
  bare.clear_window_code();
  bare.clear_staff_code();
  EXPECT_EQ(Submit({tax, other_window, bare}),
            (std::vector<std::string>{
                "REJECTED PERMISSION_DENIED department_code",
                "REJECTED PERMISSION_DENIED window_code", "ACCEPTED"}));
  // The bare rating took its department and window from the token.
  auto stats = Stats();
  EXPECT_EQ(Department(stats, "qj-gaj").ratings().active(), 1);
  ASSERT_EQ(stats.windows_size(), 1);
  EXPECT_EQ(stats.windows(0).window_code(), "qj-w01");
  // A bare `evaluator` token is refused unless a flag allows it.
  EXPECT_EQ(Submit({Rating("legacy", 5)}, "legacy"),
            std::vector<std::string>{"error UNAUTHENTICATED"});
}

// Channels rate cases intake knows, of the department named, after their
// acceptance; one lookup a batch, not one a rating.
TEST_P(SurveyServiceTest, ChannelsRateOnlyCasesIntakeKnows) {
  Evaluation known = Rating("known", 5, "C-1");
  Evaluation unknown = Rating("unknown", 5, "unknown-1");
  Evaluation early = Rating("early", 5, "C-2", Cst(2020, 5, 20));
  Evaluation walk_in = Rating("walk-in", 5);
  walk_in.clear_case_no();
  for (Evaluation* e : {&known, &unknown, &early, &walk_in}) {
    e->set_channel(zwfw::v1::EVALUATION_CHANNEL_ONLINE);
    e->clear_window_code();
    e->clear_staff_code();
  }
  now_ = Cst(2020, 7, 20);
  EXPECT_EQ(Submit({known, unknown, early, walk_in}, "online"),
            (std::vector<std::string>{
                "ACCEPTED", "REJECTED FAILED_PRECONDITION case_no",
                "REJECTED FAILED_PRECONDITION evaluated_at",
                "REJECTED PERMISSION_DENIED case_no"}));
  EXPECT_EQ(case_facts_.calls, 1);
  // The office's own imports are not looked up.
  EXPECT_EQ(Submit({Rating("import", 5, "unknown-2")}, "admin"),
            std::vector<std::string>{"ACCEPTED"});
  EXPECT_EQ(case_facts_.calls, 1);
}

// A window device could submit thousands of walk-in 5s a day.
TEST_P(SurveyServiceTest, WalkInRatingsAreCappedPerWindowAndDay) {
  SurveyOptions capped;
  capped.walk_in_daily_cap = 2;
  Start(capped);
  auto walk_in = [](const std::string& id, absl::Time at) {
    Evaluation e = Rating(id, 5, "", at);
    e.clear_case_no();
    return e;
  };
  EXPECT_EQ(Submit({walk_in("a", Cst(2020, 7, 3, 9)),
                    walk_in("b", Cst(2020, 7, 3, 10)),
                    walk_in("c", Cst(2020, 7, 3, 23, 50)),
                    walk_in("d", Cst(2020, 7, 4, 0, 10))}),
            (std::vector<std::string>{"ACCEPTED", "ACCEPTED",
                                      "REJECTED RESOURCE_EXHAUSTED case_no",
                                      "ACCEPTED"}));
  // Not counted twice when re-sent, and the cap outlives a restart.
  Start(capped);
  EXPECT_EQ(Submit({walk_in("a", Cst(2020, 7, 3, 9)),
                    walk_in("e", Cst(2020, 7, 3, 11))}),
            (std::vector<std::string>{"DUPLICATE",
                                      "REJECTED RESOURCE_EXHAUSTED case_no"}));
  EXPECT_EQ(Department(Stats(), "qj-gaj").ratings().active(), 3);
}

// A window device could back-date ratings into a month already published.
TEST_P(SurveyServiceTest, APublishedMonthTakesNoMoreRatingsOrVisits) {
  ASSERT_EQ(Submit({Rating("before", 5)}),
            std::vector<std::string>{"ACCEPTED"});
  zwfw::v1::ClosePeriodRequest close;
  close.set_period("2020-07");
  zwfw::v1::ClosePeriodResponse closed;
  EXPECT_EQ(stub_->ClosePeriod(As("gaj").get(), close, &closed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->ClosePeriod(As("admin").get(), close, &closed).ok());
  EXPECT_TRUE(closed.newly_closed());
  ASSERT_TRUE(stub_->ClosePeriod(As("admin").get(), close, &closed).ok());
  EXPECT_FALSE(closed.newly_closed());
  close.set_period("July");
  EXPECT_EQ(stub_->ClosePeriod(As("admin").get(), close, &closed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  EXPECT_EQ(Submit({Rating("late", 1, "", Cst(2020, 7, 31, 16)),
                    Rating("august", 4, "", Cst(2020, 8, 1, 9))}),
            (std::vector<std::string>{
                "REJECTED FAILED_PRECONDITION evaluated_at", "ACCEPTED"}));
  EXPECT_EQ(
      Submit({Rating("import", 1, "", Cst(2020, 7, 2))}, "admin"),
      std::vector<std::string>{"REJECTED FAILED_PRECONDITION evaluated_at"});
  zwfw::v1::RecordReturnVisitsRequest visits;
  zwfw::v1::ReturnVisit* v = visits.add_visits();
  v->set_visit_id("v");
  v->set_department_code("qj-gaj");
  *v->mutable_visited_at() = ToProto(Cst(2020, 7, 20));
  zwfw::v1::RecordReturnVisitsResponse recorded;
  ASSERT_TRUE(
      stub_->RecordReturnVisits(As("admin").get(), visits, &recorded).ok());
  EXPECT_EQ(Outcome(recorded.results(0)),
            "REJECTED FAILED_PRECONDITION visited_at");
  auto july = Stats();
  EXPECT_EQ(Department(july, "qj-gaj").ratings().active(), 1);
  EXPECT_EQ(july.return_visits().made(), 0);
}

// Every evaluation keeps who submitted it (role and token id, never the
// token); a submitted_by in the request is not taken.
TEST_P(SqliteSurveyTest, EveryEvaluationKeepsWhoSubmittedIt) {
  Evaluation claimed = Rating("claimed", 5);
  claimed.set_submitted_by("admin 00000000");
  ASSERT_EQ(Submit({claimed}), std::vector<std::string>{"ACCEPTED"});
  store_.reset();
  server_.reset();
  auto db = *Database::Open(path_);
  auto read = *db->Prepare(
      "SELECT record FROM evaluations WHERE evaluation_id = 'claimed'");
  ASSERT_TRUE(*read.Step());
  Evaluation stored;
  ASSERT_TRUE(stored.ParseFromString(read.ColumnText(0)));
  EXPECT_EQ(
      stored.submitted_by(),
      absl::StrCat("evaluator:qj-w01 ", Sha256Hex("device").substr(0, 8)));
}

// SQLite's I/O-error tests for survey: a bad rating taken through 整改中
// and 已整改 while the Nth open, write, sync or lock of the store fails
// (every N and failure, transient and persistent). Each change is either
// answered with its new state or refused as UNAVAILABLE or
// RESOURCE_EXHAUSTED naming the store; once the fault clears the rest of
// the changes go through; after a restart the rectification is RECTIFIED
// with each change in its history exactly once.
TEST_P(SqliteSurveyTest, StorageFaultsLoseNoAcknowledgedRectification) {
  const std::vector<RectificationState> steps = {
      zwfw::v1::RECTIFICATION_STATE_RECTIFYING,
      zwfw::v1::RECTIFICATION_STATE_RECTIFIED};
  auto step_of = [&](RectificationState state) {
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i] == state) return static_cast<int>(i) + 1;
    }
    return 0;
  };
  int trial = 0;
  int faults = 0;
  const int trials = testing::FaultWalk::Run([&](testing::FaultWalk& walk) {
    SCOPED_TRACE(walk.Describe());
    path_ = testing::FreshDbPath(absl::StrCat("fault-", ++trial));
    Start(SurveyOptions());
    now_ = Cst(2020, 7, 10, 12);
    ASSERT_EQ(Submit({Rating("bad", 2)}), std::vector<std::string>{"ACCEPTED"});
    const std::string file = path_.substr(path_.rfind('/') + 1);

    walk.Begin();
    int acknowledged = 0;  // steps answered with their new state
    for (RectificationState step : steps) {
      zwfw::v1::UpdateRectificationRequest request;
      request.set_evaluation_id("bad");
      request.set_state(step);
      request.set_note("窗口已核实");
      zwfw::v1::UpdateRectificationResponse response;
      grpc::Status s =
          stub_->UpdateRectification(As("gaj").get(), request, &response);
      if (s.ok()) {
        EXPECT_EQ(response.rectification().state(), step);
        ++acknowledged;
        continue;
      }
      EXPECT_TRUE(s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                  s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
          << s.error_message();
      EXPECT_NE(s.error_message().find(file), std::string::npos)
          << s.error_message();
      break;
    }
    walk.End();
    if (walk.injected()) ++faults;

    // Serving again: at least what was acknowledged, then the rest.
    const int reached = step_of(Get("bad").state());
    EXPECT_GE(reached, acknowledged);
    for (size_t i = reached; i < steps.size(); ++i) {
      EXPECT_EQ(Update("bad", steps[i]), RectificationState_Name(steps[i]));
    }

    // After a restart: RECTIFIED, each change recorded once.
    Start(SurveyOptions());
    const zwfw::v1::Rectification r = Get("bad");
    EXPECT_EQ(r.state(), zwfw::v1::RECTIFICATION_STATE_RECTIFIED);
    EXPECT_TRUE(r.has_rectified_at());
    for (RectificationState step : steps) {
      int recorded = 0;
      for (const auto& e : r.events()) recorded += e.to() == step ? 1 : 0;
      EXPECT_EQ(recorded, 1) << RectificationState_Name(step);
    }
  });
  std::printf("storage fault walk (survey): %d trials, %d with a fault\n",
              trials, faults);
  EXPECT_GT(faults, 10);
}

// Two replicas of survey on one PostgreSQL database take the same ratings
// at the same moment, and walk-in ratings of one window past its cap: each
// rating is ACCEPTED by one replica and DUPLICATE at the other, the cap
// holds across both, the counters count each rating once, and the audit
// chain is whole.
TEST(SurveyReplicasTest, TwoReplicasDecideEachRatingOnce) {
  std::optional<PgOptions> pg = testing::SharedPostgres("survey_replicas");
  if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
  absl::StatusOr<std::unique_ptr<PgSurveyStore>> stores[2] = {
      PgSurveyStore::Open(*pg), PgSurveyStore::Open(*pg)};
  for (auto& store : stores) ASSERT_TRUE(store.ok()) << store.status();
  constexpr int kRatings = 40, kCap = 5;
  std::vector<PreparedEvaluation> cased, walk_ins[2];
  for (int i = 0; i < kRatings; ++i) {
    PreparedEvaluation& p = cased.emplace_back();
    p.evaluation.set_evaluation_id(absl::StrCat("e", i));
    p.evaluation.set_department_code("qj-gaj");
    p.evaluation.set_case_no(absl::StrCat("case-", i));
    p.evaluation.set_rating(i % 5 == 0 ? 1 : 5);  // every fifth is bad
    *p.evaluation.mutable_evaluated_at() = ToProto(Cst(2020, 7, 10));
    p.rectification_due = Cst(2020, 7, 17);
  }
  for (int replica = 0; replica < 2; ++replica) {
    for (int i = 0; i < kCap; ++i) {
      PreparedEvaluation& p = walk_ins[replica].emplace_back();
      p.evaluation.set_evaluation_id(absl::StrCat("walk-", replica, "-", i));
      p.evaluation.set_department_code("qj-gaj");
      p.evaluation.set_window_code("qj-w01");
      p.evaluation.set_rating(5);
      *p.evaluation.mutable_evaluated_at() = ToProto(Cst(2020, 7, 10));
      p.walk_in_day = "2020-07-10";
      p.walk_in_cap = kCap;
    }
  }
  absl::StatusOr<std::vector<WriteResult>> results[2], walk_results[2];
  std::vector<std::thread> replicas;
  for (int i = 0; i < 2; ++i) {
    replicas.emplace_back([&, i] {
      // One at a time, so the two replicas interleave record by record.
      std::vector<WriteResult> mine;
      for (const PreparedEvaluation& p : cased) {
        absl::StatusOr<std::vector<WriteResult>> one =
            (*stores[i])->WriteEvaluations({p}, "device", Cst(2020, 7, 10));
        if (!one.ok()) {
          results[i] = one.status();
          return;
        }
        mine.push_back(one->front());
      }
      results[i] = std::move(mine);
      walk_results[i] =
          (*stores[i])
              ->WriteEvaluations(walk_ins[i], "device", Cst(2020, 7, 10));
    });
  }
  for (std::thread& t : replicas) t.join();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status();
    ASSERT_TRUE(walk_results[i].ok()) << walk_results[i].status();
  }
  for (int i = 0; i < kRatings; ++i) {
    const auto a = (*results[0])[i].outcome, b = (*results[1])[i].outcome;
    EXPECT_TRUE((a == zwfw::v1::RECORD_OUTCOME_ACCEPTED &&
                 b == zwfw::v1::RECORD_OUTCOME_DUPLICATE) ||
                (b == zwfw::v1::RECORD_OUTCOME_ACCEPTED &&
                 a == zwfw::v1::RECORD_OUTCOME_DUPLICATE))
        << "rating " << i;
  }
  int walk_ins_taken = 0;
  for (const auto& r : walk_results) {
    for (const WriteResult& w : *r) {
      walk_ins_taken += w.outcome == zwfw::v1::RECORD_OUTCOME_ACCEPTED;
    }
  }
  EXPECT_EQ(walk_ins_taken, kCap);

  absl::StatusOr<SurveyMonth> month =
      (*stores[1])->ReadMonth(*Period::Parse("2020-07"), Cst(2020, 7, 11));
  ASSERT_TRUE(month.ok()) << month.status();
  const RatingCounts& gaj = month->departments["qj-gaj"];
  EXPECT_EQ(gaj.active[0], kRatings / 5);
  EXPECT_EQ(gaj.active[4], kRatings - kRatings / 5 + kCap);
  EXPECT_EQ(month->rectifications["qj-gaj"].opened, kRatings / 5);
  PgAuditTrail trail(&(*stores[0])->database());
  absl::StatusOr<AuditVerdict> verdict = trail.Verify();
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_TRUE(verdict->problem.empty()) << verdict->problem;
}

}  // namespace
}  // namespace zwfw::survey

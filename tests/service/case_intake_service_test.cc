// CaseIntake served in-process over the real stores, SQLite and
// PostgreSQL with the same assertions, with a clock the test sets.
#include "services/intake/case_intake_service.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/indicators.h"
#include "services/common/period.h"
#include "services/common/sqlite.h"
#include "services/common/status.h"
#include "services/intake/case_rules.h"
#include "services/intake/pg_intake_store.h"
#include "services/intake/sqlite_case_store.h"
#include "services/intake/sqlite_directory_store.h"
#include "tests/testing/case_fixtures.h"
#include "tests/testing/faulty_vfs.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/shared_postgres.h"
#include "tests/testing/test_util.h"
#include "tools/seedgen/reference_cases.h"

namespace zwfw::intake {
namespace {

using zwfw::testing::As;
using zwfw::testing::Cst;
using zwfw::testing::QijiangDirectory;
using zwfw::v1::Case;
using zwfw::v1::CaseIntake;

std::string Outcome(const zwfw::v1::RecordResult& r) {
  std::string s = zwfw::v1::RecordOutcome_Name(r.outcome()).substr(15);
  if (r.outcome() == zwfw::v1::RECORD_OUTCOME_REJECTED) {
    absl::StrAppend(&s, " ", StatusCodeName(r.code()), " ", r.field());
  }
  return s;
}

// Every test on both stores, with the same assertions.
class CaseIntakeTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == testing::Backend::kPostgres) {
      pg_ = testing::SharedPostgres("intake");
      if (!pg_) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
    }
    path_ = testing::FreshDbPath("case-intake");
    tokens_ = testing::TokensFor({{"admin", "admin"},
                                  {"viewer", "viewer"},
                                  {"gaj", "department:qj-gaj"},
                                  {"service", "service"}});
    calendar_ = std::make_unique<Calendar>(
        *Calendar::LoadDirectory(ZWFW_SOURCE_DIR "/deploy/calendar"));
    ImportDirectory();
    absl::Status started = StartIntake();
    ASSERT_TRUE(started.ok()) << started;
  }

  void TearDown() override { server_.reset(); }

  // The directory (with one five-day item more) into the test's store.
  void ImportDirectory() {
    if (pg_) {
      directory_store_ = *PgIntakeStore::Open(*pg_);
    } else {
      directory_store_ = *SqliteDirectoryStore::Open(path_);
    }
    catalog_ = *DirectoryCatalog::Open(directory_store_.get());
    zwfw::v1::DirectorySnapshot directory = QijiangDirectory();
    auto* item = directory.add_service_items();
    item->set_code("five-days");
    item->set_name("五个工作日的事项");
    item->set_department_code("qj-gaj");
    item->set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
    item->set_kind(zwfw::v1::ITEM_KIND_PROMISED);
    item->set_promised_days(5);
    ASSERT_TRUE(
        catalog_->Import(directory, {"admin test", "ImportDirectory"}).ok());
  }

  // The case store (path_, or the PostgreSQL schema) and the service over
  // it.
  absl::Status StartIntake() {
    if (pg_) {
      absl::StatusOr<std::unique_ptr<PgIntakeStore>> store =
          PgIntakeStore::Open(*pg_);
      if (!store.ok()) return store.status();
      transactions_ = [s = store->get()] { return s->transactions(); };
      store_ = *std::move(store);
    } else {
      absl::StatusOr<std::unique_ptr<SqliteCaseStore>> store =
          SqliteCaseStore::Open(path_);
      if (!store.ok()) return store.status();
      transactions_ = [s = store->get()] { return s->transactions(); };
      store_ = *std::move(store);
    }
    CaseIntakeOptions options;
    options.max_batch = 5000;
    options.now = [this] { return now_; };
    service_ = std::make_unique<CaseIntakeService>(
        catalog_.get(), calendar_.get(), store_.get(), tokens_.get(), options);
    server_ =
        std::make_unique<testing::InProcessServer>(service_.get(), 16 << 20);
    stub_ = CaseIntake::NewStub(server_->channel());
    return absl::OkStatus();
  }

  // Everything but the directory, as a server stopping does.
  void StopIntake() {
    server_.reset();
    stub_.reset();
    service_.reset();
    store_.reset();
  }

  // A completed center approval case of the police (qj-gaj).
  static Case Police(const std::string& no, absl::Time accepted) {
    return testing::CompletedCenterCase("qj-gaj", no, accepted);
  }

  static Case Open(Case c) {
    c.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
    c.clear_completed_at();
    c.set_completed_in_center(false);
    return c;
  }

  // Streams the cases in batches; the outcomes in record order.
  // `raw`, when given, receives the results themselves.
  std::vector<std::string> Submit(
      const std::vector<Case>& cases, const std::string& token = "admin",
      size_t batch = 5000, grpc::Status* status = nullptr,
      std::vector<zwfw::v1::RecordResult>* raw = nullptr) {
    auto context = As(token);
    auto stream = stub_->SubmitCases(context.get());
    uint64_t id = 0;
    for (size_t i = 0; i < cases.size(); i += batch) {
      zwfw::v1::SubmitCasesRequest request;
      request.set_batch_id(++id);
      for (size_t k = i; k < std::min(cases.size(), i + batch); ++k) {
        *request.add_cases() = cases[k];
      }
      if (!stream->Write(request)) break;
    }
    stream->WritesDone();
    std::vector<std::string> outcomes;
    zwfw::v1::SubmitCasesResponse ack;
    uint64_t expected = 0;
    while (stream->Read(&ack)) {
      EXPECT_EQ(ack.batch_id(), ++expected);  // acks come in order
      for (const auto& r : ack.results()) {
        outcomes.push_back(Outcome(r));
        if (raw != nullptr) raw->push_back(r);
      }
    }
    grpc::Status s = stream->Finish();
    if (status)
      *status = s;
    else
      EXPECT_TRUE(s.ok()) << s.error_message();
    return outcomes;
  }

  std::string Upsert(const Case& c, const std::string& token = "admin",
                     Case* stored = nullptr) {
    zwfw::v1::UpsertCaseRequest request;
    *request.mutable_case_() = c;
    zwfw::v1::UpsertCaseResponse response;
    grpc::Status s = stub_->UpsertCase(As(token).get(), request, &response);
    if (!s.ok()) {
      return absl::StrCat(StatusCodeName(s.error_code()), ": ",
                          s.error_message());
    }
    if (stored) *stored = response.case_();
    return Outcome(response.result());
  }

  zwfw::v1::GetCaseStatsResponse Stats(const std::string& period) {
    zwfw::v1::GetCaseStatsRequest request;
    request.set_period(period);
    zwfw::v1::GetCaseStatsResponse response;
    grpc::Status s =
        stub_->GetCaseStats(As("viewer").get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  // GetCaseSums of the measures, given in text format ("basis: ... filter
  // {...}" each).
  zwfw::v1::GetCaseSumsResponse Sums(const std::string& period,
                                     const std::vector<std::string>& measures,
                                     grpc::Status* status = nullptr) {
    zwfw::v1::GetCaseSumsRequest request;
    request.set_period(period);
    for (const std::string& m : measures) {
      *request.add_measures() =
          testing::ParseTextProto<zwfw::v1::CaseMeasure>(m);
    }
    zwfw::v1::GetCaseSumsResponse response;
    grpc::Status s = stub_->GetCaseSums(As("viewer").get(), request, &response);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return response;
  }

  static const zwfw::v1::DepartmentCaseStats* Row(
      const zwfw::v1::GetCaseStatsResponse& stats, const std::string& code) {
    for (const auto& row : stats.departments()) {
      if (row.department_code() == code) return &row;
    }
    return nullptr;
  }

  std::string path_;             // the SQLite file (and the tokens' folder)
  std::optional<PgOptions> pg_;  // or the PostgreSQL schema
  absl::Time now_ = Cst(2020, 10, 20);
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<Calendar> calendar_;
  std::unique_ptr<DirectoryStore> directory_store_;
  std::unique_ptr<DirectoryCatalog> catalog_;
  std::unique_ptr<CaseStore> store_;
  std::function<int64_t()> transactions_;  // the store's commits so far
  std::unique_ptr<CaseIntakeService> service_;
  std::unique_ptr<testing::InProcessServer> server_;
  std::unique_ptr<CaseIntake::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Stores, CaseIntakeTest, testing::kEveryBackend,
                         testing::BackendName);

// Tests of the SQLite file itself: its I/O faults.
class SqliteCaseIntakeTest : public CaseIntakeTest {};
INSTANTIATE_TEST_SUITE_P(Stores, SqliteCaseIntakeTest,
                         ::testing::Values(testing::Backend::kSqlite),
                         testing::BackendName);

TEST_P(CaseIntakeTest, TheJuly2020AttachmentTableComesBackRowForRow) {
  auto cases = seedgen::GenerateJuly2020Cases(QijiangDirectory());
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_EQ(cases->size(), 84781u);
  std::vector<std::string> outcomes = Submit(*cases);
  ASSERT_EQ(outcomes.size(), cases->size());
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), "ACCEPTED"), 84781);

  zwfw::v1::GetCaseStatsResponse stats = Stats("2020-07");
  ASSERT_EQ(stats.departments_size(), 34);
  std::shared_ptr<const DirectoryIndex> directory = catalog_->Current();
  for (const seedgen::ReferenceRow& expected : seedgen::July2020Rows()) {
    const auto* department = directory->FindDepartment(expected.department);
    ASSERT_NE(department, nullptr) << expected.department;
    const auto* row = Row(stats, department->code());
    ASSERT_NE(row, nullptr);
    const auto& a = row->approval();
    EXPECT_EQ(
        std::vector<int64_t>({a.total(), a.instant(), a.center(),
                              a.department_site(), a.grassroots(), a.online()}),
        std::vector<int64_t>({expected.total, expected.instant, expected.center,
                              expected.department_site, expected.grassroots,
                              expected.online}))
        << expected.department;
  }
  const auto& t = stats.approval_total();
  seedgen::ReferenceRow total = seedgen::July2020Total();
  EXPECT_EQ(
      std::vector<int64_t>({t.total(), t.instant(), t.center(),
                            t.department_site(), t.grassroots(), t.online()}),
      std::vector<int64_t>({total.total, total.instant, total.center,
                            total.department_site, total.grassroots,
                            total.online}));
  EXPECT_EQ(stats.convenience_total().total(), 17427);
  EXPECT_EQ(stats.approval_total().total() + stats.convenience_total().total(),
            84781);
  EXPECT_EQ(stats.center_handled(), 55306);
  EXPECT_EQ(stats.center_same_day(), 52740);
  EXPECT_EQ(stats.center_completed(), 55109);
  // The departments without cases are there, with zeros.
  for (const char* name : {"区委办", "区委宣传部", "区委统战部", "区网信办",
                           "区科技局", "区气象局", "区商务委"}) {
    const auto* row = Row(stats, directory->FindDepartment(name)->code());
    ASSERT_NE(row, nullptr) << name;
    EXPECT_EQ(row->approval().total() + row->convenience().total(), 0);
  }
  // Overtime: 区人力社保局 5; 区发展改革委, 区城市管理局 1.
  auto overtime = [&](const std::string& name) {
    const auto* row = Row(stats, directory->FindDepartment(name)->code());
    return row->approval().overtime() + row->convenience().overtime();
  };
  EXPECT_EQ(overtime("区人力社保局"), 5);
  EXPECT_EQ(overtime("区发展改革委"), 1);
  EXPECT_EQ(overtime("区城市管理局"), 1);
  EXPECT_EQ(stats.approval_total().overtime(), 7);

  // Sending everything again changes nothing, not even the version.
  outcomes = Submit(*cases);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), "DUPLICATE"), 84781);
  zwfw::v1::GetCaseStatsResponse again = Stats("2020-07");
  EXPECT_EQ(again.SerializeAsString(), stats.SerializeAsString());
}

TEST_P(CaseIntakeTest, MonthsAreChinaStandardTimeMonths) {
  EXPECT_EQ(Upsert(Police("late-july", Cst(2020, 7, 31, 23, 30))), "ACCEPTED");
  EXPECT_EQ(Upsert(Police("early-aug", Cst(2020, 8, 1, 0, 0))), "ACCEPTED");
  EXPECT_EQ(Row(Stats("2020-07"), "qj-gaj")->approval().total(), 1);
  EXPECT_EQ(Row(Stats("2020-08"), "qj-gaj")->approval().total(), 1);
}

TEST_P(CaseIntakeTest, LongerPeriodsAreTheSumsOfTheirMonths) {
  // Edges in China Standard Time: the last half hour of June is Q2 and H1,
  // the first minute of July is Q3 and H2.
  EXPECT_EQ(Upsert(Police("mar", Cst(2020, 3, 31, 23, 30))), "ACCEPTED");
  EXPECT_EQ(Upsert(Police("apr", Cst(2020, 4, 1, 0, 0))), "ACCEPTED");
  EXPECT_EQ(Upsert(Police("may", Cst(2020, 5, 15, 10, 0))), "ACCEPTED");
  EXPECT_EQ(Upsert(Open(Police("jun", Cst(2020, 6, 30, 23, 30)))), "ACCEPTED");
  EXPECT_EQ(Upsert(Police("jul", Cst(2020, 7, 1, 0, 0))), "ACCEPTED");
  auto total = [&](const std::string& period) {
    zwfw::v1::GetCaseStatsResponse stats = Stats(period);
    EXPECT_EQ(stats.period(), period);
    const auto* row = Row(stats, "qj-gaj");
    return row == nullptr ? -1 : row->approval().total();
  };
  EXPECT_EQ(total("2020-Q1"), 1);
  EXPECT_EQ(total("2020-Q2"), 3);
  EXPECT_EQ(total("2020-Q3"), 1);
  EXPECT_EQ(total("2020-H1"), 4);
  EXPECT_EQ(total("2020-H2"), 1);
  EXPECT_EQ(total("2020"), 5);
  zwfw::v1::GetCaseStatsResponse q2 = Stats("2020-Q2");
  EXPECT_EQ(q2.approval_total().completed(), 2);
  EXPECT_EQ(q2.approval_total().total(), 3);

  // The quarter's version moves with any of its months', and a month's is
  // its own, as before.
  const int64_t before = q2.data_version();
  const int64_t may = Stats("2020-05").data_version();
  EXPECT_EQ(Upsert(Police("may-2", Cst(2020, 5, 16, 10, 0))), "ACCEPTED");
  EXPECT_NE(Stats("2020-Q2").data_version(), before);
  EXPECT_NE(Stats("2020-05").data_version(), may);
  EXPECT_EQ(Stats("2020-Q2").data_version(), Stats("2020-Q2").data_version());
}

TEST_P(CaseIntakeTest, BadPeriodsNameTheAcceptedForms) {
  for (const char* bad : {"2020-Q5", "2020-7", "2020-H0", "20"}) {
    zwfw::v1::GetCaseStatsRequest request;
    request.set_period(bad);
    zwfw::v1::GetCaseStatsResponse response;
    grpc::Status s =
        stub_->GetCaseStats(As("viewer").get(), request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_NE(s.error_message().find("a quarter (2023-Q2), a half year "
                                     "(2023-H1) or a year (2023)"),
              std::string::npos)
        << s.error_message();
  }
}

// The cells agree with the month counters wherever both count the same
// thing, department by department, for the July 2020 data.
TEST_P(CaseIntakeTest, CaseSumsAgreeWithTheMonthCounters) {
  auto cases = seedgen::GenerateJuly2020Cases(QijiangDirectory());
  ASSERT_TRUE(cases.ok()) << cases.status();
  Submit(*cases);
  const zwfw::v1::GetCaseStatsResponse stats = Stats("2020-07");
  const zwfw::v1::GetCaseSumsResponse sums = Sums(
      "2020-07",
      {"basis: CASE_TIME_BASIS_ACCEPTED",
       "basis: CASE_TIME_BASIS_ACCEPTED filter { sites: HANDLING_SITE_CENTER }",
       "basis: CASE_TIME_BASIS_ACCEPTED filter { statuses: "
       "CASE_STATUS_COMPLETED }",
       "basis: CASE_TIME_BASIS_ACCEPTED filter { online: true categories: "
       "ITEM_CATEGORY_APPROVAL }",
       "basis: CASE_TIME_BASIS_DUE",
       "basis: CASE_TIME_BASIS_ACCEPTED filter { instant: true }"});
  EXPECT_EQ(sums.data_version(), stats.data_version());
  ASSERT_EQ(sums.departments_size(), stats.departments_size());
  for (int i = 0; i < stats.departments_size(); ++i) {
    const auto& row = stats.departments(i);
    const auto& a = row.approval();
    const auto& c = row.convenience();
    const auto& got = sums.departments(i);
    ASSERT_EQ(got.department_code(), row.department_code());
    ASSERT_EQ(got.sums_size(), 6);
    EXPECT_EQ(got.sums(0).cases(), a.total() + c.total())
        << got.department_code();
    EXPECT_EQ(got.sums(1).cases(), a.center() + c.center());
    EXPECT_EQ(got.sums(1).same_day(),
              a.center_same_day() + c.center_same_day());
    EXPECT_EQ(got.sums(2).cases(), a.completed() + c.completed());
    EXPECT_EQ(got.sums(3).cases(), a.online());
    EXPECT_EQ(got.sums(4).late() + got.sums(4).open_overdue(),
              a.overtime() + c.overtime())
        << got.department_code();
    EXPECT_EQ(got.sums(5).cases(), a.instant() + c.instant());
  }
  EXPECT_EQ(sums.totals(0).cases(), 84781);
  EXPECT_EQ(sums.totals(1).same_day(), 52740);  // 中心当日办结
  EXPECT_EQ(sums.totals(4).late() + sums.totals(4).open_overdue(), 7);
}

// The cases behind a figure: ListCases of a basis and filter lists as many
// cases as GetCaseSums counts, however the filter thins the pages.
TEST_P(CaseIntakeTest, TheCasesBehindAFigureAreAsManyAsItCounts) {
  auto cases = seedgen::GenerateJuly2020Cases(QijiangDirectory());
  ASSERT_TRUE(cases.ok()) << cases.status();
  Submit(*cases);
  struct Figure {
    std::string period, measure, basis, filter;
  };
  for (const Figure& f : {
           Figure{"2020-07",
                  "basis: CASE_TIME_BASIS_ACCEPTED filter { online: true }",
                  "CASE_TIME_BASIS_ACCEPTED", "online: true"},
           Figure{"2020-Q3",
                  "basis: CASE_TIME_BASIS_COMPLETED filter { sites: "
                  "HANDLING_SITE_GRASSROOTS }",
                  "CASE_TIME_BASIS_COMPLETED",
                  "sites: HANDLING_SITE_GRASSROOTS"},
           Figure{"2020-Q3", "basis: CASE_TIME_BASIS_DUE",
                  "CASE_TIME_BASIS_DUE", ""},
       }) {
    const int64_t counted = Sums(f.period, {f.measure}).totals(0).cases();
    EXPECT_GT(counted, 0) << f.measure;
    zwfw::v1::ListCasesRequest request;
    request.set_period(f.period);
    zwfw::v1::CaseTimeBasis basis;
    ASSERT_TRUE(zwfw::v1::CaseTimeBasis_Parse(f.basis, &basis));
    request.set_basis(basis);
    if (!f.filter.empty()) {
      *request.mutable_filter() =
          testing::ParseTextProto<zwfw::v1::CaseFilter>(f.filter);
    }
    request.set_page_size(1000);
    int64_t listed = 0;
    int pages = 0;
    do {
      zwfw::v1::ListCasesResponse page;
      grpc::Status s = stub_->ListCases(As("admin").get(), request, &page);
      ASSERT_TRUE(s.ok()) << s.error_message();
      listed += page.cases_size();
      request.set_page_token(page.next_page_token());
      ASSERT_LT(++pages, 1000);
    } while (!request.page_token().empty());
    EXPECT_EQ(listed, counted) << f.measure;
  }
  // A bad filter is named.
  zwfw::v1::ListCasesRequest bad;
  bad.set_period("2020-07");
  bad.mutable_filter()->add_sites(static_cast<zwfw::v1::HandlingSite>(7));
  zwfw::v1::ListCasesResponse none;
  grpc::Status s = stub_->ListCases(As("admin").get(), bad, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "filter.sites: 7 is not a known value");
}

// The drill-down: the cases ListCases lists for an indicator's numerator
// or denominator are as many as the figure GetCaseSums gives it, in total
// and for a department, parts (same day, overtime, on time) included.
TEST_P(CaseIntakeTest, TheCasesBehindAnIndicatorAreAsManyAsItsFigure) {
  auto cases = seedgen::GenerateJuly2020Cases(QijiangDirectory());
  ASSERT_TRUE(cases.ok()) << cases.status();
  Submit(*cases);
  IndicatorPlan plan;
  const std::vector<std::string> texts = {"accepted",
                                          "accepted_share[online=yes]",
                                          "overtime",
                                          "same_day_rate[site=center]",
                                          "due",
                                          "completion_rate[category=approval]",
                                          "on_time_rate",
                                          "early_rate",
                                          "overtime_completed"};
  for (const std::string& text : texts) ASSERT_TRUE(plan.Add(text).ok());
  zwfw::v1::GetCaseSumsRequest sums_request;
  sums_request.set_period("2020-07");
  for (const auto& m : plan.measures()) *sums_request.add_measures() = m;
  zwfw::v1::GetCaseSumsResponse sums;
  ASSERT_TRUE(stub_->GetCaseSums(As("viewer").get(), sums_request, &sums).ok());
  auto list = [&](const std::string& text, bool denominator,
                  const std::string& department, bool page_through) {
    zwfw::v1::ListCasesRequest request;
    request.set_period("2020-07");
    request.set_indicator(text);
    request.set_denominator(denominator);
    request.set_department_code(department);
    request.set_with_total_size(true);
    request.set_page_size(1000);
    zwfw::v1::ListCasesResponse page;
    grpc::Status s = stub_->ListCases(As("admin").get(), request, &page);
    EXPECT_TRUE(s.ok()) << text << ": " << s.error_message();
    const int64_t total = s.ok() ? page.total_size() : -1;
    int64_t listed = page.cases_size();
    for (int pages = 1; page_through && !page.next_page_token().empty();
         ++pages) {
      request.set_page_token(page.next_page_token());
      request.set_with_total_size(false);
      page.Clear();
      EXPECT_TRUE(stub_->ListCases(As("admin").get(), request, &page).ok());
      EXPECT_EQ(page.total_size(), 0);  // asked for once
      listed += page.cases_size();
      EXPECT_LT(pages, 500);
      if (pages >= 500) break;
    }
    return std::pair<int64_t, int64_t>(page_through ? listed : -1, total);
  };
  // The department with the most overtime cases, and its row.
  int busiest = 0;
  const int overtime = 2;
  IndicatorInputs total;
  total.case_sums.assign(sums.totals().begin(), sums.totals().end());
  std::vector<IndicatorInputs> rows(sums.departments_size());
  for (int d = 0; d < sums.departments_size(); ++d) {
    rows[d].case_sums.assign(sums.departments(d).sums().begin(),
                             sums.departments(d).sums().end());
    if (plan.Evaluate(overtime, rows[d]).numerator >
        plan.Evaluate(overtime, rows[busiest]).numerator) {
      busiest = d;
    }
  }
  for (int i = 0; i < static_cast<int>(texts.size()); ++i) {
    for (bool denominator : {false, true}) {
      if (!plan.CasesBehind(i, denominator).ok()) continue;
      const IndicatorValue all = plan.Evaluate(i, total);
      const int64_t figure = denominator ? all.denominator : all.numerator;
      // Every page read for the smaller lists; the count for all.
      const auto [listed, counted] =
          list(texts[i], denominator, "", figure <= 20000);
      EXPECT_EQ(counted, figure) << texts[i] << (denominator ? " (den)" : "");
      if (figure <= 20000) {
        EXPECT_EQ(listed, figure) << texts[i];
      }
      const IndicatorValue one = plan.Evaluate(i, rows[busiest]);
      const auto [one_listed, one_counted] =
          list(texts[i], denominator,
               sums.departments(busiest).department_code(), true);
      EXPECT_EQ(one_counted, denominator ? one.denominator : one.numerator)
          << texts[i] << " of " << sums.departments(busiest).department_code();
      EXPECT_EQ(one_listed, one_counted) << texts[i];
    }
  }
  EXPECT_EQ(list("overtime", false, "", true).second, 7);
  // Each case listed says whether it is overtime: all 7 of these are.
  zwfw::v1::ListCasesRequest seven;
  seven.set_period("2020-07");
  seven.set_indicator("overtime");
  zwfw::v1::ListCasesResponse listed;
  ASSERT_TRUE(stub_->ListCases(As("admin").get(), seven, &listed).ok());
  ASSERT_EQ(listed.cases_size(), 7);
  ASSERT_EQ(listed.overtime_size(), 7);
  for (bool overtime : listed.overtime()) EXPECT_TRUE(overtime);

  // What is not a list of cases, or not asked right, is named.
  struct Bad {
    std::string indicator, period;
    bool denominator = false, with_basis = false;
    grpc::StatusCode code;
    std::string message;
  };
  for (const Bad& bad : {
           Bad{"satisfaction_rate", "2020-07", false, false,
               grpc::StatusCode::FAILED_PRECONDITION,
               "indicator: indicator \"satisfaction_rate\": its numerator "
               "counts ratings, not cases"},
           Bad{"accepted", "2020-07", true, false,
               grpc::StatusCode::FAILED_PRECONDITION,
               "indicator: indicator \"accepted\": its denominator counts "
               "nothing (it is a count), not cases"},
           Bad{"accepted", "2020-07", false, true,
               grpc::StatusCode::INVALID_ARGUMENT,
               "indicator: not with basis or filter (the indicator says "
               "which cases)"},
           Bad{"accepted", "", false, false, grpc::StatusCode::INVALID_ARGUMENT,
               "period: required with an indicator (its figure is of a "
               "period)"},
           Bad{"acepted", "2020-07", false, false,
               grpc::StatusCode::INVALID_ARGUMENT, "indicator: indicator"},
           // Not echoed back.
           Bad{"accepted[site=" + std::string(300, 'x') + "]", "2020-07", false,
               false, grpc::StatusCode::INVALID_ARGUMENT,
               "indicator: over 200 bytes"},
       }) {
    zwfw::v1::ListCasesRequest request;
    request.set_indicator(bad.indicator);
    request.set_period(bad.period);
    request.set_denominator(bad.denominator);
    if (bad.with_basis) request.set_basis(zwfw::v1::CASE_TIME_BASIS_DUE);
    zwfw::v1::ListCasesResponse none;
    grpc::Status s = stub_->ListCases(As("admin").get(), request, &none);
    EXPECT_EQ(s.error_code(), bad.code) << bad.indicator;
    EXPECT_EQ(s.error_message().rfind(bad.message, 0), 0u) << s.error_message();
  }
}

// Completion counts in the month it happens: July's case completed in
// August is August's, with its handling time in working days.
TEST_P(CaseIntakeTest, ACaseCompletedNextMonthCountsThere) {
  Case c = Open(Police("edge", Cst(2020, 7, 31, 9)));  // a Friday
  c.set_item_code("five-days");
  EXPECT_EQ(Upsert(c), "ACCEPTED");
  const std::vector<std::string> measures = {
      "basis: CASE_TIME_BASIS_ACCEPTED",
      "basis: CASE_TIME_BASIS_COMPLETED filter { item_kinds: "
      "ITEM_KIND_PROMISED }"};
  const int64_t august_before = Sums("2020-08", measures).data_version();
  c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
  *c.mutable_completed_at() = ToProto(Cst(2020, 8, 3, 9));  // Monday
  EXPECT_EQ(Upsert(c), "UPDATED");

  const zwfw::v1::GetCaseSumsResponse july = Sums("2020-07", measures);
  EXPECT_EQ(july.totals(0).cases(), 1);
  EXPECT_EQ(july.totals(1).cases(), 0);
  const zwfw::v1::GetCaseSumsResponse august = Sums("2020-08", measures);
  EXPECT_NE(august.data_version(), august_before);
  EXPECT_EQ(august.totals(0).cases(), 0);
  const zwfw::v1::CaseSums& done = august.totals(1);
  EXPECT_EQ(done.cases(), 1);
  EXPECT_EQ(done.timed(), 1);
  EXPECT_EQ(done.working_seconds(), 86400);  // Friday 9:00 to Monday 9:00
  EXPECT_EQ(done.natural_seconds(), 3 * 86400);
  EXPECT_EQ(done.promised_days(), 5);
  EXPECT_EQ(done.on_time(), 1);
  EXPECT_EQ(done.early(), 1);
  // The quarter holds both.
  const zwfw::v1::GetCaseSumsResponse q3 = Sums("2020-Q3", measures);
  EXPECT_EQ(q3.totals(0).cases(), 1);
  EXPECT_EQ(q3.totals(1).cases(), 1);
  // What intake filled in is returned with the case.
  zwfw::v1::GetCaseRequest get;
  get.set_department_code("qj-gaj");
  get.set_case_no("edge");
  zwfw::v1::GetCaseResponse got;
  ASSERT_TRUE(stub_->GetCase(As("admin").get(), get, &got).ok());
  EXPECT_EQ(got.case_().item_kind(), zwfw::v1::ITEM_KIND_PROMISED);
  EXPECT_EQ(got.case_().working_seconds(), 86400);
}

TEST_P(CaseIntakeTest, BadCaseSumsRequestsNameTheField) {
  grpc::Status s;
  Sums("2020-Q5", {"basis: CASE_TIME_BASIS_ACCEPTED"}, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Sums("2020-07", {"basis: CASE_TIME_BASIS_ACCEPTED", ""}, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("measures[1].basis"), std::string::npos)
      << s.error_message();
  Sums("2020-07", std::vector<std::string>(65, "basis: CASE_TIME_BASIS_DUE"),
       &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  zwfw::v1::GetCaseSumsRequest request;
  request.set_period("2020-07");
  request.add_measures()->set_basis(zwfw::v1::CASE_TIME_BASIS_DUE);
  zwfw::v1::GetCaseSumsResponse response;
  EXPECT_EQ(stub_->GetCaseSums(As("").get(), request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_P(CaseIntakeTest, DuplicatesUpdatesAndIllegalTransitions) {
  Case open = Open(Police("A-1", Cst(2020, 7, 6)));
  EXPECT_EQ(Upsert(open), "ACCEPTED");
  EXPECT_EQ(Upsert(open), "DUPLICATE");
  int64_t version = Stats("2020-07").data_version();
  EXPECT_EQ(Upsert(open), "DUPLICATE");
  EXPECT_EQ(Stats("2020-07").data_version(), version);
  EXPECT_EQ(Row(Stats("2020-07"), "qj-gaj")->approval().completed(), 0);

  Case done = Police("A-1", Cst(2020, 7, 6));
  EXPECT_EQ(Upsert(done), "UPDATED");
  auto row = Row(Stats("2020-07"), "qj-gaj")->approval();
  EXPECT_EQ(row.total(), 1);  // updated, not counted twice
  EXPECT_EQ(row.completed(), 1);
  EXPECT_GT(Stats("2020-07").data_version(), version);

  Case reopened = Open(done);
  reopened.set_status(zwfw::v1::CASE_STATUS_SUSPENDED);
  *reopened.add_pauses()->mutable_start() = ToProto(Cst(2020, 7, 8));
  EXPECT_EQ(Upsert(reopened).substr(0, 28), "FAILED_PRECONDITION: status:");
  EXPECT_EQ(Row(Stats("2020-07"), "qj-gaj")->approval().completed(), 1);

  // REJECTED only as a first state, and never counted.
  Case refused = Open(Police("A-2", Cst(2020, 7, 7)));
  refused.set_status(zwfw::v1::CASE_STATUS_REJECTED);
  EXPECT_EQ(Upsert(refused), "ACCEPTED");
  EXPECT_EQ(Row(Stats("2020-07"), "qj-gaj")->approval().total(), 1);
  Case late_refusal = Open(Police("A-3", Cst(2020, 7, 7)));
  EXPECT_EQ(Upsert(late_refusal), "ACCEPTED");
  late_refusal.set_status(zwfw::v1::CASE_STATUS_REJECTED);
  EXPECT_EQ(Upsert(late_refusal).substr(0, 20), "FAILED_PRECONDITION:");

  // In a stream the illegal record is rejected alone.
  Case withdrawn = Open(Police("A-4", Cst(2020, 7, 8)));
  withdrawn.set_status(zwfw::v1::CASE_STATUS_WITHDRAWN);
  EXPECT_EQ(
      Submit({withdrawn, Open(withdrawn), Police("A-5", Cst(2020, 7, 8))}),
      (std::vector<std::string>{
          "ACCEPTED", "REJECTED FAILED_PRECONDITION status", "ACCEPTED"}));
}

TEST_P(CaseIntakeTest, DueTimeCrossesNationalDay2020) {
  Case c = Open(Police("N-1", Cst(2020, 9, 30, 10)));
  c.set_item_code("five-days");
  Case stored;
  ASSERT_EQ(Upsert(c, "admin", &stored), "ACCEPTED");
  // Oct 1–8 off, Sat Oct 10 worked: 9, 10, 12, 13, 14 October.
  EXPECT_EQ(ToTime(stored.due_at()), Cst(2020, 10, 15, 0, 0));
}

TEST_P(CaseIntakeTest, APauseExtendsTheDueTime) {
  Case c = Open(Police("P-1", Cst(2020, 7, 6, 9)));  // a Monday
  c.set_item_code("five-days");
  Case stored;
  ASSERT_EQ(Upsert(c, "admin", &stored), "ACCEPTED");
  EXPECT_EQ(ToTime(stored.due_at()), Cst(2020, 7, 14, 0, 0));  // end Mon 13th

  // Suspended Tue 10:00 (补正) until Thu 15:00: Wed and Thu given back.
  c.set_status(zwfw::v1::CASE_STATUS_SUSPENDED);
  auto* pause = c.add_pauses();
  *pause->mutable_start() = ToProto(Cst(2020, 7, 7, 10));
  ASSERT_EQ(Upsert(c, "admin", &stored), "UPDATED");
  c.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
  *pause->mutable_end() = ToProto(Cst(2020, 7, 9, 15));
  ASSERT_EQ(Upsert(c, "admin", &stored), "UPDATED");
  EXPECT_EQ(ToTime(stored.due_at()), Cst(2020, 7, 16, 0, 0));  // end Wed 15th
}

// A department sent its own due_at and was never overtime: with the item
// in the directory, intake computes it, and only an approved extension of
// at most ten working days moves it later.
TEST_P(CaseIntakeTest, ADepartmentCannotMoveItsOwnDueTime) {
  Case c = Open(Police("D-1", Cst(2020, 7, 6, 9)));  // a Monday
  c.set_item_code("five-days");
  *c.mutable_due_at() = ToProto(Cst(2021, 1, 1));  // "never overtime"
  Case stored;
  ASSERT_EQ(Upsert(c, "gaj", &stored), "ACCEPTED");
  EXPECT_EQ(ToTime(stored.due_at()), Cst(2020, 7, 14, 0, 0));  // end Mon 13th

  // An approved extension of 3 working days: Tue 14, Wed 15, Thu 16.
  c.mutable_extension()->set_working_days(3);
  c.mutable_extension()->set_approval_ref("綦公延〔2020〕7号");
  ASSERT_EQ(Upsert(c, "gaj", &stored), "UPDATED");
  EXPECT_EQ(ToTime(stored.due_at()), Cst(2020, 7, 17, 0, 0));
  EXPECT_EQ(stored.extension().approval_ref(), "綦公延〔2020〕7号");

  Case too_long = c;
  too_long.mutable_extension()->set_working_days(11);
  Case unapproved = c;
  unapproved.mutable_extension()->clear_approval_ref();
  Case no_item = Open(Police("D-2", Cst(2020, 7, 6, 9)));
  *no_item.mutable_extension() = c.extension();
  EXPECT_EQ(Submit({too_long, unapproved, no_item}, "gaj"),
            (std::vector<std::string>{
                "REJECTED INVALID_ARGUMENT extension.working_days",
                "REJECTED INVALID_ARGUMENT extension.approval_ref",
                "REJECTED INVALID_ARGUMENT extension"}));
}

TEST_P(CaseIntakeTest, OvertimeCountsInTheMonthOfTheDueTime) {
  // Accepted in July, due in August (5 working days from Jul 30: Aug 6),
  // finished Aug 10: overtime in August, not July.
  Case late = Police("O-1", Cst(2020, 7, 30));
  late.set_item_code("five-days");
  *late.mutable_completed_at() = ToProto(Cst(2020, 8, 10));
  EXPECT_EQ(Upsert(late), "ACCEPTED");
  // Accepted in July, due Aug 7, never finished.
  Case open = Open(Police("O-2", Cst(2020, 7, 31)));
  open.set_item_code("five-days");
  EXPECT_EQ(Upsert(open), "ACCEPTED");
  // Finished in time.
  Case in_time = Police("O-3", Cst(2020, 7, 31));
  in_time.set_item_code("five-days");
  EXPECT_EQ(Upsert(in_time), "ACCEPTED");

  EXPECT_EQ(Row(Stats("2020-07"), "qj-gaj")->approval().overtime(), 0);
  EXPECT_EQ(Row(Stats("2020-08"), "qj-gaj")->approval().overtime(), 2);
  // The cases behind August's overtime are listed by their due month.
  zwfw::v1::ListCasesRequest list;
  list.set_due_period("2020-08");
  list.set_overtime_only(true);
  zwfw::v1::ListCasesResponse listed;
  ASSERT_TRUE(stub_->ListCases(As("admin").get(), list, &listed).ok());
  ASSERT_EQ(listed.cases_size(), 2);
  EXPECT_EQ(listed.cases(0).case_no(), "O-1");
  EXPECT_EQ(listed.cases(1).case_no(), "O-2");

  // While August runs, the open case turns overtime when its due time
  // passes, and the version says the figures moved.
  now_ = Cst(2020, 8, 7, 12);
  zwfw::v1::GetCaseStatsResponse before = Stats("2020-08");
  EXPECT_EQ(Row(before, "qj-gaj")->approval().overtime(), 1);
  now_ = Cst(2020, 8, 8, 12);
  zwfw::v1::GetCaseStatsResponse after = Stats("2020-08");
  EXPECT_EQ(Row(after, "qj-gaj")->approval().overtime(), 2);
  EXPECT_NE(after.data_version(), before.data_version());

  zwfw::v1::GetCaseRequest get;
  get.set_department_code("qj-gaj");
  get.set_case_no("O-2");
  zwfw::v1::GetCaseResponse got;
  ASSERT_TRUE(stub_->GetCase(As("admin").get(), get, &got).ok());
  EXPECT_TRUE(got.overtime());
}

TEST_P(CaseIntakeTest, DepartmentsWriteAndReadOnlyTheirOwn) {
  Case tax = Police("T-1", Cst(2020, 7, 6));
  tax.set_department_code("qj-swj");
  EXPECT_EQ(Submit({Police("G-1", Cst(2020, 7, 6)), tax}, "gaj"),
            (std::vector<std::string>{
                "ACCEPTED", "REJECTED PERMISSION_DENIED department_code"}));
  // An alias of its own department is its own.
  Case by_alias = Police("G-2", Cst(2020, 7, 6));
  by_alias.set_department_code("区公安局");
  EXPECT_EQ(Upsert(by_alias, "gaj"), "ACCEPTED");

  zwfw::v1::GetCaseRequest get;
  get.set_department_code("qj-swj");
  get.set_case_no("T-1");
  zwfw::v1::GetCaseResponse got;
  EXPECT_EQ(stub_->GetCase(As("gaj").get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  zwfw::v1::ListCasesRequest list;
  list.set_department_code("qj-swj");
  zwfw::v1::ListCasesResponse listed;
  EXPECT_EQ(stub_->ListCases(As("gaj").get(), list, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  list.clear_department_code();  // defaults to its own
  ASSERT_TRUE(stub_->ListCases(As("gaj").get(), list, &listed).ok());
  EXPECT_EQ(listed.cases_size(), 2);

  grpc::Status s;
  Submit({Police("V-1", Cst(2020, 7, 6))}, "viewer", 5000, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  Submit({Police("V-1", Cst(2020, 7, 6))}, "", 5000, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Upsert(Police("V-2", Cst(2020, 7, 6)), "nobody"),
            "UNAUTHENTICATED: unknown bearer token");
}

TEST_P(CaseIntakeTest, BadRecordsAreRejectedOneByOneNamingTheField) {
  Case good = Police("B-0", Cst(2020, 7, 6));
  Case no_time = good;
  no_time.set_case_no("B-1");
  no_time.clear_accepted_at();
  Case unknown = good;
  unknown.set_case_no("B-2");
  unknown.set_department_code("区不存在局");
  Case future = good;
  future.set_case_no("B-3");
  *future.mutable_accepted_at() = ToProto(now_ + absl::Hours(1));
  future.clear_completed_at();
  future.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
  future.set_completed_in_center(false);
  Case unfinished = good;
  unfinished.set_case_no("B-4");
  unfinished.clear_completed_at();
  Case no_site = good;
  no_site.set_case_no("B-5");
  no_site.clear_site();
  Case long_no = good;
  long_no.set_case_no(std::string(65, '9'));
  Case bad_window = good;
  bad_window.set_case_no("B-7");
  bad_window.set_window_code("nowhere");
  EXPECT_EQ(
      Submit({good, no_time, unknown, future, unfinished, no_site, long_no,
              bad_window}),
      (std::vector<std::string>{
          "ACCEPTED", "REJECTED INVALID_ARGUMENT accepted_at",
          "REJECTED INVALID_ARGUMENT department_code",
          "REJECTED INVALID_ARGUMENT accepted_at",
          "REJECTED INVALID_ARGUMENT completed_at",
          "REJECTED INVALID_ARGUMENT site", "REJECTED INVALID_ARGUMENT case_no",
          "REJECTED INVALID_ARGUMENT window_code"}));
  EXPECT_EQ(Row(Stats("2020-07"), "qj-gaj")->approval().total(), 1);
}

TEST_P(CaseIntakeTest, AnOversizedBatchIsRefusedAndTheStreamGoesOn) {
  std::vector<Case> many;
  for (int i = 0; i < 5001; ++i) {
    many.push_back(Police(absl::StrCat("M-", i), Cst(2020, 7, 6)));
  }
  std::vector<std::string> outcomes = Submit(many, "admin", 5001);
  ASSERT_EQ(outcomes.size(), 5001u);
  EXPECT_EQ(outcomes[0], "REJECTED RESOURCE_EXHAUSTED cases");
  EXPECT_EQ(Row(Stats("2020-07"), "qj-gaj")->approval().total(), 0);
  outcomes = Submit(many, "admin", 2500);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), "ACCEPTED"), 5001);
}

TEST_P(CaseIntakeTest, ListCasesPagesThroughEverything) {
  std::vector<Case> cases;
  for (int i = 0; i < 250; ++i) {
    cases.push_back(Police(absl::StrFormat("L-%03d", i), Cst(2020, 7, 6)));
  }
  Case overdue = Open(Police("L-late", Cst(2020, 7, 6)));
  overdue.set_item_code("five-days");
  cases.push_back(overdue);
  Submit(cases);
  zwfw::v1::ListCasesRequest request;
  request.set_period("2020-07");
  request.set_page_size(100);
  std::set<std::string> seen;
  int pages = 0;
  do {
    zwfw::v1::ListCasesResponse page;
    ASSERT_TRUE(stub_->ListCases(As("admin").get(), request, &page).ok());
    for (const auto& c : page.cases()) seen.insert(c.case_no());
    request.set_page_token(page.next_page_token());
    ++pages;
  } while (!request.page_token().empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 251u);

  // total_size: the database counts what the pages list, whatever the
  // conditions (a count built apart from the list would drift).
  auto listed = [&](zwfw::v1::ListCasesRequest r) {
    int64_t n = 0;
    do {
      zwfw::v1::ListCasesResponse page;
      EXPECT_TRUE(stub_->ListCases(As("admin").get(), r, &page).ok());
      n += page.cases_size();
      r.set_page_token(page.next_page_token());
    } while (!r.page_token().empty());
    return n;
  };
  for (const char* text : {
           "period: '2020-07'",
           "period: '2020-07' status: CASE_STATUS_ACCEPTED",
           "period: '2020-Q3' department_code: 'qj-gaj'",
           "period: '2020-07' department_code: 'qj-swj'",
           "overtime_only: true",
           "due_period: '2020-07'",
           "period: '2020-07' basis: CASE_TIME_BASIS_COMPLETED",
           "extended_only: true",
           "period: '2020-07' filter { online: true }",
       }) {
    zwfw::v1::ListCasesRequest r =
        testing::ParseTextProto<zwfw::v1::ListCasesRequest>(text);
    r.set_page_size(7);
    r.set_with_total_size(true);
    zwfw::v1::ListCasesResponse first;
    ASSERT_TRUE(stub_->ListCases(As("admin").get(), r, &first).ok()) << text;
    r.set_with_total_size(false);
    EXPECT_EQ(first.total_size(), listed(r)) << text;
  }
  {
    zwfw::v1::ListCasesRequest r;
    r.set_period("2020-07");
    r.set_with_total_size(true);
    zwfw::v1::ListCasesResponse first;
    ASSERT_TRUE(stub_->ListCases(As("admin").get(), r, &first).ok());
    EXPECT_EQ(first.total_size(), 251);
  }

  request.Clear();
  request.set_overtime_only(true);
  zwfw::v1::ListCasesResponse overtime;
  ASSERT_TRUE(stub_->ListCases(As("admin").get(), request, &overtime).ok());
  ASSERT_EQ(overtime.cases_size(), 1);
  EXPECT_EQ(overtime.cases(0).case_no(), "L-late");

  request.set_page_token("garbage!");
  EXPECT_EQ(
      stub_->ListCases(As("admin").get(), request, &overtime).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_page_token();
  request.set_page_size(1001);
  EXPECT_EQ(
      stub_->ListCases(As("admin").get(), request, &overtime).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  request.set_page_size(10);
  request.set_period("2020-13");
  EXPECT_EQ(
      stub_->ListCases(As("admin").get(), request, &overtime).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(CaseIntakeTest, ConcurrentWritersShareTransactions) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(
            Upsert(Police(absl::StrCat("C-", t, "-", i), Cst(2020, 7, 6))),
            "ACCEPTED");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(Row(Stats("2020-07"), "qj-gaj")->approval().total(), 160);
  // 160 calls, fewer commits: group commit at work.
  EXPECT_LT(transactions_(), 160);
}

// A token deleted from the file stayed valid on the streams it had opened
// (they were authorised once): now every batch is authorised again, and a
// revoked token ends its stream within a re-read of the file.
TEST_P(CaseIntakeTest, ARevokedTokenStopsItsOpenStream) {
  const std::string file = absl::StrCat(path_, ".tokens");
  unlink(file.c_str());
  ASSERT_TRUE(AddTokenToFile(file, "gaj", "department:qj-gaj").ok());
  ASSERT_TRUE(AddTokenToFile(file, "admin", "admin").ok());
  absl::Time clock = absl::FromUnixSeconds(1600000000);
  auto tokens = *TokenStore::Open(file, {.now = [&clock] { return clock; }});
  server_.reset();
  CaseIntakeOptions options;
  options.now = [this] { return now_; };
  service_ = std::make_unique<CaseIntakeService>(
      catalog_.get(), calendar_.get(), store_.get(), tokens.get(), options);
  server_ = std::make_unique<testing::InProcessServer>(service_.get());
  stub_ = CaseIntake::NewStub(server_->channel());

  auto context = As("gaj");
  auto stream = stub_->SubmitCases(context.get());
  zwfw::v1::SubmitCasesRequest first;
  first.set_batch_id(1);
  *first.add_cases() = Police("R-1", Cst(2020, 7, 1));
  ASSERT_TRUE(stream->Write(first));
  zwfw::v1::SubmitCasesResponse ack;
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(Outcome(ack.results(0)), "ACCEPTED");

  // The office revokes the department's token: the file keeps the admin.
  {
    std::ofstream rewrite(file, std::ios::trunc);
    rewrite << Sha256Hex("admin") << " admin\n";
  }
  clock += absl::Seconds(1);
  zwfw::v1::SubmitCasesRequest second = first;
  second.set_batch_id(2);
  *second.mutable_cases(0) = Police("R-2", Cst(2020, 7, 1));
  stream->Write(second);
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&ack));
  grpc::Status s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(s.error_message().find("no longer valid"), std::string::npos);
  // The second batch was not stored.
  zwfw::v1::GetCaseRequest get;
  get.set_department_code("qj-gaj");
  get.set_case_no("R-2");
  zwfw::v1::GetCaseResponse got;
  EXPECT_EQ(stub_->GetCase(As("admin").get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  server_.reset();
  unlink(file.c_str());
}

// A department could rewrite, or back-date cases into, a month already
// published: once the month is closed its cases only progress.
TEST_P(CaseIntakeTest, APublishedMonthTakesNoBackDatedOrRewrittenCases) {
  Case open = Open(Police("C-1", Cst(2020, 7, 20)));
  ASSERT_EQ(Upsert(open, "gaj"), "ACCEPTED");
  zwfw::v1::ClosePeriodRequest close;
  close.set_period("2020-07");
  zwfw::v1::ClosePeriodResponse closed;
  EXPECT_EQ(stub_->ClosePeriod(As("gaj").get(), close, &closed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->ClosePeriod(As("service").get(), close, &closed).ok());
  EXPECT_TRUE(closed.newly_closed());

  Case completed = Police("C-1", Cst(2020, 7, 20));  // progress: allowed
  *completed.mutable_completed_at() = ToProto(Cst(2020, 8, 3));
  Case redated = Open(Police("C-1", Cst(2020, 8, 1)));
  Case refiled = Open(Police("C-1", Cst(2020, 7, 20)));
  refiled.set_category(zwfw::v1::ITEM_CATEGORY_CONVENIENCE);
  EXPECT_EQ(
      Submit({Open(Police("C-2", Cst(2020, 7, 31, 23))), redated, refiled,
              completed, completed, Open(Police("C-3", Cst(2020, 8, 1)))},
             "gaj"),
      (std::vector<std::string>{"REJECTED FAILED_PRECONDITION accepted_at",
                                "REJECTED FAILED_PRECONDITION accepted_at",
                                "REJECTED FAILED_PRECONDITION accepted_at",
                                "UPDATED", "DUPLICATE", "ACCEPTED"}));
  // A correction is the office's, with its reason; it is written and
  // listed with the statistics of the month it is made in.
  zwfw::v1::UpsertCaseRequest correction;
  *correction.mutable_case_() = Open(Police("C-5", Cst(2020, 7, 2)));
  correction.set_correction_reason("窗口漏报，经核实补录");
  zwfw::v1::UpsertCaseResponse corrected;
  EXPECT_EQ(
      stub_->UpsertCase(As("gaj").get(), correction, &corrected).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(
      stub_->UpsertCase(As("admin").get(), correction, &corrected).ok());
  EXPECT_EQ(Outcome(corrected.result()), "ACCEPTED");
  const std::string made_in = Period::Containing(now_).ToString();
  zwfw::v1::GetCaseStatsResponse listed = Stats(made_in);
  ASSERT_EQ(listed.corrections_size(), 1);
  EXPECT_EQ(listed.corrections(0).case_no(), "C-5");
  EXPECT_EQ(listed.corrections(0).corrected_month(), "2020-07");
  EXPECT_EQ(listed.corrections(0).reason(), "窗口漏报，经核实补录");
  EXPECT_EQ(listed.corrections(0).by().substr(0, 6), "admin ");
  EXPECT_EQ(Stats("2020-07").corrections_size(), 0);  // listed where made
  // The office's imports without a reason are held to it too.
  EXPECT_EQ(
      Upsert(Open(Police("C-4", Cst(2020, 7, 2))), "admin"),
      "FAILED_PRECONDITION: accepted_at: 2020-07 is published and closed: "
      "records dated in it are no longer accepted or changed");
}

// Bytes the schema does not name (field 999 here) are not stored.
TEST_P(CaseIntakeTest, UnknownFieldsAreDiscardedBeforeStoring) {
  std::string bytes = Police("U-1", Cst(2020, 7, 3)).SerializeAsString();
  bytes += std::string("\xb8\x3e\x2a", 3);  // field 999, varint 42
  Case smuggled;
  ASSERT_TRUE(smuggled.ParseFromString(bytes));
  ASSERT_FALSE(smuggled.GetReflection()->GetUnknownFields(smuggled).empty());
  ASSERT_EQ(Upsert(smuggled, "gaj"), "ACCEPTED");
  zwfw::v1::GetCaseRequest get;
  get.set_department_code("qj-gaj");
  get.set_case_no("U-1");
  zwfw::v1::GetCaseResponse got;
  ASSERT_TRUE(stub_->GetCase(As("admin").get(), get, &got).ok());
  EXPECT_TRUE(
      got.case_().GetReflection()->GetUnknownFields(got.case_()).empty());
}

// SQLite's I/O-error tests for intake: three batches streamed while the
// Nth open, write, sync or lock of the case store fails (every N, every
// failure, transient and persistent). At every point: each record is
// ACCEPTED or REJECTED as UNAVAILABLE or RESOURCE_EXHAUSTED naming the
// store; once the fault clears the same stream is taken again (what was
// acknowledged is a DUPLICATE); after a restart every case is there once,
// whole, and the month's counters agree with the rows.
// A database from before the cells: its cases are counted into them once,
// when the store opens.
TEST_P(SqliteCaseIntakeTest, CellsAreFilledFromTheCasesStoredBeforeThem) {
  std::vector<Case> cases;
  for (int i = 0; i < 30; ++i) {
    cases.push_back(Police(absl::StrCat("old-", i), Cst(2020, 7, 1 + i % 28)));
  }
  Submit(cases);
  const std::vector<std::string> measures = {"basis: CASE_TIME_BASIS_ACCEPTED",
                                             "basis: CASE_TIME_BASIS_COMPLETED",
                                             "basis: CASE_TIME_BASIS_DUE"};
  const zwfw::v1::GetCaseSumsResponse before = Sums("2020-Q3", measures);
  ASSERT_EQ(before.totals(0).cases(), 30);
  StopIntake();
  {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)
                    ->Exec("DELETE FROM case_cells; CREATE TABLE "
                           "backfill_case_cells (pending INTEGER NOT NULL) "
                           "STRICT")
                    .ok());
  }
  ASSERT_TRUE(StartIntake().ok());
  EXPECT_EQ(Sums("2020-Q3", measures).SerializeAsString(),
            before.SerializeAsString());
  // Once: the marker is gone, a second open adds nothing.
  StopIntake();
  ASSERT_TRUE(StartIntake().ok());
  EXPECT_EQ(Sums("2020-Q3", measures).totals(0).cases(), 30);
}

TEST_P(SqliteCaseIntakeTest, StorageFaultsLoseNoAcknowledgedCase) {
  std::vector<Case> cases;
  for (int i = 0; i < 9; ++i) {
    Case c = Police(absl::StrCat("F-", i), Cst(2020, 7, 6 + i));
    if (i % 3 == 1) c = Open(c);
    cases.push_back(c);
  }
  int faults = 0;
  int trial = 0;
  const int trials = testing::FaultWalk::Run([&](testing::FaultWalk& walk) {
    SCOPED_TRACE(walk.Describe());
    StopIntake();
    path_ = testing::FreshDbPath(absl::StrCat("fault-", ++trial));
    ImportDirectory();
    const std::string file = path_.substr(path_.rfind('/') + 1);

    walk.Begin();
    absl::Status started = StartIntake();
    std::set<std::string> acknowledged;
    if (!started.ok()) {
      EXPECT_TRUE(absl::IsUnavailable(started) ||
                  absl::IsResourceExhausted(started))
          << started;
      EXPECT_NE(started.message().find(file), std::string::npos) << started;
    } else {
      grpc::Status stream;
      std::vector<zwfw::v1::RecordResult> results;
      Submit(cases, "admin", 3, &stream, &results);
      EXPECT_TRUE(stream.ok()) << stream.error_message();
      EXPECT_EQ(results.size(), cases.size());
      for (size_t i = 0; i < results.size(); ++i) {
        const zwfw::v1::RecordResult& r = results[i];
        if (r.outcome() == zwfw::v1::RECORD_OUTCOME_ACCEPTED) {
          acknowledged.insert(cases[i].case_no());
          continue;
        }
        EXPECT_EQ(r.outcome(), zwfw::v1::RECORD_OUTCOME_REJECTED);
        EXPECT_TRUE(r.code() == grpc::StatusCode::UNAVAILABLE ||
                    r.code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
            << r.reason();
        EXPECT_NE(r.reason().find(file), std::string::npos) << r.reason();
      }
    }
    walk.End();
    if (walk.injected()) ++faults;
    if (!started.ok()) {
      started = StartIntake();
      ASSERT_TRUE(started.ok()) << started;
    }

    // Serving again: the client sends what was not acknowledged (here:
    // everything) and is told what the store already has.
    std::vector<std::string> again = Submit(cases, "admin", 3);
    ASSERT_EQ(again.size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
      if (acknowledged.contains(cases[i].case_no())) {
        EXPECT_EQ(again[i], "DUPLICATE") << cases[i].case_no();
      } else {
        EXPECT_TRUE(again[i] == "ACCEPTED" || again[i] == "DUPLICATE")
            << cases[i].case_no() << ": " << again[i];
      }
    }

    // After a restart: every case once, as sent; counters agree.
    StopIntake();
    ASSERT_TRUE(StartIntake().ok());
    zwfw::v1::ListCasesRequest request;
    request.set_period("2020-07");
    zwfw::v1::ListCasesResponse listed;
    ASSERT_TRUE(stub_->ListCases(As("admin").get(), request, &listed).ok());
    std::map<std::string, Case> stored;
    for (const Case& c : listed.cases()) stored[c.case_no()] = c;
    EXPECT_EQ(listed.cases_size(), static_cast<int>(cases.size()));
    for (const Case& sent : cases) {
      auto it = stored.find(sent.case_no());
      ASSERT_NE(it, stored.end()) << sent.case_no();
      EXPECT_EQ(it->second.status(), sent.status()) << sent.case_no();
      EXPECT_EQ(it->second.accepted_at().seconds(),
                sent.accepted_at().seconds());
    }
    const zwfw::v1::GetCaseStatsResponse stats = Stats("2020-07");
    const zwfw::v1::DepartmentCaseStats* row = Row(stats, "qj-gaj");
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->approval().total(), static_cast<int64_t>(cases.size()));
  });
  std::printf("storage fault walk (intake): %d trials, %d with a fault\n",
              trials, faults);
  EXPECT_GT(faults, 10);
}

}  // namespace
}  // namespace zwfw::intake

// indicators_bench: what an office's template costs to compute from the
// indicator cells at a province's scale.
//
//   build/tools/bench/indicators_bench [--cases=10000000] [--departments=2000]
//       [--data_dir=/tmp/zwfw-indicators-bench] [--rounds=7]
//
// Loads --cases cases of 2023 (spread evenly over the months and the
// departments, each department with a few service items that fix category
// and kind, most at the center, a quarter online, 93% completed, handling
// times on the 2023 calendar) through intake's own store and write path
// (SqliteCaseStore::Write: staging, the group committer, the counters and
// the cells in the cases' transactions); a second run on the same
// --data_dir reuses the file. Then, each round, the figures of the
// Fangchenggang template's indicators (14 of them: 受理, 办结, 平均办结时间,
// 实际提速, …, with the previous period for the comparisons) for a month
// and for the year: read the cells (ReadCells), sum the measures per
// department (BuildCaseSums), evaluate every indicator per department, per
// group and in total (BuildIndicatorReport). Then whole shipped templates
// (deploy/templates): the Fangchenggang and Qijiang ones for a month (the
// Qijiang one without a scorecard here) and the Yongchang one for the year —
// read their measures for every period they compare, compose the document over
// 2,000 departments (rankings, the table of every department) and write it as
// TEXT. Beside it, GetCaseStats's month (ReadMonth + BuildCaseStats). Medians
// of the rounds, in-process (no gRPC), against the goals: month ≤ 100 ms, year
// ≤ 500 ms, GetCaseStats ≤ 20 ms.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"
#include "services/bulletin/bulletin_template.h"
#include "services/bulletin/indicator_report.h"
#include "services/bulletin/template_composer.h"
#include "services/bulletin/writers.h"
#include "services/common/calendar.h"
#include "services/common/directory_index.h"
#include "services/common/indicators.h"
#include "services/common/proto_time.h"
#include "services/common/sqlite.h"
#include "services/intake/case_cells.h"
#include "services/intake/case_rules.h"
#include "services/intake/case_stats.h"
#include "services/intake/case_sums.h"
#include "services/intake/handling_time.h"
#include "services/intake/sqlite_case_store.h"

ABSL_FLAG(int64_t, cases, 10000000, "cases to load (2023, all months)");
ABSL_FLAG(int, departments, 2000, "departments");
ABSL_FLAG(std::string, data_dir, "/tmp/zwfw-indicators-bench",
          "where the intake database is kept between runs");
ABSL_FLAG(int, rounds, 7, "rounds (medians are reported)");

namespace {

using zwfw::Period;
using zwfw::ReportPeriod;
using zwfw::v1::Case;

// The Fangchenggang template's figures.
const char* const kTemplate[] = {
    "accepted",
    "completed",
    "average_working_days[kind=promised]",
    "speedup_rate",
    "overtime_completed",
    "accepted[site=center]",
    "completed[site=center]",
    "completion_rate",
    "early_rate",
    "on_time_rate",
    "overtime",
    "accepted[category=approval]",
    "accepted_share[online=yes]",
    "same_day_rate[site=center]",
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

zwfw::v1::DirectorySnapshot Directory(int departments) {
  zwfw::v1::DirectorySnapshot d;
  for (int i = 0; i < departments; ++i) {
    zwfw::v1::Department* dept = d.add_departments();
    dept->set_code(absl::StrCat("d", i));
    dept->set_name(absl::StrCat("单位", i));
    // The unit groups the shipped templates name (Fangchenggang's city and
    // counties, Yongchang's hall and sub-centers).
    static const char* const kGroups[] = {
        "市本级",         "东兴市",         "上思县",     "防城区",
        "港口区",         "县政务服务大厅", "税务分中心", "户政出入境分中心",
        "婚姻登记分中心", "车驾管分中心",   "教育分中心"};
    dept->set_group(kGroups[i % (sizeof(kGroups) / sizeof(kGroups[0]))]);
    dept->set_order(i);
    // Three items: an instant approval, a promised approval, a promised
    // convenience service.
    for (int k = 0; k < 3; ++k) {
      zwfw::v1::ServiceItem* item = d.add_service_items();
      item->set_code(absl::StrCat("d", i, "-item", k));
      item->set_name(absl::StrCat("事项", k));
      item->set_department_code(dept->code());
      item->set_category(k == 2 ? zwfw::v1::ITEM_CATEGORY_CONVENIENCE
                                : zwfw::v1::ITEM_CATEGORY_APPROVAL);
      item->set_kind(k == 0 ? zwfw::v1::ITEM_KIND_INSTANT
                            : zwfw::v1::ITEM_KIND_PROMISED);
      item->set_promised_days(k == 0 ? 0 : 5 + 5 * k);
    }
  }
  return d;
}

// The n-th case of the load, as intake would store it.
Case MakeCase(int64_t n, int64_t total, int departments,
              const zwfw::v1::DirectorySnapshot& directory,
              const zwfw::Calendar& calendar, std::mt19937_64& rng) {
  const int department = static_cast<int>(n % departments);
  const int item_index = static_cast<int>(rng() % 3);
  const zwfw::v1::ServiceItem& item =
      directory.service_items(department * 3 + item_index);
  Case c;
  c.set_department_code(item.department_code());
  c.set_case_no(absl::StrCat("c", n));
  c.set_item_code(item.code());
  c.set_category(item.category());
  const int site = static_cast<int>(rng() % 10);
  c.set_site(site < 7   ? zwfw::v1::HANDLING_SITE_CENTER
             : site < 9 ? zwfw::v1::HANDLING_SITE_DEPARTMENT
                        : zwfw::v1::HANDLING_SITE_GRASSROOTS);
  c.set_instant(item.kind() == zwfw::v1::ITEM_KIND_INSTANT);
  c.set_online(rng() % 4 == 0);
  // Evenly through 2023 (working hours of the day, any day).
  const absl::Time year_start = ReportPeriod::Parse("2023")->start();
  const absl::Duration span = absl::Hours(24 * 365);
  const absl::Time accepted =
      year_start + span * (static_cast<double>(n) / total) + absl::Hours(9);
  *c.mutable_accepted_at() = zwfw::ToProto(accepted);
  absl::StatusOr<absl::Time> due = zwfw::intake::ComputeDueAt(
      accepted, item.promised_days(), c.pauses(), calendar);
  if (due.ok()) *c.mutable_due_at() = zwfw::ToProto(*due);
  const int fate = static_cast<int>(rng() % 100);
  if (fate < 93) {
    c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
    const absl::Duration took = item.promised_days() == 0
                                    ? absl::Minutes(20 + rng() % 120)
                                    : absl::Hours(static_cast<int64_t>(
                                          rng() % (24 * item.promised_days())));
    *c.mutable_completed_at() = zwfw::ToProto(accepted + took);
    c.set_completed_in_center(c.site() == zwfw::v1::HANDLING_SITE_CENTER);
  } else if (fate < 98) {
    c.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
  } else {
    c.set_status(zwfw::v1::CASE_STATUS_WITHDRAWN);
  }
  zwfw::intake::FillHandlingFacts(&item, calendar, &c);
  return c;
}

void Fail(const absl::Status& s) {
  std::fprintf(stderr, "indicators_bench: %s\n", s.ToString().c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int64_t total = absl::GetFlag(FLAGS_cases);
  const int departments = absl::GetFlag(FLAGS_departments);
  const std::string dir = absl::GetFlag(FLAGS_data_dir);
  std::filesystem::create_directories(dir);
  const std::string path =
      absl::StrCat(dir, "/intake-", total, "-", departments, ".db");
  const bool fresh = !std::filesystem::exists(path);
  absl::StatusOr<zwfw::Calendar> calendar =
      zwfw::Calendar::LoadDirectory(ZWFW_SOURCE_DIR "/deploy/calendar");
  if (!calendar.ok()) Fail(calendar.status());
  const zwfw::v1::DirectorySnapshot snapshot = Directory(departments);
  absl::StatusOr<std::shared_ptr<const zwfw::DirectoryIndex>> directory =
      zwfw::DirectoryIndex::Build(snapshot, 1);
  if (!directory.ok()) Fail(directory.status());

  absl::StatusOr<std::unique_ptr<zwfw::intake::SqliteCaseStore>> store =
      zwfw::intake::SqliteCaseStore::Open(path);
  if (!store.ok()) Fail(store.status());

  if (fresh) {
    std::printf("loading %lld cases over %d departments into %s\n",
                static_cast<long long>(total), departments, path.c_str());
    std::mt19937_64 rng(20231);
    constexpr int kBatch = 5000;
    constexpr int kInFlight = 8;
    const absl::Time start = absl::Now();
    int64_t n = 0;
    while (n < total) {
      const int batches = static_cast<int>(
          std::min<int64_t>(kInFlight, (total - n + kBatch - 1) / kBatch));
      absl::BlockingCounter done(batches);
      for (int b = 0; b < batches; ++b) {
        std::vector<Case> cases;
        for (int i = 0; i < kBatch && n < total; ++i, ++n) {
          cases.push_back(
              MakeCase(n, total, departments, snapshot, *calendar, rng));
        }
        (*store)->Write(
            std::move(cases), {"bench", "SubmitCases"},
            [&done](absl::StatusOr<std::vector<zwfw::WriteResult>> r) {
              if (!r.ok()) Fail(r.status());
              done.DecrementCount();
            });
      }
      done.Wait();
      if (n % 1000000 < kBatch * kInFlight) {
        std::fprintf(stderr, "  %lld cases, %.0f s\n",
                     static_cast<long long>(n),
                     absl::ToDoubleSeconds(absl::Now() - start));
      }
    }
    std::printf("loaded in %.0f s (%.0f cases/s)\n",
                absl::ToDoubleSeconds(absl::Now() - start),
                total / absl::ToDoubleSeconds(absl::Now() - start));
  }

  zwfw::IndicatorPlan plan;
  for (const char* text : kTemplate) {
    absl::StatusOr<int> added = plan.Add(text);
    if (!added.ok()) Fail(added.status());
  }
  google::protobuf::RepeatedPtrField<zwfw::v1::CaseMeasure> measures(
      plan.measures().begin(), plan.measures().end());
  // The year is over when the report is made.
  const absl::Time now =
      ReportPeriod::Parse("2024-01")->start() + absl::Hours(240);

  // The figures of `period` and its previous period, as GetIndicators
  // computes them (but for the transport).
  // One period's sums of `wanted` from the cells, as GetCaseSums answers;
  // the blocks read added to `cells`.
  auto case_sums =
      [&](const ReportPeriod& p,
          const google::protobuf::RepeatedPtrField<zwfw::v1::CaseMeasure>&
              wanted,
          int64_t* cells) {
        absl::StatusOr<zwfw::intake::PeriodCells> read =
            (*store)->ReadCells(p, now);
        if (!read.ok()) Fail(read.status());
        *cells += static_cast<int64_t>(read->blocks.size());
        absl::StatusOr<zwfw::v1::GetCaseSumsResponse> sums =
            zwfw::intake::BuildCaseSums(p, wanted, *read, **directory, now);
        if (!sums.ok()) Fail(sums.status());
        return zwfw::bulletin::PeriodAggregates{p, *std::move(sums), {}};
      };
  auto figures = [&](const ReportPeriod& period, int64_t* cells) {
    std::vector<zwfw::bulletin::PeriodAggregates> both;
    for (const ReportPeriod& p : {period, period.Previous()}) {
      both.push_back(case_sums(p, measures, cells));
    }
    zwfw::v1::GetIndicatorsResponse report =
        zwfw::bulletin::BuildIndicatorReport(plan, snapshot, both[0], &both[1],
                                             nullptr);
    return report.total().figures(0).numerator();
  };

  struct Run {
    const char* label;
    const char* period;
    double goal_ms;
  };
  std::printf("%d indicators (%zu case measures), with the previous period\n",
              static_cast<int>(plan.indicators().size()),
              plan.measures().size());
  for (const Run& c :
       {Run{"month", "2023-06", 100}, Run{"quarter", "2023-Q2", 0},
        Run{"year", "2023", 500}}) {
    std::vector<double> ms;
    int64_t cells = 0, accepted = 0;
    for (int r = 0; r < absl::GetFlag(FLAGS_rounds); ++r) {
      cells = 0;
      const absl::Time t0 = absl::Now();
      accepted = figures(*ReportPeriod::Parse(c.period), &cells);
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    }
    std::printf(
        "  %-7s %-8s %8.1f ms median  (%lld blocks read, %lld cases "
        "accepted)%s\n",
        c.label, c.period, Median(ms), static_cast<long long>(cells),
        static_cast<long long>(accepted),
        c.goal_ms > 0
            ? absl::StrCat("  goal ≤ ", c.goal_ms,
                           " ms: ", Median(ms) <= c.goal_ms ? "met" : "MISSED")
                  .c_str()
            : "");
  }
  // Whole templates: their measures read for each period they compare,
  // the document composed and written.
  struct TemplateRun {
    const char* name;
    const char* period;
    double goal_ms;
  };
  for (const TemplateRun& t :
       {TemplateRun{"fangchenggang-monthly", "2023-06", 100},
        TemplateRun{"qijiang-monthly", "2023-06", 100},
        TemplateRun{"yongchang-quarterly", "2023", 500}}) {
    std::ifstream file(
        absl::StrCat(ZWFW_SOURCE_DIR "/deploy/templates/", t.name, ".txt"));
    std::stringstream text;
    text << file.rdbuf();
    absl::StatusOr<zwfw::bulletin::BulletinTemplate> parsed =
        zwfw::bulletin::BulletinTemplate::Parse(text.str());
    if (!parsed.ok()) Fail(parsed.status());
    const google::protobuf::RepeatedPtrField<zwfw::v1::CaseMeasure> wanted(
        parsed->plan().measures().begin(), parsed->plan().measures().end());
    const ReportPeriod period = *ReportPeriod::Parse(t.period);
    int64_t cells = 0;
    auto aggregates = [&](const ReportPeriod& p) {
      return case_sums(p, wanted, &cells);
    };
    std::vector<double> ms;
    size_t bytes = 0, rows = 0;
    for (int r = 0; r < absl::GetFlag(FLAGS_rounds); ++r) {
      const absl::Time t0 = absl::Now();
      const zwfw::bulletin::PeriodAggregates a = aggregates(period);
      std::optional<zwfw::bulletin::PeriodAggregates> previous, year_before;
      if (parsed->compares()) previous = aggregates(period.Previous());
      if (parsed->compares_year())
        year_before = aggregates(period.YearBefore());
      const zwfw::bulletin::Document doc = zwfw::bulletin::ComposeFromTemplate(
          *parsed, zwfw::v1::Draft(), snapshot, a,
          previous ? &*previous : nullptr,
          year_before ? &*year_before : nullptr);
      bytes = zwfw::bulletin::WriteText(doc).size();
      rows = doc.attachment.rows.size();
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    }
    std::printf(
        "  template %-22s %-8s %8.1f ms median  (%zu measures, %zu table "
        "rows, %zu bytes of text)  goal ≤ %.0f ms: %s\n",
        t.name, t.period, Median(ms), parsed->plan().measures().size(), rows,
        bytes, t.goal_ms, Median(ms) <= t.goal_ms ? "met" : "MISSED");
  }

  // The baseline, once: the month's cases scanned (as a store without the
  // cells would), each parsed and counted into the same measures.
  {
    absl::StatusOr<std::unique_ptr<zwfw::Database>> db =
        zwfw::Database::Open(path);
    if (!db.ok()) Fail(db.status());
    const absl::Time t0 = absl::Now();
    absl::StatusOr<zwfw::Statement> q = (*db)->Prepare(
        "SELECT record FROM cases WHERE accepted_month = '2023-06'");
    if (!q.ok()) Fail(q.status());
    std::vector<int64_t> counted(plan.measures().size());
    absl::StatusOr<bool> row;
    int64_t scanned = 0;
    while ((row = q->Step()).ok() && *row) {
      Case c;
      c.ParseFromString(q->ColumnText(0));
      const int64_t d = zwfw::intake::CaseDimensions(c);
      for (size_t m = 0; m < plan.measures().size(); ++m) {
        if (plan.measures()[m].basis() == zwfw::v1::CASE_TIME_BASIS_ACCEPTED &&
            zwfw::intake::Matches(plan.measures()[m].filter(), d)) {
          ++counted[m];
        }
      }
      ++scanned;
    }
    std::printf(
        "  baseline: 2023-06's %lld cases scanned and counted (one "
        "basis, no comparison): %.1f ms\n",
        static_cast<long long>(scanned),
        absl::ToDoubleMilliseconds(absl::Now() - t0));
  }
  std::vector<double> ms;
  for (int r = 0; r < absl::GetFlag(FLAGS_rounds); ++r) {
    const absl::Time t0 = absl::Now();
    absl::StatusOr<zwfw::intake::MonthCounters> month =
        (*store)->ReadMonth(*Period::Parse("2023-06"), now);
    if (!month.ok()) Fail(month.status());
    zwfw::intake::BuildCaseStats(*ReportPeriod::Parse("2023-06"), *month,
                                 **directory);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
  }
  std::printf("  GetCaseStats 2023-06 %6.1f ms median  goal ≤ 20 ms: %s\n",
              Median(ms), Median(ms) <= 20 ? "met" : "MISSED");
  return 0;
}

// records_bench: what the drill-down's count (ListCases total_size) costs
// at a province's scale — counted by the database (CaseStore::Count) beside
// the list read to its end a page at a time (what the count did before, and
// still does when the figure keeps only some of the cases it reads: a
// filter or a part such as 当日办结).
//
//   build/tools/bench/indicators_bench --rounds=1   # loads the 10M cases once
//   build/tools/bench/records_bench
//       [--database=/tmp/zwfw-indicators-bench/intake-10000000-2000.db]
//       [--period=2023-06] [--rounds=5]
//
// Each round, for the month and for one department's month: pages of
// 1,000 through SqliteCaseStore::List to the end, counting; then Count of
// the same query. Prints the medians and their ratio, and that the two
// counts agree.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "services/common/period.h"
#include "services/intake/sqlite_case_store.h"

ABSL_FLAG(std::string, database,
          "/tmp/zwfw-indicators-bench/intake-10000000-2000.db",
          "an intake database (indicators_bench makes one)");
ABSL_FLAG(std::string, period, "2023-06", "the month listed");
ABSL_FLAG(int, rounds, 5, "rounds (medians are reported)");

namespace {

using zwfw::intake::CaseQuery;

[[noreturn]] void Fail(const absl::Status& s) {
  std::fprintf(stderr, "records_bench: %s\n", std::string(s.message()).c_str());
  std::exit(1);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string path = absl::GetFlag(FLAGS_database);
  if (!std::filesystem::exists(path)) {
    Fail(absl::NotFoundError(
        path +
        " does not exist: run build/tools/bench/indicators_bench first"));
  }
  absl::StatusOr<std::unique_ptr<zwfw::intake::SqliteCaseStore>> store =
      zwfw::intake::SqliteCaseStore::Open(path);
  if (!store.ok()) Fail(store.status());
  absl::StatusOr<zwfw::ReportPeriod> period =
      zwfw::ReportPeriod::Parse(absl::GetFlag(FLAGS_period));
  if (!period.ok()) Fail(period.status());
  const absl::Time now = absl::Now();

  CaseQuery month;
  month.period = *period;
  month.counted_only = true;
  // One department: the first listed.
  CaseQuery one = month;
  one.limit = 1;
  absl::StatusOr<zwfw::intake::CasePage> first = (*store)->List(one, now);
  if (!first.ok()) Fail(first.status());
  if (first->cases.empty()) Fail(absl::NotFoundError("no case in the month"));
  one.department_code = first->cases[0].department_code();

  for (const auto& [name, query] :
       {std::pair<const char*, CaseQuery>{"the month", month},
        {"one department's month", one}}) {
    std::vector<double> paged, counted;
    int64_t by_pages = 0, by_count = 0;
    for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
      CaseQuery q = query;
      q.limit = 1000;
      absl::Time start = absl::Now();
      by_pages = 0;
      for (;;) {
        absl::StatusOr<zwfw::intake::CasePage> page = (*store)->List(q, now);
        if (!page.ok()) Fail(page.status());
        by_pages += static_cast<int64_t>(page->cases.size());
        if (!page->more) break;
        q.after_department = page->cases.back().department_code();
        q.after_case_no = page->cases.back().case_no();
      }
      paged.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      start = absl::Now();
      absl::StatusOr<int64_t> n = (*store)->Count(query, now);
      if (!n.ok()) Fail(n.status());
      by_count = *n;
      counted.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    }
    std::printf(
        "%s (%s): %lld cases; read page by page %.0f ms, counted %.1f ms "
        "(medians of %d): %.0fx; %s\n",
        name, absl::GetFlag(FLAGS_period).c_str(),
        static_cast<long long>(by_count), Median(paged), Median(counted),
        absl::GetFlag(FLAGS_rounds), Median(paged) / Median(counted),
        by_pages == by_count ? "the counts agree" : "THE COUNTS DIFFER");
    if (by_pages != by_count) return 1;
  }
  return 0;
}

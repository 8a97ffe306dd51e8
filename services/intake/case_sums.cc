#include "services/intake/case_sums.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/indicators.h"
#include "services/common/month_version.h"
#include "services/common/proto_time.h"
#include "services/intake/case_cells.h"

namespace zwfw::intake {

std::string FirstMonthNotOver(const ReportPeriod& period, absl::Time now) {
  const Period current = Period::Containing(now);
  return (current < period.first() ? period.first() : current).ToString();
}

absl::Status CheckMeasures(const zwfw::v1::GetCaseSumsRequest& request) {
  if (request.measures_size() == 0) {
    return absl::InvalidArgumentError("measures: none given");
  }
  if (request.measures_size() > kMaxMeasures) {
    return absl::ResourceExhaustedError(
        absl::StrCat("measures: ", request.measures_size(),
                     " is over the limit of ", kMaxMeasures));
  }
  for (int i = 0; i < request.measures_size(); ++i) {
    absl::Status s =
        CheckMeasure(request.measures(i), absl::StrCat("measures[", i, "]"));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<zwfw::v1::GetCaseSumsResponse> BuildCaseSums(
    const ReportPeriod& period,
    const google::protobuf::RepeatedPtrField<zwfw::v1::CaseMeasure>& measures,
    const PeriodCells& cells, const DirectoryIndex& directory, absl::Time now) {
  const int n = measures.size();
  // The measures a (basis, dimensions) passes, worked out once each.
  absl::flat_hash_map<std::pair<int, int64_t>, std::vector<int>> passing;
  auto measures_of = [&](int basis,
                         int64_t dimensions) -> const std::vector<int>& {
    auto [it, added] = passing.try_emplace({basis, dimensions});
    if (added) {
      for (int i = 0; i < n; ++i) {
        if (measures[i].basis() == basis &&
            Matches(measures[i].filter(), dimensions)) {
          it->second.push_back(i);
        }
      }
    }
    return it->second;
  };

  // Per department, one CaseSums per measure.
  absl::flat_hash_map<std::string, std::vector<zwfw::v1::CaseSums>> sums;
  auto sums_of = [&](const std::string& code) {
    auto [it, added] = sums.try_emplace(code);
    if (added) it->second.resize(n);
    return &it->second;
  };
  for (const PeriodCells::Block& block : cells.blocks) {
    std::vector<zwfw::v1::CaseSums>* department = nullptr;
    const bool overdue_for_good =
        block.month_over && block.basis == zwfw::v1::CASE_TIME_BASIS_DUE;
    absl::Status s = ForEachCell(
        block.cells, [&](int64_t dimensions, const CellValues& values) {
          const std::vector<int>& hit = measures_of(block.basis, dimensions);
          if (hit.empty()) return;
          if (department == nullptr) {
            department = sums_of(block.department_code);
          }
          for (int i : hit) {
            zwfw::v1::CaseSums& s = (*department)[i];
            AddToSums(values, &s);
            if (overdue_for_good) {
              s.set_open_overdue(s.open_overdue() + values.open);
            }
          }
        });
    if (!s.ok()) return s;
  }
  // Open cases past due in months not over, and each month's count of them
  // for its version (MonthDataVersion).
  std::map<std::string, int64_t> live_overdue;
  for (const PeriodCells::Overdue& o : cells.overdue) {
    ++live_overdue[o.month];
    for (int i : measures_of(zwfw::v1::CASE_TIME_BASIS_DUE, o.dimensions)) {
      zwfw::v1::CaseSums& s = (*sums_of(o.department_code))[i];
      s.set_open_overdue(s.open_overdue() + 1);
    }
  }

  zwfw::v1::GetCaseSumsResponse out;
  out.set_period(period.ToString());
  std::vector<int64_t> versions;
  const std::vector<Period> months = period.months();
  for (size_t m = 0; m < months.size(); ++m) {
    const int64_t writes =
        m < cells.month_writes.size() ? cells.month_writes[m] : 0;
    auto live = live_overdue.find(months[m].ToString());
    versions.push_back(MonthDataVersion(
        writes, live == live_overdue.end() ? 0 : live->second));
  }
  out.set_data_version(PeriodDataVersion(versions));
  if (period.end() > now) {
    // The next change by the clock alone: an open case falling due, or a
    // month ending (its open cases then count as overdue for good).
    absl::Time until =
        now < period.start() ? period.start() : Period::Containing(now).end();
    if (cells.next_due.has_value()) until = std::min(until, *cells.next_due);
    *out.mutable_stable_until() = ToProto(until);
  }

  std::vector<std::pair<std::string, std::string>> departments;  // code, name
  for (const auto& d : directory.snapshot().departments()) {
    departments.emplace_back(d.code(), d.name());
  }
  std::vector<std::string> departed;
  for (const auto& [code, unused] : sums) {
    if (directory.FindDepartment(code) == nullptr) departed.push_back(code);
  }
  std::sort(departed.begin(), departed.end());
  for (const std::string& code : departed) departments.emplace_back(code, code);

  std::vector<zwfw::v1::CaseSums> totals(n);
  const std::vector<zwfw::v1::CaseSums> zeros(n);
  for (const auto& [code, name] : departments) {
    zwfw::v1::DepartmentCaseSums* row = out.add_departments();
    row->set_department_code(code);
    row->set_department_name(name);
    auto it = sums.find(code);
    const std::vector<zwfw::v1::CaseSums>& values =
        it == sums.end() ? zeros : it->second;
    for (int i = 0; i < n; ++i) {
      *row->add_sums() = values[i];
      AddCaseSums(values[i], &totals[i]);
    }
  }
  for (zwfw::v1::CaseSums& t : totals) *out.add_totals() = std::move(t);
  return out;
}

}  // namespace zwfw::intake

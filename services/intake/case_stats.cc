#include "services/intake/case_stats.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "services/common/month_version.h"
#include "services/common/proto_time.h"

namespace zwfw::intake {

MonthCounters MergeMonths(std::vector<MonthCounters> months) {
  if (months.size() == 1) return std::move(months.front());
  MonthCounters out;
  std::vector<int64_t> versions;
  for (MonthCounters& month : months) {
    versions.push_back(month.data_version);
    for (const auto& [key, counters] : month.rows) out.rows[key] += counters;
    for (zwfw::v1::CaseCorrection& c : month.corrections) {
      out.corrections.push_back(std::move(c));
    }
    if (month.stable_until.has_value() &&
        (!out.stable_until.has_value() ||
         *month.stable_until < *out.stable_until)) {
      out.stable_until = month.stable_until;
    }
  }
  out.data_version = PeriodDataVersion(versions);
  return out;
}

zwfw::v1::GetCaseStatsResponse BuildCaseStats(const ReportPeriod& period,
                                              const MonthCounters& month,
                                              const DirectoryIndex& directory) {
  zwfw::v1::GetCaseStatsResponse out;
  out.set_period(period.ToString());
  out.set_data_version(month.data_version);
  for (const zwfw::v1::CaseCorrection& c : month.corrections) {
    *out.add_corrections() = c;
  }
  if (month.stable_until.has_value()) {
    *out.mutable_stable_until() = ToProto(*month.stable_until);
  }

  std::vector<std::pair<std::string, std::string>> departments;  // code, name
  absl::flat_hash_set<std::string> listed;
  for (const auto& d : directory.snapshot().departments()) {
    departments.emplace_back(d.code(), d.name());
    listed.insert(d.code());
  }
  std::vector<std::string> departed;
  for (const auto& [key, counters] : month.rows) {
    if (!listed.contains(key.first)) departed.push_back(key.first);
  }
  std::sort(departed.begin(), departed.end());
  departed.erase(std::unique(departed.begin(), departed.end()), departed.end());
  for (const std::string& code : departed) departments.emplace_back(code, code);

  Counters approval_total, convenience_total;
  auto lookup = [&](const std::string& code, int category) {
    auto it = month.rows.find({code, category});
    return it == month.rows.end() ? Counters() : it->second;
  };
  for (const auto& [code, name] : departments) {
    zwfw::v1::DepartmentCaseStats* row = out.add_departments();
    row->set_department_code(code);
    row->set_department_name(name);
    Counters approval = lookup(code, zwfw::v1::ITEM_CATEGORY_APPROVAL);
    Counters convenience = lookup(code, zwfw::v1::ITEM_CATEGORY_CONVENIENCE);
    FillCaseCounters(approval, row->mutable_approval());
    FillCaseCounters(convenience, row->mutable_convenience());
    approval_total += approval;
    convenience_total += convenience;
  }
  FillCaseCounters(approval_total, out.mutable_approval_total());
  FillCaseCounters(convenience_total, out.mutable_convenience_total());
  out.set_center_handled(approval_total.center + convenience_total.center);
  out.set_center_same_day(approval_total.center_same_day +
                          convenience_total.center_same_day);
  out.set_center_completed(approval_total.center_completed +
                           convenience_total.center_completed);
  return out;
}

}  // namespace zwfw::intake

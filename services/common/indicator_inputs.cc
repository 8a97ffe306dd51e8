#include "services/common/indicator_inputs.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zwfw {
namespace {

// The inputs of every department named by either source.
absl::flat_hash_map<std::string, IndicatorInputs> InputsByDepartment(
    const zwfw::v1::GetCaseSumsResponse& cases,
    const zwfw::v1::GetSatisfactionStatsResponse& survey) {
  absl::flat_hash_map<std::string, IndicatorInputs> out;
  for (const zwfw::v1::DepartmentCaseSums& d : cases.departments()) {
    IndicatorInputs& in = out[d.department_code()];
    in.case_sums.assign(d.sums().begin(), d.sums().end());
  }
  for (const zwfw::v1::DepartmentSatisfaction& d : survey.departments()) {
    IndicatorInputs& in = out[d.department_code()];
    const zwfw::v1::SatisfactionCounters& r = d.ratings();
    for (int i = 0; i < kRatingLevels; ++i) {
      const int64_t active =
          i < r.active_by_rating_size() ? r.active_by_rating(i) : 0;
      const int64_t defaulted =
          i < r.defaulted_by_rating_size() ? r.defaulted_by_rating(i) : 0;
      in.active[i] = active;
      in.ratings[i] = active + defaulted;
    }
    in.visits = d.return_visits();
    in.rectifications = d.rectifications();
  }
  return out;
}

}  // namespace

UnitTable BuildUnitTable(const zwfw::v1::GetCaseSumsResponse& cases,
                         const zwfw::v1::GetSatisfactionStatsResponse& survey,
                         const zwfw::v1::DirectorySnapshot& directory) {
  absl::flat_hash_map<std::string, IndicatorInputs> inputs =
      InputsByDepartment(cases, survey);
  UnitTable table;
  std::map<std::string, size_t> group_index;
  auto add = [&](const std::string& code, const std::string& name,
                 const std::string& group) {
    UnitInputs& unit = table.departments.emplace_back();
    unit.code = code;
    unit.name = name;
    unit.group = group;
    auto it = inputs.find(code);
    if (it != inputs.end()) {
      unit.inputs = std::move(it->second);
      inputs.erase(it);
    }
    table.total.inputs += unit.inputs;
    if (group.empty()) return;
    auto [g, added] = group_index.try_emplace(group, table.groups.size());
    if (added) {
      UnitInputs& row = table.groups.emplace_back();
      row.code = group;
      row.name = group;
    }
    table.groups[g->second].inputs += unit.inputs;
  };
  for (const zwfw::v1::Department& d : directory.departments()) {
    add(d.code(), d.name(), d.group());
  }
  // Departments that left the directory but have figures, by code.
  std::vector<std::string> departed;
  for (const auto& [code, unused] : inputs) departed.push_back(code);
  std::sort(departed.begin(), departed.end());
  for (const std::string& code : departed) add(code, code, "");
  return table;
}

SatisfiedLevels SatisfiedLevelsOf(
    const zwfw::v1::GetSatisfactionStatsResponse& survey) {
  std::vector<std::string> levels;
  for (int l : survey.satisfied_levels()) levels.push_back(absl::StrCat(l));
  absl::StatusOr<SatisfiedLevels> parsed =
      SatisfiedLevels::Parse(absl::StrJoin(levels, ","));
  return parsed.ok() ? *parsed : SatisfiedLevels();
}

}  // namespace zwfw

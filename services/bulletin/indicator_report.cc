#include "services/bulletin/indicator_report.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "services/common/indicator_format.h"
#include "services/common/proto_time.h"

namespace zwfw::bulletin {
namespace {

const char* UnitName(IndicatorUnit unit) {
  switch (unit) {
    case IndicatorUnit::kCount:
      return "count";
    case IndicatorUnit::kRate:
      return "rate";
    case IndicatorUnit::kDays:
      return "days";
  }
  return "";
}

void Fill(const IndicatorValue& value, zwfw::v1::IndicatorFigure* out) {
  out->set_numerator(value.numerator);
  out->set_denominator(value.denominator);
  out->set_text(FormatValue(value));
}

// The inputs of every department named by either source.
absl::flat_hash_map<std::string, IndicatorInputs> InputsByDepartment(
    const PeriodAggregates& a) {
  absl::flat_hash_map<std::string, IndicatorInputs> out;
  for (const zwfw::v1::DepartmentCaseSums& d : a.cases.departments()) {
    IndicatorInputs& in = out[d.department_code()];
    in.case_sums.assign(d.sums().begin(), d.sums().end());
  }
  for (const zwfw::v1::DepartmentSatisfaction& d :
       a.satisfaction.departments()) {
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

UnitTable BuildUnitTable(const PeriodAggregates& aggregates,
                         const zwfw::v1::DirectorySnapshot& directory) {
  absl::flat_hash_map<std::string, IndicatorInputs> inputs =
      InputsByDepartment(aggregates);
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

zwfw::v1::GetIndicatorsResponse BuildIndicatorReport(
    const IndicatorPlan& plan, const zwfw::v1::DirectorySnapshot& directory,
    const PeriodAggregates& now, const PeriodAggregates* previous,
    const PeriodAggregates* year_before) {
  zwfw::v1::GetIndicatorsResponse out;
  out.set_period(now.period.ToString());
  out.set_period_name(now.period.ChineseName());
  for (const Indicator& i : plan.indicators()) {
    zwfw::v1::IndicatorInfo* info = out.add_indicators();
    info->set_text(i.text);
    info->set_name(i.name);
    info->set_chinese(i.chinese);
    info->set_unit(UnitName(i.unit));
  }
  const UnitTable table = BuildUnitTable(now, directory);
  UnitTable before, year;
  if (previous != nullptr) {
    before = BuildUnitTable(*previous, directory);
    out.set_previous_period(previous->period.ToString());
  }
  if (year_before != nullptr) {
    year = BuildUnitTable(*year_before, directory);
    out.set_year_before_period(year_before->period.ToString());
  }
  const std::string previous_name =
      EarlierName(now.period, Earlier::kPrevious);
  const std::string year_name = EarlierName(now.period, Earlier::kYearBefore);

  // The same unit in an earlier period's table, or none.
  auto find = [](const std::vector<UnitInputs>& units,
                 const std::string& code) -> const UnitInputs* {
    for (const UnitInputs& u : units) {
      if (u.code == code) return &u;
    }
    return nullptr;
  };
  static const UnitInputs kNothing;
  auto row = [&](const UnitInputs& unit, const UnitInputs* earlier,
                 const UnitInputs* year_earlier,
                 zwfw::v1::IndicatorRow* r) {
    r->set_code(unit.code);
    r->set_name(unit.name);
    r->set_group(unit.group);
    const int n = static_cast<int>(plan.indicators().size());
    for (int i = 0; i < n; ++i) {
      const IndicatorValue value = plan.Evaluate(i, unit.inputs);
      Fill(value, r->add_figures());
      if (previous != nullptr) {
        const IndicatorValue v = plan.Evaluate(
            i, (earlier != nullptr ? *earlier : kNothing).inputs);
        Fill(v, r->add_previous());
        r->add_change(DescribeChange(value, v, previous_name));
      }
      if (year_before != nullptr) {
        const IndicatorValue v = plan.Evaluate(
            i, (year_earlier != nullptr ? *year_earlier : kNothing).inputs);
        Fill(v, r->add_year_before());
        r->add_year_change(DescribeChange(value, v, year_name));
      }
    }
  };
  for (const UnitInputs& d : table.departments) {
    row(d, find(before.departments, d.code), find(year.departments, d.code),
        out.add_departments());
  }
  for (const UnitInputs& g : table.groups) {
    row(g, find(before.groups, g.code), find(year.groups, g.code),
        out.add_groups());
  }
  row(table.total, &before.total, &year.total, out.mutable_total());

  // The earliest moment any answer read may change by the clock alone.
  std::optional<absl::Time> stable;
  for (const PeriodAggregates* a : {&now, previous, year_before}) {
    if (a == nullptr) continue;
    for (const google::protobuf::Timestamp* t :
         {a->cases.has_stable_until() ? &a->cases.stable_until() : nullptr,
          a->satisfaction.has_stable_until() ? &a->satisfaction.stable_until()
                                              : nullptr}) {
      if (t != nullptr && (!stable || ToTime(*t) < *stable)) {
        stable = ToTime(*t);
      }
    }
  }
  if (stable) *out.mutable_stable_until() = ToProto(*stable);
  return out;
}

}  // namespace zwfw::bulletin

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

}  // namespace

zwfw::v1::GetIndicatorsResponse BuildIndicatorReport(
    const IndicatorPlan& plan, const zwfw::v1::DirectorySnapshot& directory,
    const PeriodAggregates& now, const PeriodAggregates* previous,
    const PeriodAggregates* year_before, int top) {
  zwfw::v1::GetIndicatorsResponse out;
  out.set_period(now.period.ToString());
  out.set_period_name(now.period.ChineseName());
  for (const Indicator& i : plan.indicators()) {
    zwfw::v1::IndicatorInfo* info = out.add_indicators();
    info->set_text(i.text);
    info->set_name(i.name);
    info->set_chinese(i.chinese);
    info->set_unit(UnitName(i.unit));
    info->set_fewer_is_better(i.fewer_is_better);
    info->set_records(plan.RecordsListed(out.indicators_size() - 1));
  }
  const UnitTable table =
      BuildUnitTable(now.cases, now.satisfaction, directory);
  UnitTable before, year;
  if (previous != nullptr) {
    before = BuildUnitTable(previous->cases, previous->satisfaction, directory);
    out.set_previous_period(previous->period.ToString());
  }
  if (year_before != nullptr) {
    year = BuildUnitTable(year_before->cases, year_before->satisfaction,
                          directory);
    out.set_year_before_period(year_before->period.ToString());
  }
  const std::string previous_name = EarlierName(now.period, Earlier::kPrevious);
  const std::string year_name = EarlierName(now.period, Earlier::kYearBefore);

  // The same unit in an earlier period's table, or none.
  auto index = [](const std::vector<UnitInputs>& units) {
    absl::flat_hash_map<std::string, const UnitInputs*> by_code;
    for (const UnitInputs& u : units) by_code[u.code] = &u;
    return by_code;
  };
  auto find =
      [](const absl::flat_hash_map<std::string, const UnitInputs*>& by_code,
         const std::string& code) -> const UnitInputs* {
    auto it = by_code.find(code);
    return it == by_code.end() ? nullptr : it->second;
  };
  const auto before_departments = index(before.departments);
  const auto before_groups = index(before.groups);
  const auto year_departments = index(year.departments);
  const auto year_groups = index(year.groups);
  static const UnitInputs kNothing;
  auto row = [&](const UnitInputs& unit, const UnitInputs* earlier,
                 const UnitInputs* year_earlier, zwfw::v1::IndicatorRow* r) {
    r->set_code(unit.code);
    r->set_name(unit.name);
    r->set_group(unit.group);
    const int n = static_cast<int>(plan.indicators().size());
    for (int i = 0; i < n; ++i) {
      const IndicatorValue value = plan.Evaluate(i, unit.inputs);
      Fill(value, r->add_figures());
      if (previous != nullptr) {
        const IndicatorValue v =
            plan.Evaluate(i, (earlier != nullptr ? *earlier : kNothing).inputs);
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
    row(d, find(before_departments, d.code), find(year_departments, d.code),
        out.add_departments());
  }
  // Each department's place by each indicator, how many have one, and the
  // rankings asked for.
  for (size_t i = 0; i < plan.indicators().size(); ++i) {
    std::vector<IndicatorValue> values;
    for (const UnitInputs& d : table.departments) {
      values.push_back(plan.Evaluate(static_cast<int>(i), d.inputs));
    }
    const std::vector<int> places =
        UnitPlaces(values, plan.indicators()[i].fewer_is_better);
    for (size_t u = 0; u < places.size(); ++u) {
      out.mutable_departments(static_cast<int>(u))->add_places(places[u]);
    }
    out.mutable_indicators(static_cast<int>(i))
        ->set_ranked(static_cast<int32_t>(
            std::count_if(places.begin(), places.end(),
                          [](int place) { return place > 0; })));
    if (top > 0) {
      zwfw::v1::IndicatorRanking* ranking = out.add_rankings();
      for (size_t u : TopUnits(values, static_cast<size_t>(top))) {
        ranking->add_top(table.departments[u].code);
      }
      for (size_t u : ZeroUnits(values)) {
        ranking->add_zero(table.departments[u].code);
      }
    }
  }
  for (const UnitInputs& g : table.groups) {
    row(g, find(before_groups, g.code), find(year_groups, g.code),
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

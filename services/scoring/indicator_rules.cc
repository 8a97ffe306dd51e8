#include "services/scoring/indicator_rules.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/indicator_format.h"
#include "services/scoring/scoring_rules.h"

namespace zwfw::scoring {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

// The threshold as an exact value of the indicator's unit.
IndicatorValue Threshold(const zwfw::v1::ScoringRule& rule,
                         IndicatorUnit unit) {
  switch (unit) {
    case IndicatorUnit::kRate:
      return {unit, rule.threshold(), 10000};
    case IndicatorUnit::kDays:
      return {unit, rule.threshold(), 100};
    case IndicatorUnit::kCount:
      return {unit, rule.threshold(), 1};
  }
  return {unit, 0, 1};
}

// How many the value rests on: a rate's denominator, the cases timed of
// days.
int64_t Volume(const IndicatorValue& value) {
  switch (value.unit) {
    case IndicatorUnit::kRate:
      return value.denominator;
    case IndicatorUnit::kDays:
      return value.denominator / kSecondsPerDay;
    case IndicatorUnit::kCount:
      return value.numerator;
  }
  return 0;
}

std::string WithUnit(const IndicatorValue& value) {
  const std::string text = FormatValue(value);
  switch (value.unit) {
    case IndicatorUnit::kDays:
      return absl::StrCat(text, "天");
    case IndicatorUnit::kCount:
      return absl::StrCat(text, "件");
    case IndicatorUnit::kRate:
      return text;
  }
  return text;
}

// Points after the cap.
int64_t Capped(int64_t raw, int64_t cap, bool* capped) {
  *capped = cap > 0 && std::llabs(raw) > cap;
  if (!*capped) return raw;
  return raw < 0 ? -cap : cap;
}

}  // namespace

absl::Status CheckIndicatorRule(const zwfw::v1::ScoringRule& rule) {
  IndicatorPlan plan;
  absl::StatusOr<int> index = plan.Add(rule.library_indicator());
  if (!index.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("library_indicator: ", index.status().message()));
  }
  if (rule.indicator() != zwfw::v1::INDICATOR_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "indicator, library_indicator: one or the other, not both");
  }
  if (!zwfw::v1::Comparison_IsValid(rule.comparison())) {
    return absl::InvalidArgumentError("comparison: unknown");
  }
  const IndicatorUnit unit = plan.indicators()[*index].unit;
  if (rule.comparison() == zwfw::v1::COMPARISON_UNSPECIFIED) {
    if (unit != IndicatorUnit::kCount) {
      return absl::InvalidArgumentError(absl::StrCat(
          "comparison: ", rule.library_indicator(),
          " is a rate or days: say BELOW, AT_LEAST, ABOVE or AT_MOST"));
    }
    if (rule.threshold() != 0 || rule.min_volume() != 0) {
      return absl::InvalidArgumentError(
          "threshold, min_volume: a count scored per unit takes neither");
    }
    return absl::OkStatus();
  }
  if (unit == IndicatorUnit::kRate &&
      (rule.threshold() < 0 || rule.threshold() > 10000)) {
    return absl::InvalidArgumentError(
        "threshold: basis points from 0 to 10000 for a rate");
  }
  if (rule.threshold() < 0) {
    return absl::InvalidArgumentError("threshold: must not be negative");
  }
  if (rule.min_volume() < 0) {
    return absl::InvalidArgumentError("min_volume: must not be negative");
  }
  return absl::OkStatus();
}

zwfw::v1::ScoreLine ApplyIndicatorRule(const zwfw::v1::ScoringRule& rule,
                                       const Indicator& info,
                                       const IndicatorValue& value) {
  zwfw::v1::ScoreLine line;
  line.set_rule_id(rule.id());
  line.set_text(rule.text());
  bool capped = false;
  if (rule.comparison() == zwfw::v1::COMPARISON_UNSPECIFIED) {
    // A count, per unit.
    line.set_count(value.numerator);
    line.set_points(
        Capped(rule.points() * value.numerator, rule.cap(), &capped));
    line.set_capped(capped);
    line.set_detail(absl::StrCat(
        info.chinese, WithUnit(value),
        capped ? absl::StrCat("（封顶", FormatPoints(rule.cap()), "分）")
               : ""));
    return line;
  }
  line.set_count(value.numerator);
  if (value.empty()) {
    line.set_detail(absl::StrCat(info.chinese, "无数据，不计"));
    return line;
  }
  if (info.unit != IndicatorUnit::kCount &&
      Volume(value) < std::max<int64_t>(rule.min_volume(), 1)) {
    line.set_detail(absl::StrCat(info.chinese, "样本不足（", Volume(value),
                                 "，少于", rule.min_volume(), "），不计"));
    return line;
  }
  const IndicatorValue threshold = Threshold(rule, info.unit);
  bool fires = false;
  const char* words = "";
  switch (rule.comparison()) {
    case zwfw::v1::COMPARISON_BELOW:
      fires = value < threshold;
      words = fires ? "低于" : "不低于";
      break;
    case zwfw::v1::COMPARISON_AT_LEAST:
      fires = !(value < threshold);
      words = fires ? "达到" : "未达到";
      break;
    case zwfw::v1::COMPARISON_ABOVE:
      fires = threshold < value;
      words = fires ? "高于" : "不高于";
      break;
    default:  // COMPARISON_AT_MOST
      fires = !(threshold < value);
      words = fires ? "不高于" : "高于";
      break;
  }
  NumberFormat plain;
  plain.trim_whole = true;
  line.set_detail(absl::StrCat(
      info.chinese, WithUnit(value),
      info.counted_rate
          ? absl::StrCat("（", value.numerator, "/", value.denominator, "）")
          : "",
      "，", words,
      info.unit == IndicatorUnit::kCount ? absl::StrCat(rule.threshold(), "件")
      : info.unit == IndicatorUnit::kDays
          ? absl::StrCat(FormatValue(threshold, plain), "天")
          : FormatBasisPoints(rule.threshold())));
  if (fires) {
    line.set_points(Capped(rule.points(), rule.cap(), &capped));
    line.set_capped(capped);
  }
  return line;
}

}  // namespace zwfw::scoring

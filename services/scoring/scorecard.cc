#include "services/scoring/scorecard.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/percent.h"
#include "services/common/proto_time.h"
#include "services/scoring/indicator_rules.h"
#include "services/scoring/scoring_rules.h"

namespace zwfw::scoring {
namespace {

using zwfw::v1::ScoreLine;

struct Rate {
  int64_t numerator = 0;
  int64_t denominator = 0;
};

int64_t BadRatings(const zwfw::v1::SatisfactionCounters& r) {
  int64_t n = 0;
  for (int i = 0; i < 2 && i < r.active_by_rating_size(); ++i) {
    n += r.active_by_rating(i) + r.defaulted_by_rating(i);
  }
  return n;
}

int64_t Overtime(const zwfw::v1::DepartmentCaseStats& c) {
  return c.approval().overtime() + c.convenience().overtime();
}

void AddEvidence(const std::vector<std::string>& from, ScoreLine* line) {
  for (size_t i = 0; i < from.size() && i < kMaxEvidence; ++i) {
    line->add_evidence(from[i]);
  }
}

// Points after the cap.
int64_t Capped(int64_t raw, int64_t cap, bool* capped) {
  *capped = cap > 0 && std::llabs(raw) > cap;
  if (!*capped) return raw;
  return raw < 0 ? -cap : cap;
}

bool MeetsRate(const zwfw::v1::Rate& rate, int64_t basis_points) {
  return rate.denominator() > 0 &&
         rate.numerator() * 10000 >= basis_points * rate.denominator();
}

}  // namespace

ScoreLine ApplyRule(const zwfw::v1::ScoringRule& rule,
                    const zwfw::v1::DepartmentCaseStats& cases,
                    const zwfw::v1::DepartmentSatisfaction& survey,
                    const Evidence& evidence) {
  ScoreLine line;
  line.set_rule_id(rule.id());
  line.set_text(rule.text());
  bool capped = false;
  if (IsCountIndicator(rule.indicator())) {
    int64_t count = 0;
    std::string what;
    switch (rule.indicator()) {
      case zwfw::v1::INDICATOR_OVERTIME_CASES:
        count = Overtime(cases);
        what = "超时办件";
        AddEvidence(evidence.overtime_cases, &line);
        break;
      case zwfw::v1::INDICATOR_BAD_RATINGS:
        count = BadRatings(survey.ratings());
        what = "差评";
        AddEvidence(evidence.bad_ratings, &line);
        break;
      default:
        count = survey.rectifications().overdue();
        what = "差评整改超期";
        AddEvidence(evidence.overdue_rectifications, &line);
        break;
    }
    line.set_count(count);
    line.set_points(Capped(rule.points() * count, rule.cap(), &capped));
    line.set_detail(absl::StrCat(
        what, count, "件",
        capped ? absl::StrCat("（封顶", FormatPoints(rule.cap()), "分）")
               : ""));
    line.set_capped(capped);
    return line;
  }

  Rate rate;
  std::string name;
  bool below = false;  // the rule fires when the rate is below the threshold
  switch (rule.indicator()) {
    case zwfw::v1::INDICATOR_SATISFACTION_BELOW:
      rate = {survey.ratings().satisfaction_rate().numerator(),
              survey.ratings().satisfaction_rate().denominator()};
      name = "满意率";
      below = true;
      break;
    case zwfw::v1::INDICATOR_GOOD_RATE_AT_LEAST:
      rate = {survey.ratings().good_rate().numerator(),
              survey.ratings().good_rate().denominator()};
      name = "好评率";
      break;
    case zwfw::v1::INDICATOR_ONLINE_RATE_AT_LEAST:
      rate = {cases.approval().online() + cases.convenience().online(),
              cases.approval().total() + cases.convenience().total()};
      name = "网上办理率";
      break;
    default:  // INDICATOR_SAME_DAY_RATE_AT_LEAST
      rate = {cases.approval().center_same_day() +
                  cases.convenience().center_same_day(),
              cases.approval().center() + cases.convenience().center()};
      name = "中心当日办结率";
      break;
  }
  line.set_count(rate.numerator);
  const int64_t volume = std::max<int64_t>(rule.min_volume(), 1);
  if (rate.denominator < volume) {
    line.set_detail(rate.denominator == 0
                        ? absl::StrCat(name, "无数据，不计")
                        : absl::StrCat(name, "样本不足（", rate.denominator,
                                       "，少于", rule.min_volume(),
                                       "），不计"));
    return line;
  }
  const bool reaches =
      rate.numerator * 10000 >= rule.threshold() * rate.denominator;
  const bool fires = below ? !reaches : reaches;
  line.set_detail(absl::StrCat(
      name, FormatPercent(rate.numerator, rate.denominator), "（",
      rate.numerator, "/", rate.denominator, "），",
      below ? (fires ? "低于" : "不低于") : (fires ? "达到" : "未达到"),
      FormatBasisPoints(rule.threshold())));
  if (fires) {
    line.set_points(Capped(rule.points(), rule.cap(), &capped));
    line.set_capped(capped);
  }
  return line;
}

zwfw::v1::Scorecard ComputeScorecard(const std::string& period,
                                     const zwfw::v1::ScoringRules& rules,
                                     const ScoringInputs& inputs) {
  zwfw::v1::Scorecard card;
  card.set_period(period);
  card.set_rules_version(rules.version());
  card.set_intake_data_version(inputs.cases.data_version());
  card.set_survey_data_version(inputs.survey.data_version());
  // The earlier of the inputs' clock horizons.
  for (const google::protobuf::Timestamp* t :
       {inputs.cases.has_stable_until() ? &inputs.cases.stable_until()
                                        : nullptr,
        inputs.survey.has_stable_until() ? &inputs.survey.stable_until()
                                         : nullptr}) {
    if (t == nullptr) continue;
    if (!card.has_stable_until() || ToTime(*t) < ToTime(card.stable_until())) {
      *card.mutable_stable_until() = *t;
    }
  }

  std::map<std::string, const zwfw::v1::DepartmentSatisfaction*> survey_of;
  for (const auto& d : inputs.survey.departments()) {
    survey_of[d.department_code()] = &d;
  }
  const zwfw::v1::DepartmentSatisfaction no_survey;
  const Evidence no_evidence;
  std::map<std::string, int64_t> overtime_of;
  std::map<std::string, int64_t> open_bad_of;

  std::vector<zwfw::v1::DepartmentScore> scores;
  for (const auto& cases : inputs.cases.departments()) {
    const std::string& code = cases.department_code();
    auto s = survey_of.find(code);
    const auto& survey = s == survey_of.end() ? no_survey : *s->second;
    auto e = inputs.evidence.find(code);
    const Evidence& evidence =
        e == inputs.evidence.end() ? no_evidence : e->second;
    overtime_of[code] = Overtime(cases);
    open_bad_of[code] = survey.rectifications().open();

    zwfw::v1::DepartmentScore& score = scores.emplace_back();
    score.set_department_code(code);
    score.set_department_name(cases.department_name());
    int64_t total = rules.base();
    auto values = inputs.library_values.find(code);
    for (const auto& rule : rules.rules()) {
      ScoreLine line;
      if (!rule.library_indicator().empty()) {
        auto info = inputs.library_indicators.find(rule.id());
        IndicatorValue value{IndicatorUnit::kCount, 0, 0};
        if (values != inputs.library_values.end()) {
          auto v = values->second.find(rule.id());
          if (v != values->second.end()) value = v->second;
        }
        line = ApplyIndicatorRule(rule,
                                  info != inputs.library_indicators.end()
                                      ? info->second
                                      : Indicator(),
                                  value);
      } else {
        line = ApplyRule(rule, cases, survey, evidence);
      }
      total += line.points();
      *score.add_lines() = std::move(line);
    }
    if (evidence.extension_count > 0) {
      // Not a rule: no points; the office sees what moved a due time.
      ScoreLine* line = score.add_lines();
      line->set_rule_id("extensions");
      line->set_text("经批准延长承诺时限的办件（不计超时）");
      line->set_count(evidence.extension_count);
      line->set_detail(
          absl::StrCat("延期办件", evidence.extension_count, "件"));
      AddEvidence(evidence.extensions, line);
    }
    for (const auto& a : inputs.adjustments) {
      if (a.department_code() != code) continue;
      ScoreLine* line = score.add_lines();
      line->set_rule_id(absl::StrCat("adjustment:", a.adjustment_id()));
      line->set_text(a.reason());
      line->set_count(1);
      line->set_points(a.points());
      line->set_detail(absl::StrCat("人工调整（", a.added_by(), "）"));
      if (!a.evidence().empty()) line->add_evidence(a.evidence());
      total += a.points();
    }
    score.set_score(total);
    score.set_tier(TierFor(total, rules));
  }
  // Highest score first; ties keep directory order.
  std::stable_sort(
      scores.begin(), scores.end(),
      [](const auto& a, const auto& b) { return a.score() > b.score(); });
  for (auto& s : scores) *card.add_departments() = std::move(s);

  // Proposals.
  auto qualifies =
      [&](const zwfw::v1::AwardCriteria& c, const std::string& department,
          const zwfw::v1::SatisfactionCounters& ratings, std::string* reason) {
        if (c.no_overtime() && overtime_of[department] > 0) return false;
        if (c.no_open_bad_rating() && open_bad_of[department] > 0) return false;
        if (ratings.active() < c.min_active_ratings()) return false;
        if (!MeetsRate(ratings.satisfaction_rate(), c.min_satisfaction())) {
          return false;
        }
        *reason = absl::StrCat(
            "满意率",
            FormatPercent(ratings.satisfaction_rate().numerator(),
                          ratings.satisfaction_rate().denominator()),
            "（", ratings.satisfaction_rate().numerator(), "/",
            ratings.satisfaction_rate().denominator(), "，不低于",
            FormatBasisPoints(c.min_satisfaction()), "），主动评价",
            ratings.active(), "条", c.no_overtime() ? "，部门无超时办件" : "",
            c.no_open_bad_rating() ? "，无未办结差评" : "");
        return true;
      };
  std::map<std::string, std::string> department_of_window;
  for (const auto& w : inputs.survey.windows()) {
    department_of_window[w.window_code()] = w.department_code();
    std::string reason;
    if (qualifies(rules.window_awards(), w.department_code(), w.ratings(),
                  &reason)) {
      zwfw::v1::Award* award = card.add_proposed_windows();
      award->set_code(w.window_code());
      award->set_name(w.window_name());
      award->set_department_code(w.department_code());
      award->set_reason(reason);
    }
  }
  for (const auto& m : inputs.survey.staff()) {
    const std::string& department = department_of_window[m.window_code()];
    std::string reason;
    if (qualifies(rules.staff_awards(), department, m.ratings(), &reason)) {
      zwfw::v1::Award* award = card.add_proposed_staff();
      award->set_code(m.staff_code());
      award->set_name(m.staff_name());
      award->set_window_code(m.window_code());
      award->set_department_code(department);
      award->set_reason(reason);
    }
  }
  for (const auto& w : inputs.windows) *card.add_windows() = w;
  for (const auto& m : inputs.staff) *card.add_staff() = m;
  return card;
}

}  // namespace zwfw::scoring

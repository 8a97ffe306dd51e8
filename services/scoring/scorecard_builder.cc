#include "services/scoring/scorecard_builder.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "services/common/cache_keys.h"
#include "services/common/indicator_inputs.h"
#include "services/common/rating_bands.h"
#include "services/scoring/scorecard.h"

namespace zwfw::scoring {

absl::StatusOr<zwfw::v1::Scorecard> ScorecardBuilder::Compute(
    const ReportPeriod& period, CacheUse use) {
  absl::StatusOr<std::optional<zwfw::v1::ScoringRules>> rules =
      store_->GetRules(0);
  if (!rules.ok()) return rules.status();
  if (!rules->has_value()) {
    return absl::FailedPreconditionError(
        "no scoring rules set yet: load them with zwfw rules set FILE");
  }
  ScoringInputs inputs;
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> cases =
      sources_->CaseStats(period);
  if (!cases.ok()) return cases.status();
  inputs.cases = *std::move(cases);
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> survey =
      sources_->Satisfaction(period);
  if (!survey.ok()) return survey.status();
  inputs.survey = *std::move(survey);
  // The rules over library indicators: their indicators parsed (with the
  // office's satisfied levels), their case sums read, every department's
  // value evaluated.
  IndicatorPlan plan(SatisfiedLevelsOf(inputs.survey));
  std::map<std::string, int> plan_index;  // by rule id
  for (const zwfw::v1::ScoringRule& rule : (*rules)->rules()) {
    if (rule.library_indicator().empty()) continue;
    absl::StatusOr<int> index = plan.Add(rule.library_indicator());
    if (!index.ok()) return index.status();  // validated when set
    plan_index[rule.id()] = *index;
    inputs.library_indicators[rule.id()] = plan.indicators()[*index];
  }
  zwfw::v1::GetCaseSumsResponse sums;
  if (!plan.measures().empty()) {
    absl::StatusOr<zwfw::v1::GetCaseSumsResponse> read =
        sources_->CaseSums(period, plan.measures());
    if (!read.ok()) return read.status();
    sums = *std::move(read);
  }
  if (!plan_index.empty()) {
    absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
        sources_->Directory();
    if (!directory.ok()) return directory.status();
    const UnitTable units =
        BuildUnitTable(sums, inputs.survey, (*directory)->snapshot());
    for (const UnitInputs& unit : units.departments) {
      for (const auto& [id, index] : plan_index) {
        inputs.library_values[unit.code][id] =
            plan.Evaluate(index, unit.inputs);
      }
    }
  }
  absl::StatusOr<int64_t> period_version =
      store_->PeriodVersion(period.ToString());
  if (!period_version.ok()) return period_version.status();
  // Extensions: one lookup for every department, part of the key (an
  // extension need not move a figure).
  absl::StatusOr<std::vector<zwfw::v1::Case>> extended =
      sources_->ExtendedCases(period, kMaxExtensionLookup);
  if (!extended.ok()) return extended.status();
  std::string extended_key;
  for (const zwfw::v1::Case& c : *extended) {
    absl::StrAppend(&extended_key, c.department_code(), "/", c.case_no(), "/",
                    c.extension().SerializeAsString(), ";");
  }

  // The key names every input: the month's figures as read (with the
  // department rows and names of the directory they were built from, which
  // their data versions do not cover), their versions (which also move
  // with the evidence behind equal figures), the rules and this period's
  // adjustments and awards. So a cached scorecard is never stale.
  const std::string key = ScorecardCacheKey(
      period.ToString(),
      absl::StrCat(inputs.cases.SerializeAsString(), "/",
                   inputs.survey.SerializeAsString(), "/",
                   sums.SerializeAsString(), "/", inputs.cases.data_version(),
                   "/", inputs.survey.data_version(), "/", (*rules)->version(),
                   "/", *period_version, "/", extended_key));
  if (cache_ != nullptr && use == CacheUse::kAllowed) {
    if (std::optional<std::string> hit = cache_->Get(key)) {
      zwfw::v1::Scorecard card;
      if (card.ParseFromString(*hit)) return card;
    }
  }
  // Concurrent misses of one key share one computation.
  return flights_.Do(key, [&]() -> absl::StatusOr<zwfw::v1::Scorecard> {
    absl::StatusOr<std::vector<zwfw::v1::Adjustment>> adjustments =
        store_->ListAdjustments(period.ToString(), "",
                                /*include_removed=*/false);
    if (!adjustments.ok()) return adjustments.status();
    inputs.adjustments = *std::move(adjustments);
    absl::StatusOr<Awards> awards = store_->GetAwards(period.ToString());
    if (!awards.ok()) return awards.status();
    inputs.windows = awards->windows;
    inputs.staff = awards->staff;

    for (const zwfw::v1::Case& c : *extended) {
      Evidence& e = inputs.evidence[c.department_code()];
      ++e.extension_count;
      if (e.extensions.size() < static_cast<size_t>(kMaxEvidence)) {
        e.extensions.push_back(
            absl::StrCat(c.case_no(), "（", c.extension().approval_ref(), "，+",
                         c.extension().working_days(), "个工作日）"));
      }
    }
    std::map<std::string, const zwfw::v1::DepartmentSatisfaction*> survey_of;
    for (const auto& d : inputs.survey.departments()) {
      survey_of[d.department_code()] = &d;
    }
    for (const auto& d : inputs.cases.departments()) {
      const std::string& code = d.department_code();
      Evidence& e = inputs.evidence[code];
      if (d.approval().overtime() + d.convenience().overtime() > 0) {
        absl::StatusOr<std::vector<std::string>> ids =
            sources_->OvertimeCases(period, code, kMaxEvidence);
        if (!ids.ok()) return ids.status();
        e.overtime_cases = *std::move(ids);
      }
      auto s = survey_of.find(code);
      if (s == survey_of.end()) continue;
      const auto& ratings = s->second->ratings();
      int64_t bad = 0;  // 差评 (rating_bands.h)
      for (int level = kLowestRating; level <= kHighestBadRating; ++level) {
        const int i = level - kLowestRating;
        if (i >= ratings.active_by_rating_size()) break;
        bad += ratings.active_by_rating(i) + ratings.defaulted_by_rating(i);
      }
      if (bad > 0) {
        absl::StatusOr<std::vector<std::string>> ids =
            sources_->BadRatings(period, code, false, kMaxEvidence);
        if (!ids.ok()) return ids.status();
        e.bad_ratings = *std::move(ids);
      }
      if (s->second->rectifications().overdue() > 0) {
        absl::StatusOr<std::vector<std::string>> ids =
            sources_->BadRatings(period, code, true, kMaxEvidence);
        if (!ids.ok()) return ids.status();
        e.overdue_rectifications = *std::move(ids);
      }
    }
    zwfw::v1::Scorecard card =
        zwfw::scoring::ComputeScorecard(period.ToString(), **rules, inputs);
    if (cache_ != nullptr) {
      cache_->Set(key, card.SerializeAsString(), cache_ttl_);
    }
    return card;
  });
}

absl::StatusOr<zwfw::v1::Scorecard> ScorecardBuilder::Load(
    const std::string& text, bool use_frozen, CacheUse use) {
  absl::StatusOr<ReportPeriod> period = ReportPeriod::Parse(text);
  if (!period.ok()) return period.status();
  if (use_frozen) {
    absl::StatusOr<std::optional<zwfw::v1::Scorecard>> frozen =
        store_->GetFrozen(period->ToString());
    if (!frozen.ok()) return frozen.status();
    if (frozen->has_value()) return **frozen;
  }
  return Compute(*period, use);
}

}  // namespace zwfw::scoring

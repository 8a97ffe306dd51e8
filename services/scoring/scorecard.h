// Computing a month's scorecard from the inputs, as a pure function: the
// same inputs always give the same scorecard.
#ifndef ZWFW_SERVICES_SCORING_SCORECARD_H_
#define ZWFW_SERVICES_SCORING_SCORECARD_H_

#include <map>
#include <string>
#include <vector>

#include "services/common/indicators.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/scoring.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::scoring {

inline constexpr int kMaxEvidence = 10;
// Extended cases read for one scorecard (every department's): the count
// of a department is exact below this.
inline constexpr int kMaxExtensionLookup = 1000;

// Case numbers or evaluation ids behind a department's counts.
struct Evidence {
  std::vector<std::string> overtime_cases;
  std::vector<std::string> bad_ratings;
  std::vector<std::string> overdue_rectifications;
  // Cases due in the period whose due time an approved extension moved
  // ("case_no（approval reference，+N个工作日）"), and how many there are: the
  // scorecard lists them (no points) so the office sees every extension.
  std::vector<std::string> extensions = {};
  int64_t extension_count = 0;
};

struct ScoringInputs {
  zwfw::v1::GetCaseStatsResponse cases;
  zwfw::v1::GetSatisfactionStatsResponse survey;
  std::vector<zwfw::v1::Adjustment> adjustments;
  std::map<std::string, Evidence> evidence;  // by department code
  // Confirmed by the office; copied into the scorecard as they are.
  std::vector<zwfw::v1::Award> windows, staff;
  // The rules over library indicators (indicator_rules.h): each one's
  // indicator as parsed, by rule id, and every department's value of it.
  std::map<std::string, Indicator> library_indicators;
  std::map<std::string, std::map<std::string, IndicatorValue>>
      library_values;  // by department code, then rule id
};

// Every department of `inputs.cases` (the directory's), scored: base, one
// line per rule, one per adjustment; highest score first, then directory
// order. Proposed windows and staff by the rules' award criteria.
zwfw::v1::Scorecard ComputeScorecard(const std::string& period,
                                     const zwfw::v1::ScoringRules& rules,
                                     const ScoringInputs& inputs);

// One rule applied to one department's figures.
zwfw::v1::ScoreLine ApplyRule(const zwfw::v1::ScoringRule& rule,
                              const zwfw::v1::DepartmentCaseStats& cases,
                              const zwfw::v1::DepartmentSatisfaction& survey,
                              const Evidence& evidence);

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SCORECARD_H_

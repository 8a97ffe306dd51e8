// Scoring rules over any indicator of the library (indicators.h): an office
// scores on its own figures — 按时办结率 below 95%: −2; 实际提速 above 80%:
// +0.5; each 超时办结件: −1. The one home of those rules' checks, their
// arithmetic and their explanations; the enum indicators of scorecard.h
// keep working as they are.
#ifndef ZWFW_SERVICES_SCORING_INDICATOR_RULES_H_
#define ZWFW_SERVICES_SCORING_INDICATOR_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "services/common/indicators.h"
#include "zwfw/v1/scoring.pb.h"

namespace zwfw::scoring {

// INVALID_ARGUMENT (the reason, without the rule's name) for a library
// rule whose indicator does not parse, a rate or days without a comparison,
// a comparison that is unknown, or a threshold out of its unit's range
// (rates 0–10000 basis points, days and counts not negative).
absl::Status CheckIndicatorRule(const zwfw::v1::ScoringRule& rule);

// The rule applied to one department's value of its indicator (`info`
// as the plan parsed it).
zwfw::v1::ScoreLine ApplyIndicatorRule(const zwfw::v1::ScoringRule& rule,
                                       const Indicator& info,
                                       const IndicatorValue& value);

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_INDICATOR_RULES_H_

// Validation of scoring rules, and the small exact arithmetic the rules
// use (points in hundredths, rates in basis points, no floating point).
#ifndef ZWFW_SERVICES_SCORING_SCORING_RULES_H_
#define ZWFW_SERVICES_SCORING_SCORING_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "zwfw/v1/scoring.pb.h"

namespace zwfw::scoring {

// INVALID_ARGUMENT naming the rule or tier at fault: a missing or repeated
// id, an unknown indicator (or library indicator, indicator_rules.h), zero
// points, a negative cap, a threshold out of 0–10000 (or set on a count),
// tiers that are empty, unordered or overlapping, a base out of (0, 200].
absl::Status ValidateRules(const zwfw::v1::ScoringRules& rules);

bool IsCountIndicator(zwfw::v1::Indicator indicator);

// The label of the highest tier whose floor `score` reaches; "" below all.
std::string TierFor(int64_t score, const zwfw::v1::ScoringRules& rules);

// "98.5", "100", "99.25": hundredths as a person writes them.
std::string FormatPoints(int64_t hundredths);

// "95%" or "95.5%" for basis points.
std::string FormatBasisPoints(int64_t basis_points);

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SCORING_RULES_H_

#include "services/scoring/scoring_rules.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/scoring/indicator_rules.h"

namespace zwfw::scoring {
namespace {

bool ValidId(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
         });
}

}  // namespace

bool IsCountIndicator(zwfw::v1::Indicator indicator) {
  return indicator == zwfw::v1::INDICATOR_OVERTIME_CASES ||
         indicator == zwfw::v1::INDICATOR_BAD_RATINGS ||
         indicator == zwfw::v1::INDICATOR_OVERDUE_RECTIFICATIONS;
}

absl::Status ValidateRules(const zwfw::v1::ScoringRules& rules) {
  if (rules.base() <= 0 || rules.base() > 20000) {
    return absl::InvalidArgumentError(
        "base: must be above 0 and at most 20000 (hundredths: 10000 is 100)");
  }
  std::set<std::string> ids;
  for (int i = 0; i < rules.rules_size(); ++i) {
    const zwfw::v1::ScoringRule& r = rules.rules(i);
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(
          "rules[", i, "]", r.id().empty() ? "" : " (\"" + r.id() + "\")", ": ",
          why));
    };
    if (!ValidId(r.id())) {
      return bad("id: 1-64 characters of a-z, 0-9, '_' and '-'");
    }
    if (!ids.insert(r.id()).second) return bad("id: repeated");
    if (r.text().empty() || r.text().size() > 300) {
      return bad("text: 1-300 bytes, the rule as a person reads it");
    }
    if (r.points() == 0 || std::llabs(r.points()) > 10000) {
      return bad("points: non-zero, at most 10000 hundredths either way");
    }
    if (r.cap() < 0) return bad("cap: must not be negative");
    if (!r.library_indicator().empty()) {
      absl::Status s = CheckIndicatorRule(r);
      if (!s.ok()) return bad(s.message());
      continue;
    }
    if (r.comparison() != zwfw::v1::COMPARISON_UNSPECIFIED) {
      return bad("comparison: only with a library_indicator");
    }
    if (!zwfw::v1::Indicator_IsValid(r.indicator()) ||
        r.indicator() == zwfw::v1::INDICATOR_UNSPECIFIED) {
      return bad("indicator: unknown (or name a library_indicator)");
    }
    if (IsCountIndicator(r.indicator())) {
      if (r.threshold() != 0 || r.min_volume() != 0) {
        return bad("threshold, min_volume: only for rate indicators");
      }
    } else {
      if (r.threshold() < 0 || r.threshold() > 10000) {
        return bad("threshold: basis points from 0 to 10000");
      }
      if (r.min_volume() < 0) return bad("min_volume: must not be negative");
    }
  }
  if (rules.tiers_size() == 0) {
    return absl::InvalidArgumentError("tiers: at least one tier is needed");
  }
  for (int i = 0; i < rules.tiers_size(); ++i) {
    const zwfw::v1::Tier& t = rules.tiers(i);
    if (t.label().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("tiers[", i, "]: label is empty"));
    }
    if (t.floor() < 0 || t.floor() > 20000) {
      return absl::InvalidArgumentError(
          absl::StrCat("tiers[", i, "] (\"", t.label(),
                       "\"): floor must be 0 to 20000 hundredths"));
    }
    if (i > 0 && t.floor() >= rules.tiers(i - 1).floor()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tiers[", i, "] (\"", t.label(),
          "\"): floors must be strictly "
          "descending; ",
          t.floor(), " overlaps or follows ", rules.tiers(i - 1).floor()));
    }
  }
  for (const auto* criteria : {&rules.window_awards(), &rules.staff_awards()}) {
    if (criteria->min_satisfaction() < 0 ||
        criteria->min_satisfaction() > 10000 ||
        criteria->min_active_ratings() < 0) {
      return absl::InvalidArgumentError(
          "window_awards, staff_awards: min_satisfaction is 0-10000 basis "
          "points, min_active_ratings not negative");
    }
  }
  return absl::OkStatus();
}

std::string TierFor(int64_t score, const zwfw::v1::ScoringRules& rules) {
  for (const zwfw::v1::Tier& t : rules.tiers()) {
    if (score >= t.floor()) return t.label();
  }
  return "";
}

std::string FormatPoints(int64_t hundredths) {
  const char* sign = hundredths < 0 ? "-" : "";
  int64_t v = std::llabs(hundredths);
  if (v % 100 == 0) return absl::StrCat(sign, v / 100);
  if (v % 10 == 0)
    return absl::StrFormat("%s%d.%d", sign, v / 100, v % 100 / 10);
  return absl::StrFormat("%s%d.%02d", sign, v / 100, v % 100);
}

std::string FormatBasisPoints(int64_t basis_points) {
  if (basis_points % 100 == 0) return absl::StrCat(basis_points / 100, "%");
  if (basis_points % 10 == 0) {
    return absl::StrFormat("%d.%d%%", basis_points / 100,
                           basis_points % 100 / 10);
  }
  return absl::StrFormat("%d.%02d%%", basis_points / 100, basis_points % 100);
}

}  // namespace zwfw::scoring

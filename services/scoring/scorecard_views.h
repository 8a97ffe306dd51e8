// What each caller may see of a scorecard (DESIGN.md, "Security"): the
// scorecard names cases and evaluations (evidence), carries the office's
// free-text adjustment notes, and — before publication — provisional tiers
// and proposed awards. One rule, applied by every RPC that answers one:
//
// - admin and service: everything;
// - a department: every department's scores and figures; evidence and
//   adjustment text on its own lines only; tiers and proposed awards once
//   the scorecard is frozen (published) only;
// - viewer (the dashboards, the anonymous viewer): the frozen scorecard
//   only, with no evidence and no adjustment text — FAILED_PRECONDITION
//   before it is published.
//
// Pure.
#ifndef ZWFW_SERVICES_SCORING_SCORECARD_VIEWS_H_
#define ZWFW_SERVICES_SCORING_SCORECARD_VIEWS_H_

#include "absl/status/statusor.h"
#include "services/common/auth.h"
#include "zwfw/v1/scoring.pb.h"

namespace zwfw::scoring {

// What `who` sees of `card`.
absl::StatusOr<zwfw::v1::Scorecard> ScorecardFor(const Principal& who,
                                                 zwfw::v1::Scorecard card);

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SCORECARD_VIEWS_H_

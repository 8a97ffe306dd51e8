// Who may rate, and for what (DESIGN.md, "Who may say what"), as pure
// functions. Ratings come only from citizens' channels:
//
// - `evaluator:<window_code>` (a window device): rates for its own window;
//   the department and window are the token's, not the request's. The only
//   source of walk-in ratings (no case), at most a cap a window a day.
// - `channel:<name>` (the online platform, SMS, an app): rates cases intake
//   knows, of the department named, evaluated after acceptance.
// - admin and service: the office's own imports (the national 好差评
//   platform's exports), as given.
// - a department never rates, not even its own cases.
//
// Evaluator and channel ratings of a case are checked against intake
// (CheckAgainstCase) in one lookup a batch.
#ifndef ZWFW_SERVICES_SURVEY_RATING_SOURCES_H_
#define ZWFW_SERVICES_SURVEY_RATING_SOURCES_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/directory_index.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::survey {

// Walk-in ratings one window device may submit a day (CST), by default
// (--walk_in_daily_cap).
inline constexpr int kDefaultWalkInDailyCap = 500;

// Whether `who` may submit ratings at all: PERMISSION_DENIED naming the
// rule for a department token (a department never rates itself) and for a
// viewer. SubmitEvaluations refuses the whole call with it.
absl::Status MayRate(const Principal& who);

// Applies `who`'s rights to `e` (MayRate first): PERMISSION_DENIED naming the
// rule for a department token, for an evaluator naming another window or
// department, for a channel rating without a case; fills the department and
// window of an evaluator's rating from its token. `e`'s department is still the
// name the request gave (resolved later) unless the token set it.
absl::Status ApplyRatingSource(const Principal& who,
                               const DirectoryIndex& directory,
                               zwfw::v1::Evaluation* e);

// Whether `e` (from `who`) must be checked against intake's case.
bool NeedsCaseCheck(const Principal& who, const zwfw::v1::Evaluation& e);

// `e` against what intake knows of its case (nullopt: not known):
// FAILED_PRECONDITION "case_no: ..." for an unknown case or a rating before
// the case was accepted.
absl::Status CheckAgainstCase(const zwfw::v1::Evaluation& e,
                              std::optional<absl::Time> accepted_at);

// The CST day ("2020-07-03") whose walk-in cap `e` counts against, or ""
// when it counts against none (not a walk-in rating from a window device).
std::string WalkInDay(const Principal& who, const zwfw::v1::Evaluation& e);

// The refusal of a walk-in rating over the cap.
absl::Status WalkInCapReached(const std::string& window_code,
                              const std::string& day, int cap);

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_RATING_SOURCES_H_

// The rules of evaluations, return visits and rectifications, as pure
// functions: validation against the directory. Rating bands and satisfied
// levels: rating_bands.h; rectification states, due time and overdue:
// rectification_rules.h.
//
// Errors carry "<field>: <reason>" like intake's (see SplitFieldError).
#ifndef ZWFW_SERVICES_SURVEY_SURVEY_RULES_H_
#define ZWFW_SERVICES_SURVEY_SURVEY_RULES_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/directory_index.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::survey {

inline constexpr size_t kMaxIdBytes = 64;
inline constexpr size_t kMaxCommentBytes = 1000;
inline constexpr size_t kMaxNoteBytes = 2000;
inline constexpr int kMaxBatch = 1000;

// Validates an evaluation for `who` (its rights: rating_sources.h) and
// returns it normalised (department alias replaced by the code, department
// and window of a window device's rating filled from its token). The check
// against intake's case is the caller's (one lookup a batch).
absl::StatusOr<zwfw::v1::Evaluation> NormalizeEvaluation(
    const zwfw::v1::Evaluation& e, const DirectoryIndex& directory,
    const Principal& who, absl::Time now);

absl::StatusOr<zwfw::v1::ReturnVisit> NormalizeReturnVisit(
    const zwfw::v1::ReturnVisit& v, const DirectoryIndex& directory,
    const Principal& who, absl::Time now);

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SURVEY_RULES_H_

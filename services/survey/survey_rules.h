// The rules of evaluations, return visits and rectifications, as pure
// functions: validation against the directory, the rectification due time
// on the working-day calendar, legal state changes, overdue.
//
// Errors carry "<field>: <reason>" like intake's (see SplitFieldError).
#ifndef ZWFW_SERVICES_SURVEY_SURVEY_RULES_H_
#define ZWFW_SERVICES_SURVEY_SURVEY_RULES_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/directory_index.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::survey {

inline constexpr size_t kMaxIdBytes = 64;
inline constexpr size_t kMaxCommentBytes = 1000;
inline constexpr size_t kMaxNoteBytes = 2000;
inline constexpr int kMaxBatch = 1000;

// 差评: ratings 1 and 2.
inline bool IsBadRating(int rating) { return rating == 1 || rating == 2; }

// Validates an evaluation for `who` and returns it normalised (department
// alias replaced by the code).
absl::StatusOr<zwfw::v1::Evaluation> NormalizeEvaluation(
    const zwfw::v1::Evaluation& e, const DirectoryIndex& directory,
    const Principal& who, absl::Time now);

absl::StatusOr<zwfw::v1::ReturnVisit> NormalizeReturnVisit(
    const zwfw::v1::ReturnVisit& v, const DirectoryIndex& directory,
    const Principal& who, absl::Time now);

// The end (24:00 CST) of the `days`-th working day after the day of the
// bad rating. From Wed 2020-09-30 with 5 days: the end of Wed 2020-10-14.
absl::StatusOr<absl::Time> RectificationDue(absl::Time evaluated_at, int days,
                                            const Calendar& calendar);

// Whether `who` may move a rectification from `from` to `to`:
// FAILED_PRECONDITION "state: ..." for an illegal change,
// PERMISSION_DENIED for an appeal decision by anyone but admin.
absl::Status CheckRectificationChange(zwfw::v1::RectificationState from,
                                      zwfw::v1::RectificationState to,
                                      const Principal& who);

// Not RECTIFIED by its due time: rectified late, or still being handled
// (PENDING_VERIFICATION, RECTIFYING, APPEAL_REJECTED) after it.
bool IsOverdue(zwfw::v1::RectificationState state, absl::Time due,
               std::optional<absl::Time> rectified_at, absl::Time now);

// "3,4,5" -> {3, 4, 5}; INVALID_ARGUMENT unless distinct levels 1–5.
absl::StatusOr<std::vector<int>> ParseSatisfiedLevels(absl::string_view text);

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SURVEY_RULES_H_

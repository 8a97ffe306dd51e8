// Rectification (整改) of a bad rating, the one definition of its rules: the
// states and which of them are open or have a running clock, the legal
// changes and who may make them, the due time on the working-day calendar
// and overdue. The store builds its SQL from the constants below, never
// from enum numbers.
//
// A bad rating (rating_bands.h) opens a rectification in kOpeningState, due
// at the end of the n-th working day after the rating. It is overdue when
// it was rectified after its due time, or when its clock still runs
// (kClockRunningStates) past it. It is open until a final state: CLOSED (the
// citizen rated the rectified case again) or APPEAL_UPHELD (the office
// voided the rating; it leaves the statistics).
//
// Pure functions, no I/O; thread-safe.
#ifndef ZWFW_SERVICES_SURVEY_RECTIFICATION_RULES_H_
#define ZWFW_SERVICES_SURVEY_RECTIFICATION_RULES_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::survey {

inline constexpr zwfw::v1::RectificationState kOpeningState =
    zwfw::v1::RECTIFICATION_STATE_PENDING_VERIFICATION;
// The department is still handling it: the clock runs toward the due time.
inline constexpr zwfw::v1::RectificationState kClockRunningStates[] = {
    zwfw::v1::RECTIFICATION_STATE_PENDING_VERIFICATION,
    zwfw::v1::RECTIFICATION_STATE_RECTIFYING,
    zwfw::v1::RECTIFICATION_STATE_APPEAL_REJECTED,
};
// Set when the department reports it rectified (rectified_at is taken).
inline constexpr zwfw::v1::RectificationState kRectifiedState =
    zwfw::v1::RECTIFICATION_STATE_RECTIFIED;
// Closed by the citizen's rating of the rectified case.
inline constexpr zwfw::v1::RectificationState kClosedState =
    zwfw::v1::RECTIFICATION_STATE_CLOSED;
// The appeal was upheld: the rating is void.
inline constexpr zwfw::v1::RectificationState kVoidedState =
    zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD;
inline constexpr zwfw::v1::RectificationState kFinalStates[] = {kClosedState,
                                                                kVoidedState};

bool IsClockRunning(zwfw::v1::RectificationState state);
// Not in a final state.
bool IsOpen(zwfw::v1::RectificationState state);

// The due time of a rectification of a rating given at `evaluated_at`: the
// end (24:00 CST) of the `days`-th working day after its day
// (Calendar::EndOfWorkingDay). From Wed 2020-09-30 with 5 days: the end of
// Wed 2020-10-14.
absl::StatusOr<absl::Time> RectificationDue(absl::Time evaluated_at, int days,
                                            const Calendar& calendar);

// Whether `who` may move a rectification from `from` to `to`:
// FAILED_PRECONDITION "state: ..." for an illegal change,
// PERMISSION_DENIED for an appeal decision by anyone but admin.
absl::Status CheckRectificationChange(zwfw::v1::RectificationState from,
                                      zwfw::v1::RectificationState to,
                                      const Principal& who);

// Rectified after `due`, or not rectified and its clock running at `now`
// past `due`.
bool IsOverdue(zwfw::v1::RectificationState state, absl::Time due,
               std::optional<absl::Time> rectified_at, absl::Time now);

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_RECTIFICATION_RULES_H_

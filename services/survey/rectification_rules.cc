#include "services/survey/rectification_rules.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"

namespace zwfw::survey {

using zwfw::v1::RectificationState;

absl::StatusOr<absl::Time> RectificationDue(absl::Time evaluated_at, int days,
                                            const Calendar& calendar) {
  return calendar.EndOfWorkingDay(evaluated_at, days);
}

absl::Status CheckRectificationChange(RectificationState from,
                                      RectificationState to,
                                      const Principal& who) {
  using S = RectificationState;
  static const std::pair<S, S> kLegal[] = {
      {zwfw::v1::RECTIFICATION_STATE_PENDING_VERIFICATION,
       zwfw::v1::RECTIFICATION_STATE_RECTIFYING},
      {zwfw::v1::RECTIFICATION_STATE_PENDING_VERIFICATION,
       zwfw::v1::RECTIFICATION_STATE_APPEALED},
      {zwfw::v1::RECTIFICATION_STATE_RECTIFYING,
       zwfw::v1::RECTIFICATION_STATE_RECTIFIED},
      {zwfw::v1::RECTIFICATION_STATE_RECTIFYING,
       zwfw::v1::RECTIFICATION_STATE_APPEALED},
      {zwfw::v1::RECTIFICATION_STATE_RECTIFIED,
       zwfw::v1::RECTIFICATION_STATE_CLOSED},
      {zwfw::v1::RECTIFICATION_STATE_APPEALED,
       zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD},
      {zwfw::v1::RECTIFICATION_STATE_APPEALED,
       zwfw::v1::RECTIFICATION_STATE_APPEAL_REJECTED},
      {zwfw::v1::RECTIFICATION_STATE_APPEAL_REJECTED,
       zwfw::v1::RECTIFICATION_STATE_RECTIFYING},
  };
  if (std::find(std::begin(kLegal), std::end(kLegal), std::pair(from, to)) ==
      std::end(kLegal)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "state: a rectification in ", zwfw::v1::RectificationState_Name(from),
        " cannot move to ", zwfw::v1::RectificationState_Name(to)));
  }
  if ((to == zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD ||
       to == zwfw::v1::RECTIFICATION_STATE_APPEAL_REJECTED) &&
      who.role != Role::kAdmin) {
    return absl::PermissionDeniedError(
        "state: appeals are decided by the office (admin)");
  }
  return absl::OkStatus();
}

bool IsClockRunning(RectificationState state) {
  return std::find(std::begin(kClockRunningStates),
                   std::end(kClockRunningStates),
                   state) != std::end(kClockRunningStates);
}

bool IsOpen(RectificationState state) {
  return std::find(std::begin(kFinalStates), std::end(kFinalStates), state) ==
         std::end(kFinalStates);
}

bool IsOverdue(RectificationState state, absl::Time due,
               std::optional<absl::Time> rectified_at, absl::Time now) {
  if (rectified_at.has_value()) return *rectified_at > due;
  return IsClockRunning(state) && now > due;
}

}  // namespace zwfw::survey

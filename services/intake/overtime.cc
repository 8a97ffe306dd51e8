#include "services/intake/overtime.h"

#include "services/common/proto_time.h"

namespace zwfw::intake {

DueStanding StandingOf(const zwfw::v1::Case& c) {
  if (!HasTime(c.due_at())) return DueStanding::kNoDueTime;
  switch (c.status()) {
    case kFinishedStatus:
      return ToTime(c.completed_at()) > ToTime(c.due_at())
                 ? DueStanding::kFinishedLate
                 : DueStanding::kFinishedOnTime;
    case kClockRunningStatus:
      return DueStanding::kClockRunning;
    default:
      return DueStanding::kClockStopped;
  }
}

bool IsOvertime(const zwfw::v1::Case& c, absl::Time now) {
  switch (StandingOf(c)) {
    case DueStanding::kFinishedLate:
      return true;
    case DueStanding::kClockRunning:
      return now > ToTime(c.due_at());
    default:
      return false;
  }
}

}  // namespace zwfw::intake

// Overtime (超时), the one definition: a case is overtime when it finished
// after its due time, or when its clock still runs (ACCEPTED) past it. A
// suspended case's clock is stopped (补正, 特别程序), so it is not overtime
// while suspended; withdrawn and rejected cases never are.
//
// The month a case counts as overtime in is the month (CST) of its due
// time, whichever month it was accepted in. The stores keep, per due month,
// the cases that finished late (fixed once known) and the cases whose clock
// still runs (overtime only once the clock passes their due time); they
// build their SQL from the constants below, never from enum numbers.
//
// Pure functions, no I/O; thread-safe.
#ifndef ZWFW_SERVICES_INTAKE_OVERTIME_H_
#define ZWFW_SERVICES_INTAKE_OVERTIME_H_

#include "absl/time/time.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

// The status in which the clock runs toward the due time.
inline constexpr zwfw::v1::CaseStatus kClockRunningStatus =
    zwfw::v1::CASE_STATUS_ACCEPTED;
// The status in which a case finished and its completion time counts.
inline constexpr zwfw::v1::CaseStatus kFinishedStatus =
    zwfw::v1::CASE_STATUS_COMPLETED;

// Where a case stands against its due time, without the clock.
enum class DueStanding {
  kNoDueTime,       // no due_at: never overtime
  kFinishedOnTime,  // COMPLETED at or before due_at
  kFinishedLate,    // COMPLETED after due_at: overtime for good
  kClockRunning,    // ACCEPTED: overtime once now passes due_at
  kClockStopped,    // SUSPENDED, WITHDRAWN, REJECTED: not overtime
};

DueStanding StandingOf(const zwfw::v1::Case& c);

// Whether the case is overtime at `now`.
bool IsOvertime(const zwfw::v1::Case& c, absl::Time now);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_OVERTIME_H_

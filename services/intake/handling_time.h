// Handling time (办理用时): how long a completed case took, from accepted_at
// to completed_at with its pauses (补正, 特别程序) taken out, counted two
// ways — in working time (only the hours of working days on the calendar,
// China Standard Time) and in natural time (every hour). What 平均办结时间
// and 实际提速率 sum (case_cells.h); a working day is 24 hours of it, so a
// case accepted on Friday 10:00 and completed on Monday 10:00 took one
// working day and three natural days.
//
//   absl::StatusOr<HandlingTime> t = HandlingTimeOf(c, calendar);
#ifndef ZWFW_SERVICES_INTAKE_HANDLING_TIME_H_
#define ZWFW_SERVICES_INTAKE_HANDLING_TIME_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/calendar.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

struct HandlingTime {
  absl::Duration working;
  absl::Duration natural;
};

// The handling time of a COMPLETED case whose pauses are ordered and
// disjoint (CheckPauses). FAILED_PRECONDITION when the calendar does not
// cover a day the case was open on; INVALID_ARGUMENT for a case that is
// not completed.
absl::StatusOr<HandlingTime> HandlingTimeOf(const zwfw::v1::Case& c,
                                            const Calendar& calendar);

// Fills the case's item_kind, promised_days, working_seconds,
// natural_seconds and accepted_after_hours (intake.proto) from its
// directory item (null: none) and the calendar; a completed case the
// calendar does not cover gets no working_seconds.
void FillHandlingFacts(const zwfw::v1::ServiceItem* item,
                       const Calendar& calendar, zwfw::v1::Case* c);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_HANDLING_TIME_H_

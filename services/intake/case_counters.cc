#include "services/intake/case_counters.h"

#include "services/common/period.h"
#include "services/intake/case_rules.h"
#include "services/intake/overtime.h"

namespace zwfw::intake {

bool Counters::IsZero() const {
  return total == 0 && instant == 0 && center == 0 && department_site == 0 &&
         grassroots == 0 && online == 0 && completed == 0 &&
         completed_in_center == 0 && center_same_day == 0 &&
         center_completed == 0 && overtime_completed == 0 && open_due == 0 &&
         overtime == 0;
}

Counters& Counters::operator+=(const Counters& o) {
  total += o.total;
  instant += o.instant;
  center += o.center;
  department_site += o.department_site;
  grassroots += o.grassroots;
  online += o.online;
  completed += o.completed;
  completed_in_center += o.completed_in_center;
  center_same_day += o.center_same_day;
  center_completed += o.center_completed;
  overtime_completed += o.overtime_completed;
  open_due += o.open_due;
  overtime += o.overtime;
  return *this;
}

void AddContribution(const zwfw::v1::Case& c, int sign, CounterDeltas* deltas) {
  if (!IsCounted(c)) return;
  const bool completed = c.status() == zwfw::v1::CASE_STATUS_COMPLETED;
  const bool at_center = c.site() == zwfw::v1::HANDLING_SITE_CENTER;
  absl::Time accepted = ToTime(c.accepted_at());

  Counters& a = (*deltas)[CounterKey(Period::Containing(accepted).ToString(),
                                     c.department_code(), c.category())];
  a.total += sign;
  if (c.instant()) a.instant += sign;
  switch (c.site()) {
    case zwfw::v1::HANDLING_SITE_CENTER:
      a.center += sign;
      break;
    case zwfw::v1::HANDLING_SITE_DEPARTMENT:
      a.department_site += sign;
      break;
    default:
      a.grassroots += sign;
      break;
  }
  if (c.online()) a.online += sign;
  if (completed) {
    a.completed += sign;
    if (c.completed_in_center()) a.completed_in_center += sign;
    if (at_center && c.completed_in_center()) a.center_completed += sign;
    if (at_center && ChinaDay(ToTime(c.completed_at())) == ChinaDay(accepted)) {
      a.center_same_day += sign;
    }
  }

  // Overtime counts in the month of the due time (overtime.h).
  auto due_month = [&]() -> Counters& {
    return (
        *deltas)[CounterKey(Period::Containing(ToTime(c.due_at())).ToString(),
                            c.department_code(), c.category())];
  };
  switch (StandingOf(c)) {
    case DueStanding::kFinishedLate:
      due_month().overtime_completed += sign;
      break;
    case DueStanding::kClockRunning:
      due_month().open_due += sign;
      break;
    default:
      break;
  }
}

void FillCaseCounters(const Counters& c, zwfw::v1::CaseCounters* out) {
  out->set_total(c.total);
  out->set_instant(c.instant);
  out->set_center(c.center);
  out->set_department_site(c.department_site);
  out->set_grassroots(c.grassroots);
  out->set_online(c.online);
  out->set_completed(c.completed);
  out->set_completed_in_center(c.completed_in_center);
  out->set_overtime(c.overtime);
  out->set_center_same_day(c.center_same_day);
}

}  // namespace zwfw::intake

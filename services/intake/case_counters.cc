#include "services/intake/case_counters.h"

#include <cassert>
#include <utility>

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

Counters& Counters::Add(const Counters& o, int64_t times) {
  total += times * o.total;
  instant += times * o.instant;
  center += times * o.center;
  department_site += times * o.department_site;
  grassroots += times * o.grassroots;
  online += times * o.online;
  completed += times * o.completed;
  completed_in_center += times * o.completed_in_center;
  center_same_day += times * o.center_same_day;
  center_completed += times * o.center_completed;
  overtime_completed += times * o.overtime_completed;
  open_due += times * o.open_due;
  overtime += times * o.overtime;
  return *this;
}

Counters& Counters::operator+=(const Counters& o) { return Add(o, 1); }

Counters& Contribution::Row(CounterKey key) {
  for (int i = 0; i < size; ++i) {
    if (parts[i].key == key) return parts[i].counters;
  }
  // Two months at most: the accepted one and the due one.
  assert(size < static_cast<int>(parts.size()));
  parts[size].key = std::move(key);
  return parts[size++].counters;
}

Contribution ContributionOf(const zwfw::v1::Case& c) {
  Contribution out;
  if (!IsCounted(c)) return out;
  out.cells = CellsOf(c);
  const bool completed = c.status() == zwfw::v1::CASE_STATUS_COMPLETED;
  const bool at_center = c.site() == zwfw::v1::HANDLING_SITE_CENTER;
  absl::Time accepted = ToTime(c.accepted_at());

  Counters& a = out.Row(CounterKey(Period::Containing(accepted).ToString(),
                                   c.department_code(), c.category()));
  a.total = 1;
  if (c.instant()) a.instant = 1;
  switch (c.site()) {
    case zwfw::v1::HANDLING_SITE_CENTER:
      a.center = 1;
      break;
    case zwfw::v1::HANDLING_SITE_DEPARTMENT:
      a.department_site = 1;
      break;
    default:
      a.grassroots = 1;
      break;
  }
  if (c.online()) a.online = 1;
  if (completed) {
    a.completed = 1;
    if (c.completed_in_center()) a.completed_in_center = 1;
    if (at_center && c.completed_in_center()) a.center_completed = 1;
    if (at_center && ChinaDay(ToTime(c.completed_at())) == ChinaDay(accepted)) {
      a.center_same_day = 1;
    }
  }

  // Overtime counts in the month of the due time (overtime.h).
  auto due_month = [&]() -> Counters& {
    return out.Row(CounterKey(Period::Containing(ToTime(c.due_at())).ToString(),
                              c.department_code(), c.category()));
  };
  switch (StandingOf(c)) {
    case DueStanding::kFinishedLate:
      due_month().overtime_completed = 1;
      break;
    case DueStanding::kClockRunning:
      due_month().open_due = 1;
      break;
    default:
      break;
  }
  return out;
}

void AddContribution(const Contribution& contribution, int sign,
                     CaseDeltas* deltas) {
  for (int i = 0; i < contribution.size; ++i) {
    const Contribution::Part& part = contribution.parts[i];
    deltas->counters[part.key].Add(part.counters, sign);
  }
  AddCells(contribution.cells, sign, &deltas->cells);
}

void AddContribution(const zwfw::v1::Case& c, int sign, CaseDeltas* deltas) {
  AddContribution(ContributionOf(c), sign, deltas);
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

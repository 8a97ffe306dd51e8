#include "services/intake/handling_time.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "services/common/period.h"
#include "services/common/proto_time.h"

namespace zwfw::intake {
namespace {

// Of [from, to), the time on working days.
absl::StatusOr<absl::Duration> WorkingTime(absl::Time from, absl::Time to,
                                           const Calendar& calendar) {
  absl::Duration total;
  const absl::TimeZone zone = ChinaTimeZone();
  for (absl::CivilDay day = ChinaDay(from); from < to; ++day) {
    const absl::Time day_end = absl::FromCivil(day + 1, zone);
    const absl::Time until = std::min(to, day_end);
    absl::StatusOr<bool> working = calendar.IsWorkingDay(day);
    if (!working.ok()) return working.status();
    if (*working) total += until - from;
    from = until;
  }
  return total;
}

// The stretches the clock ran: acceptance to completion between pauses.
std::vector<std::pair<absl::Time, absl::Time>> Running(
    const zwfw::v1::Case& c) {
  const absl::Time completed = ToTime(c.completed_at());
  std::vector<std::pair<absl::Time, absl::Time>> running;
  absl::Time from = ToTime(c.accepted_at());
  for (const zwfw::v1::TimeInterval& pause : c.pauses()) {
    const absl::Time start = std::clamp(ToTime(pause.start()), from, completed);
    const absl::Time end =
        HasTime(pause.end()) ? std::clamp(ToTime(pause.end()), start, completed)
                             : completed;
    running.emplace_back(from, start);
    from = end;
  }
  running.emplace_back(from, completed);
  return running;
}

absl::Duration NaturalTime(const zwfw::v1::Case& c) {
  absl::Duration total;
  for (const auto& [start, end] : Running(c)) {
    if (start < end) total += end - start;
  }
  return total;
}

}  // namespace

absl::StatusOr<HandlingTime> HandlingTimeOf(const zwfw::v1::Case& c,
                                            const Calendar& calendar) {
  if (c.status() != zwfw::v1::CASE_STATUS_COMPLETED ||
      !HasTime(c.completed_at())) {
    return absl::InvalidArgumentError(
        "handling time: the case is not completed");
  }
  HandlingTime out;
  out.natural = NaturalTime(c);
  for (const auto& [start, end] : Running(c)) {
    if (end <= start) continue;
    absl::StatusOr<absl::Duration> working = WorkingTime(start, end, calendar);
    if (!working.ok()) return working.status();
    out.working += *working;
  }
  return out;
}

void FillHandlingFacts(const zwfw::v1::ServiceItem* item,
                       const Calendar& calendar, zwfw::v1::Case* c) {
  c->set_item_kind(item == nullptr ? zwfw::v1::ITEM_KIND_UNSPECIFIED
                                   : item->kind());
  c->set_promised_days(item == nullptr ? 0 : item->promised_days());
  c->clear_working_seconds();
  c->set_natural_seconds(0);
  // 延时服务: outside the office hours (a day the calendar does not cover
  // counts as within them: nothing is claimed that cannot be known).
  absl::StatusOr<bool> after = calendar.IsAfterHours(ToTime(c->accepted_at()));
  c->set_accepted_after_hours(after.ok() && *after);
  if (c->status() != zwfw::v1::CASE_STATUS_COMPLETED) return;
  c->set_natural_seconds(absl::ToInt64Seconds(NaturalTime(*c)));
  absl::StatusOr<HandlingTime> t = HandlingTimeOf(*c, calendar);
  if (t.ok()) c->set_working_seconds(absl::ToInt64Seconds(t->working));
}

}  // namespace zwfw::intake

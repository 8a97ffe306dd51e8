// The working-day calendar (工作日历): weekends are off, weekdays are working
// days, except for the State Council's holidays (off) and make-up working
// days (调休, weekend days that are worked), plus any local closures.
//
// The calendar is read from a folder of text files (deploy/calendar/):
// `YYYY.txt` holds the national dates of one year and marks the year as
// covered; any other `*.txt` file adds local closures. Lines:
//
//   # comment
//   off  2020-10-01 2020-10-08   国庆节、中秋节   (inclusive range)
//   off  2020-01-01              元旦             (single day)
//   work 2020-10-10                               (a worked Saturday)
//   hours 09:00-12:00 14:00-17:30                 (the office's hours)
//
// `hours` (once, in any file) gives the office hours of a working day, in
// China Standard Time: a case accepted outside them, or on a day that is
// not a working day, is 延时服务 (after-hours service). Without it no case
// is.
//
// Text after the dates is a note. Queries about a year that no `YYYY.txt`
// covers fail with FAILED_PRECONDITION rather than guess.
//
// Thread-safe after construction (immutable).
#ifndef ZWFW_SERVICES_COMMON_CALENDAR_H_
#define ZWFW_SERVICES_COMMON_CALENDAR_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace zwfw {

class Calendar {
 public:
  struct File {
    std::string name;  // "2020.txt", "local.txt", ...
    std::string contents;
  };

  // Parses the files; INVALID_ARGUMENT naming file and line on a bad line,
  // a date outside the file's year, or a `work` day that is not a weekend.
  static absl::StatusOr<Calendar> FromFiles(const std::vector<File>& files);
  // Reads every *.txt of `dir`; NOT_FOUND when there is none.
  static absl::StatusOr<Calendar> LoadDirectory(const std::string& dir);

  // Whether a national calendar for the day's year is loaded.
  bool Covers(absl::CivilDay day) const;
  // The years covered, ascending.
  std::vector<int> years() const { return {years_.begin(), years_.end()}; }

  absl::StatusOr<bool> IsWorkingDay(absl::CivilDay day) const;

  // The n-th working day after `from` (not counting `from` itself); `from`
  // when n is 0. A 5-working-day deadline from Wed 2020-09-30 is
  // Wed 2020-10-14. INVALID_ARGUMENT for negative n.
  absl::StatusOr<absl::CivilDay> AddWorkingDays(absl::CivilDay from,
                                                int n) const;

  // The deadline of "within n working days" (the one home of that rule):
  // the end (24:00 China Standard Time) of the n-th working day after the
  // CST day `from` falls on. From Wed 2020-09-30 10:00 +08:00 with 5 days:
  // 2020-10-15 00:00 +08:00, the end of Wed 2020-10-14. Errors as
  // AddWorkingDays.
  absl::StatusOr<absl::Time> EndOfWorkingDay(absl::Time from, int n) const;

  // Working days d with from < d <= to; negative when to < from.
  absl::StatusOr<int> WorkingDaysBetween(absl::CivilDay from,
                                         absl::CivilDay to) const;

  // Whether an `hours` line was given.
  bool has_office_hours() const { return !hours_.empty(); }
  // Whether `t` falls outside the office hours (CST) or on a day that is
  // not a working day; false without office hours. Errors as IsWorkingDay.
  absl::StatusOr<bool> IsAfterHours(absl::Time t) const;

 private:
  Calendar() = default;
  absl::Status ParseFile(const File& file);
  absl::Status CheckCovered(absl::CivilDay day) const;
  absl::Status ParseHours(const std::vector<absl::string_view>& words);

  std::set<int> years_;
  std::set<absl::CivilDay> off_;
  std::set<absl::CivilDay> work_;
  // Office hours as [from, to) minutes after midnight, ascending.
  std::vector<std::pair<int, int>> hours_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_CALENDAR_H_

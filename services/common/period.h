// Periods in China Standard Time (fixed UTC+8, no DST). `Period` is one
// calendar month, the unit everything is counted and closed in: a case
// accepted at 2020-07-31 23:30 +08:00 (15:30 UTC) is in "2020-07".
// `ReportPeriod` is what a report covers: a month, a quarter, a half year or
// a year, always whole months, so its figures are sums over its months.
//
//   absl::StatusOr<Period> p = Period::Parse("2020-07");
//   Period q = Period::Containing(accepted_at);
//   absl::StatusOr<ReportPeriod> r = ReportPeriod::Parse("2023-Q2");
//   for (const Period& m : r->months()) ...  // 2023-04, 2023-05, 2023-06
#ifndef ZWFW_SERVICES_COMMON_PERIOD_H_
#define ZWFW_SERVICES_COMMON_PERIOD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace zwfw {

// UTC+8, the zone every "day" and "month" of the domain is in.
absl::TimeZone ChinaTimeZone();

// The civil day (CST) an instant falls on.
absl::CivilDay ChinaDay(absl::Time t);

class Period {
 public:
  // "YYYY-MM" with a month 01–12 and a year 2000–2099; INVALID_ARGUMENT
  // naming the text otherwise.
  static absl::StatusOr<Period> Parse(absl::string_view text);
  // The month (CST) an instant falls in.
  static Period Containing(absl::Time t);

  explicit Period(absl::CivilMonth month) : month_(month) {}

  absl::CivilMonth month() const { return month_; }
  int year() const { return static_cast<int>(month_.year()); }
  int month_number() const { return month_.month(); }

  // [start, end) of the month, as instants.
  absl::Time start() const;
  absl::Time end() const;
  bool Contains(absl::Time t) const { return t >= start() && t < end(); }

  Period Next() const { return Period(month_ + 1); }
  Period Previous() const { return Period(month_ - 1); }

  // "2020-07".
  std::string ToString() const;

  friend bool operator==(const Period& a, const Period& b) {
    return a.month_ == b.month_;
  }
  friend bool operator<(const Period& a, const Period& b) {
    return a.month_ < b.month_;
  }

 private:
  absl::CivilMonth month_;
};

// A month (`2020-07`), a quarter (`2023-Q2`), a half year (`2023-H1`) or a
// year (`2023`).
class ReportPeriod {
 public:
  enum class Kind { kMonth, kQuarter, kHalfYear, kYear };

  // One of the four forms with a year 2000–2099; INVALID_ARGUMENT naming
  // the text and the accepted forms otherwise.
  static absl::StatusOr<ReportPeriod> Parse(absl::string_view text);
  static ReportPeriod Of(const Period& month);

  Kind kind() const { return kind_; }
  int year() const { return static_cast<int>(first_.year()); }
  // The first and last month covered (the same for a month).
  Period first() const { return Period(first_); }
  Period last() const { return Period(first_ + (MonthCount() - 1)); }
  std::vector<Period> months() const;
  int MonthCount() const;
  bool Contains(const Period& month) const;

  // [start, end) as instants.
  absl::Time start() const { return first().start(); }
  absl::Time end() const { return last().end(); }

  // The period of the same kind just before (2023-Q1 before 2023-Q2,
  // 2022-H2 before 2023-H1), and the same period a year earlier.
  ReportPeriod Previous() const;
  ReportPeriod YearBefore() const;

  // The text form Parse reads: "2020-07", "2023-Q2", "2023-H1", "2023".
  std::string ToString() const;
  // As bulletins name it: "2020年7月", "2023年第二季度", "2023年上半年",
  // "2023年".
  std::string ChineseName() const;
  // The name without its year: "7月", "第二季度", "上半年", "全年".
  std::string ChineseNameInYear() const;
  // The months as a span: "7月", "4-6月", "1-6月", "1-12月".
  std::string ChineseMonths() const;

  friend bool operator==(const ReportPeriod& a, const ReportPeriod& b) {
    return a.kind_ == b.kind_ && a.first_ == b.first_;
  }

 private:
  ReportPeriod(Kind kind, absl::CivilMonth first)
      : kind_(kind), first_(first) {}

  Kind kind_;
  absl::CivilMonth first_;
};

// What an RPC that takes a report period says about a bad one.
inline constexpr char kReportPeriodForms[] =
    "a month (2020-07), a quarter (2023-Q2), a half year (2023-H1) or a year "
    "(2023)";

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_PERIOD_H_

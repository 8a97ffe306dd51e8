// Periods: calendar months in China Standard Time (fixed UTC+8, no DST).
// A case accepted at 2020-07-31 23:30 +08:00 (15:30 UTC) is in "2020-07".
//
//   absl::StatusOr<Period> p = Period::Parse("2020-07");
//   Period q = Period::Containing(accepted_at);
#ifndef ZWFW_SERVICES_COMMON_PERIOD_H_
#define ZWFW_SERVICES_COMMON_PERIOD_H_

#include <string>

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

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_PERIOD_H_

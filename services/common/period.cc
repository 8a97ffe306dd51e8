#include "services/common/period.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace zwfw {

absl::TimeZone ChinaTimeZone() {
  static const absl::TimeZone* const zone =
      new absl::TimeZone(absl::FixedTimeZone(8 * 60 * 60));
  return *zone;
}

absl::CivilDay ChinaDay(absl::Time t) {
  return absl::ToCivilDay(t, ChinaTimeZone());
}

absl::StatusOr<Period> Period::Parse(absl::string_view text) {
  int year = 0;
  int month = 0;
  if (text.size() != 7 || text[4] != '-' ||
      !absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) ||
      text.substr(0, 4).find_first_not_of("0123456789") !=
          absl::string_view::npos ||
      text.substr(5, 2).find_first_not_of("0123456789") !=
          absl::string_view::npos ||
      year < 2000 || year > 2099 || month < 1 || month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("period \"", text, "\" is not a month like 2020-07"));
  }
  return Period(absl::CivilMonth(year, month));
}

Period Period::Containing(absl::Time t) {
  return Period(absl::ToCivilMonth(t, ChinaTimeZone()));
}

absl::Time Period::start() const {
  return absl::FromCivil(month_, ChinaTimeZone());
}

absl::Time Period::end() const {
  return absl::FromCivil(month_ + 1, ChinaTimeZone());
}

std::string Period::ToString() const {
  return absl::StrFormat("%04d-%02d", year(), month_number());
}

}  // namespace zwfw

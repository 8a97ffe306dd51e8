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

namespace {

// Digits only, with a year 2000–2099.
bool ParseYear(absl::string_view text, int* year) {
  return text.size() == 4 &&
         text.find_first_not_of("0123456789") == absl::string_view::npos &&
         absl::SimpleAtoi(text, year) && *year >= 2000 && *year <= 2099;
}

}  // namespace

absl::StatusOr<ReportPeriod> ReportPeriod::Parse(absl::string_view text) {
  int year = 0;
  if (text.size() == 7 && text[4] == '-' && text[5] != 'Q' && text[5] != 'H') {
    absl::StatusOr<Period> month = Period::Parse(text);
    if (month.ok()) return Of(*month);
  } else if (text.size() == 4 && ParseYear(text, &year)) {
    return ReportPeriod(Kind::kYear, absl::CivilMonth(year, 1));
  } else if (text.size() == 7 && text[4] == '-' &&
             ParseYear(text.substr(0, 4), &year)) {
    const char number = text[6];
    if (text[5] == 'Q' && number >= '1' && number <= '4') {
      return ReportPeriod(Kind::kQuarter,
                          absl::CivilMonth(year, 1 + 3 * (number - '1')));
    }
    if (text[5] == 'H' && (number == '1' || number == '2')) {
      return ReportPeriod(Kind::kHalfYear,
                          absl::CivilMonth(year, number == '1' ? 1 : 7));
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("period \"", text, "\" is not ", kReportPeriodForms));
}

ReportPeriod ReportPeriod::Of(const Period& month) {
  return ReportPeriod(Kind::kMonth, month.month());
}

int ReportPeriod::MonthCount() const {
  switch (kind_) {
    case Kind::kMonth:
      return 1;
    case Kind::kQuarter:
      return 3;
    case Kind::kHalfYear:
      return 6;
    case Kind::kYear:
      return 12;
  }
  return 1;
}

std::vector<Period> ReportPeriod::months() const {
  std::vector<Period> out;
  for (int i = 0; i < MonthCount(); ++i) out.emplace_back(first_ + i);
  return out;
}

bool ReportPeriod::Contains(const Period& month) const {
  return month.month() >= first_ && month.month() < first_ + MonthCount();
}

ReportPeriod ReportPeriod::Previous() const {
  return ReportPeriod(kind_, first_ - MonthCount());
}

ReportPeriod ReportPeriod::YearBefore() const {
  return ReportPeriod(kind_, first_ - 12);
}

std::string ReportPeriod::ToString() const {
  switch (kind_) {
    case Kind::kMonth:
      return first().ToString();
    case Kind::kQuarter:
      return absl::StrFormat("%04d-Q%d", year(), (first_.month() + 2) / 3);
    case Kind::kHalfYear:
      return absl::StrFormat("%04d-H%d", year(), first_.month() == 1 ? 1 : 2);
    case Kind::kYear:
      return absl::StrFormat("%04d", year());
  }
  return "";
}

std::string ReportPeriod::ChineseName() const {
  return absl::StrCat(year(), "年",
                      kind_ == Kind::kYear ? "" : ChineseNameInYear());
}

std::string ReportPeriod::ChineseNameInYear() const {
  static const char* const kQuarters[] = {"一", "二", "三", "四"};
  switch (kind_) {
    case Kind::kMonth:
      return absl::StrFormat("%d月", first_.month());
    case Kind::kQuarter:
      return absl::StrCat("第", kQuarters[(first_.month() - 1) / 3], "季度");
    case Kind::kHalfYear:
      return first_.month() == 1 ? "上半年" : "下半年";
    case Kind::kYear:
      return "全年";
  }
  return "";
}

std::string ReportPeriod::ChineseMonths() const {
  if (kind_ == Kind::kMonth) return absl::StrCat(first_.month(), "月");
  return absl::StrCat(first_.month(), "-", last().month_number(), "月");
}

}  // namespace zwfw

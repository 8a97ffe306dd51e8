#include "services/common/indicator_format.h"

#include <cstdint>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace zwfw {
namespace {

using int128 = __int128;

int128 Power10(int n) {
  int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// numerator / denominator × scale, rounded half away from zero to
// `decimals` (or to fewer, `round`, then written with `decimals`: 98.9 as
// "98.90"), written out: "-1.10", "75.42".
std::string Rounded(int128 numerator, int128 denominator, int128 scale,
                    int decimals, int round = -1) {
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const int kept = round >= 0 && round < decimals ? round : decimals;
  const bool negative = numerator < 0;
  int128 n = (negative ? -numerator : numerator) * scale * Power10(kept);
  int128 units =
      (2 * n + denominator) / (2 * denominator) * Power10(decimals - kept);
  const int128 unit = Power10(decimals);
  const int64_t whole = static_cast<int64_t>(units / unit);
  std::string out = absl::StrCat(negative && units != 0 ? "-" : "", whole);
  if (decimals > 0) {
    std::string fraction = absl::StrCat(static_cast<int64_t>(units % unit));
    fraction.insert(0, decimals - fraction.size(), '0');
    absl::StrAppend(&out, ".", fraction);
  }
  return out;
}

bool IsZero(const std::string& rounded) {
  return rounded.find_first_not_of("-0.") == std::string::npos;
}

int DefaultDecimals(IndicatorUnit unit) {
  return unit == IndicatorUnit::kCount ? 0 : 2;
}

}  // namespace

absl::StatusOr<NumberFormat> NumberFormat::Parse(absl::string_view text) {
  return Parse(text, NumberFormat());
}

absl::StatusOr<NumberFormat> NumberFormat::Parse(absl::string_view text,
                                                 const NumberFormat& base) {
  NumberFormat f = base;
  for (absl::string_view part :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    part = absl::StripAsciiWhitespace(part);
    if (part == "trim") {
      f.trim_whole = true;
    } else if (part == "wan") {
      f.wan = true;
    } else if (absl::ConsumePrefix(&part, "decimals=")) {
      if (!absl::SimpleAtoi(part, &f.decimals) || f.decimals < 0 ||
          f.decimals > 4) {
        return absl::InvalidArgumentError(
            absl::StrCat("format: decimals=", part, " is not 0 to 4"));
      }
    } else if (absl::ConsumePrefix(&part, "round=")) {
      if (!absl::SimpleAtoi(part, &f.round) || f.round < 0 || f.round > 4) {
        return absl::InvalidArgumentError(
            absl::StrCat("format: round=", part, " is not 0 to 4"));
      }
    } else if (absl::ConsumePrefix(&part, "empty=")) {
      f.empty = std::string(part);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "format: \"", part,
          "\" is not decimals=N, round=N, empty=TEXT, trim or wan"));
    }
  }
  return f;
}

std::string FormatValue(const IndicatorValue& value,
                        const NumberFormat& format) {
  if (value.empty()) return format.empty;
  int decimals =
      format.decimals >= 0 ? format.decimals : DefaultDecimals(value.unit);
  switch (value.unit) {
    case IndicatorUnit::kRate: {
      std::string text = Rounded(value.numerator, value.denominator, 100,
                                 decimals, format.round);
      if (format.trim_whole && decimals > 0 &&
          text.substr(text.size() - decimals) == std::string(decimals, '0')) {
        text.resize(text.size() - decimals - 1);
      }
      return absl::StrCat(text, "%");
    }
    case IndicatorUnit::kDays:
      return Rounded(value.numerator, value.denominator, 1, decimals,
                     format.round);
    case IndicatorUnit::kCount:
      if (format.wan) {
        if (format.decimals < 0) decimals = 2;
        return absl::StrCat(
            Rounded(value.numerator, int128{value.denominator} * 10000, 1,
                    decimals),
            "万");
      }
      return Rounded(value.numerator, value.denominator, 1, decimals);
  }
  return format.empty;
}

std::string EarlierName(const ReportPeriod& period, Earlier earlier) {
  if (earlier == Earlier::kYearBefore) return "去年同期";
  switch (period.kind()) {
    case ReportPeriod::Kind::kMonth:
      return "上月";
    case ReportPeriod::Kind::kQuarter:
      return "上季度";
    case ReportPeriod::Kind::kHalfYear:
      return "上半年";
    case ReportPeriod::Kind::kYear:
      return "上年";
  }
  return "上期";
}

std::string DescribeChange(const IndicatorValue& now,
                           const IndicatorValue& before,
                           absl::string_view earlier_name,
                           const NumberFormat& format) {
  if (now.empty() || before.empty()) return format.empty;
  // The change as an exact ratio: now − before, over both denominators.
  const int128 difference = int128{now.numerator} * before.denominator -
                            int128{before.numerator} * now.denominator;
  const int128 both = int128{now.denominator} * before.denominator;
  std::string amount;
  const char* up = "增加";
  const char* down = "减少";
  const char* suffix = "";
  switch (now.unit) {
    case IndicatorUnit::kCount: {
      if (before.numerator == 0) return format.empty;
      // In % of the earlier value.
      amount = Rounded(difference * before.denominator, both * before.numerator,
                       100, format.decimals >= 0 ? format.decimals : 2);
      suffix = "%";
      break;
    }
    case IndicatorUnit::kRate:
      amount = Rounded(difference, both, 100,
                       format.decimals >= 0 ? format.decimals : 1);
      up = "提高";
      down = "下降";
      suffix = "个百分点";
      break;
    case IndicatorUnit::kDays:
      amount = Rounded(difference, both, 1,
                       format.decimals >= 0 ? format.decimals : 2);
      suffix = "天";
      break;
  }
  if (IsZero(amount)) return absl::StrCat("与", earlier_name, "持平");
  const bool fell = amount[0] == '-';
  if (fell) amount.erase(0, 1);
  return absl::StrCat("比", earlier_name, fell ? down : up, amount, suffix);
}

}  // namespace zwfw

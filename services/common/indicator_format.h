// How indicator values read in a document (指标的写法): decimals, the text
// of an empty value, whole percentages trimmed, 万 units, and the words of a
// comparison with an earlier period ("比上月增加75.42%", "比上月提高1.1个
// 百分点", "比上月减少0.28天", "与上月持平"). Every figure is rounded once,
// half away from zero, from its exact ratio (indicators.h), so a figure
// and its change never disagree by a rounding of a rounding.
//
// Pure; thread-safe.
#ifndef ZWFW_SERVICES_COMMON_INDICATOR_FORMAT_H_
#define ZWFW_SERVICES_COMMON_INDICATOR_FORMAT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/indicators.h"
#include "services/common/period.h"

namespace zwfw {

struct NumberFormat {
  // Decimals shown; -1: the unit's own (counts 0, rates and days 2).
  int decimals = -1;
  // Rounded to this many decimals first, then written with `decimals`
  // (round=1, decimals=2: 98.9% as "98.90%", as some offices print); -1:
  // rounded to `decimals`. Rates and days.
  int round = -1;
  // What a value over an empty denominator reads ("无数据", "0", "—").
  std::string empty = "—";
  // "100%" and "0%" rather than "100.00%" (a whole percentage).
  bool trim_whole = false;
  // Counts in 万 (tens of thousands): "1.23万".
  bool wan = false;

  // "decimals=1", "round=1", "empty=无数据", "trim", "wan", comma-separated,
  // as a template writes them; INVALID_ARGUMENT naming the bad one.
  static absl::StatusOr<NumberFormat> Parse(absl::string_view text);
  // Over `base`: what the text names changes, the rest stays (a template's
  // placeholder over its default format).
  static absl::StatusOr<NumberFormat> Parse(absl::string_view text,
                                            const NumberFormat& base);
};

// "5610", "98.90%", "100%" (trimmed), "1.78", "0.56万", or `empty`.
std::string FormatValue(const IndicatorValue& value,
                        const NumberFormat& format = NumberFormat());

// Which earlier period a comparison is with.
enum class Earlier { kPrevious, kYearBefore };

// The words naming it: "上月", "上季度", "上半年", "上年", "去年同期".
std::string EarlierName(const ReportPeriod& period, Earlier earlier);

// The whole comparison, as bulletins write it: a count's change in % of the
// earlier ("比上月增加75.42%"), a rate's in percentage points ("比上月提高
// 1.1个百分点"), days' in days ("比上月减少0.28天"); "与上月持平" when the
// change rounds to nothing; `format.empty` when either value is empty or a
// count's earlier value is 0. `format.decimals` is the change's (-1: 2 for
// counts and days, 1 for points).
std::string DescribeChange(const IndicatorValue& now,
                           const IndicatorValue& before,
                           absl::string_view earlier_name,
                           const NumberFormat& format = NumberFormat());

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_INDICATOR_FORMAT_H_

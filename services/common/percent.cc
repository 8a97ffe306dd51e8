#include "services/common/percent.h"

#include "absl/strings/str_cat.h"

namespace zwfw {

std::string FormatPercent(int64_t numerator, int64_t denominator,
                          PercentStyle style) {
  if (denominator == 0) return "—";
  // Tenths of a percent, rounded half up.
  const int64_t tenths = (numerator * 2000 + denominator) / (2 * denominator);
  if (style == PercentStyle::kDropZeroDecimal && tenths % 10 == 0) {
    return absl::StrCat(tenths / 10, "%");
  }
  return absl::StrCat(tenths / 10, ".", tenths % 10, "%");
}

}  // namespace zwfw

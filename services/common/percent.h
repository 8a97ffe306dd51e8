// Percentages as the bulletin, scores and the CLI print them: one decimal,
// rounded half up in integer arithmetic, so every place that shows a rate
// shows the same figure (52740/55306 is "95.4%" everywhere).
#ifndef ZWFW_SERVICES_COMMON_PERCENT_H_
#define ZWFW_SERVICES_COMMON_PERCENT_H_

#include <cstdint>
#include <string>

namespace zwfw {

enum class PercentStyle {
  kOneDecimal,       // "100.0%"
  kDropZeroDecimal,  // "100%", as the bulletin writes a whole percentage
};

// "95.4%" for 52740 / 55306; "—" when the denominator is 0 (no data).
std::string FormatPercent(int64_t numerator, int64_t denominator,
                          PercentStyle style = PercentStyle::kOneDecimal);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_PERCENT_H_

// A month's data version, as intake and survey report it with the month's
// figures: the month's write count times 1,000,000 plus how many of its
// records the clock alone has made late since (open cases past due,
// rectifications overdue), so it changes whenever any figure of the month
// may have, by a write or by the clock.
#ifndef ZWFW_SERVICES_COMMON_MONTH_VERSION_H_
#define ZWFW_SERVICES_COMMON_MONTH_VERSION_H_

#include <algorithm>
#include <cstdint>

namespace zwfw {

inline int64_t MonthDataVersion(int64_t writes, int64_t late_by_clock) {
  constexpr int64_t kScale = 1000000;
  return writes * kScale + std::min(late_by_clock, kScale - 1);
}

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_MONTH_VERSION_H_

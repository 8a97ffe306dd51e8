// A month's data version, as intake and survey report it with the month's
// figures: the month's write count times 1,000,000 plus how many of its
// records the clock alone has made late since (open cases past due,
// rectifications overdue), so it changes whenever any figure of the month
// may have, by a write or by the clock. A period of several months has the
// combination of its months' versions.
#ifndef ZWFW_SERVICES_COMMON_MONTH_VERSION_H_
#define ZWFW_SERVICES_COMMON_MONTH_VERSION_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace zwfw {

inline int64_t MonthDataVersion(int64_t writes, int64_t late_by_clock) {
  constexpr int64_t kScale = 1000000;
  return writes * kScale + std::min(late_by_clock, kScale - 1);
}

// The data version of a period of several months, from its months' versions
// in order: changes when any of them does, the same in every process (FNV-1a;
// absl::Hash is seeded per process), non-negative. One month's is its own.
inline int64_t PeriodDataVersion(const std::vector<int64_t>& month_versions) {
  if (month_versions.size() == 1) return month_versions.front();
  uint64_t h = 14695981039346656037ULL;
  for (int64_t version : month_versions) {
    for (int i = 0; i < 8; ++i) {
      h = (h ^ ((static_cast<uint64_t>(version) >> (8 * i)) & 0xff)) *
          1099511628211ULL;
    }
  }
  return static_cast<int64_t>(h >> 1);
}

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_MONTH_VERSION_H_

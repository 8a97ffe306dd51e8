#include "services/common/rating_bands.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace zwfw {

absl::StatusOr<SatisfiedLevels> SatisfiedLevels::Parse(absl::string_view text) {
  std::vector<int> levels;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int level = 0;
    if (!absl::SimpleAtoi(part, &level) || !IsValidRating(level) ||
        std::find(levels.begin(), levels.end(), level) != levels.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("satisfied levels \"", text,
                       "\": expected distinct levels ", kLowestRating, "-",
                       kHighestRating, " separated by commas, like 3,4,5"));
    }
    levels.push_back(level);
  }
  if (levels.empty()) {
    return absl::InvalidArgumentError("satisfied levels: none given");
  }
  std::sort(levels.begin(), levels.end());
  return SatisfiedLevels(std::move(levels));
}

bool SatisfiedLevels::Contains(int rating) const {
  return std::binary_search(levels_.begin(), levels_.end(), rating);
}

int64_t SatisfiedLevels::Count(const RatingHistogram& counts) const {
  int64_t n = 0;
  for (int level : levels_) n += counts[level - kLowestRating];
  return n;
}

}  // namespace zwfw

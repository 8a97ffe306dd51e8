// Rating bands, the one definition: a citizen rates 1 to 5; 4 and 5 are
// 好评 (good), 3 is 中评 (neutral), 1 and 2 are 差评 (bad: each opens a
// rectification). Which levels count as satisfied in 满意率 — of
// evaluations and of return visits alike — is the office's choice
// (`--satisfied_levels`, 3,4,5 by default): SatisfiedLevels.
//
// Pure, no I/O; thread-safe (SatisfiedLevels is immutable).
#ifndef ZWFW_SERVICES_COMMON_RATING_BANDS_H_
#define ZWFW_SERVICES_COMMON_RATING_BANDS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zwfw {

inline constexpr int kLowestRating = 1;
inline constexpr int kHighestRating = 5;
inline constexpr int kRatingLevels = kHighestRating - kLowestRating + 1;
// 差评 are the ratings up to this one; 好评 the ratings from kLowestGood.
inline constexpr int kHighestBadRating = 2;
inline constexpr int kLowestGoodRating = 4;

enum class RatingBand { kBad, kNeutral, kGood };  // 差评 中评 好评

inline bool IsValidRating(int rating) {
  return rating >= kLowestRating && rating <= kHighestRating;
}
inline RatingBand BandOf(int rating) {
  return rating <= kHighestBadRating   ? RatingBand::kBad
         : rating >= kLowestGoodRating ? RatingBand::kGood
                                       : RatingBand::kNeutral;
}
inline bool IsBadRating(int rating) {
  return IsValidRating(rating) && BandOf(rating) == RatingBand::kBad;
}

// Counts per rating level; index 0 is rating 1.
using RatingHistogram = std::array<int64_t, kRatingLevels>;

// The levels counted as satisfied in 满意率.
class SatisfiedLevels {
 public:
  // "3,4,5" -> {3, 4, 5}; INVALID_ARGUMENT unless distinct levels 1–5.
  static absl::StatusOr<SatisfiedLevels> Parse(absl::string_view text);
  // 3, 4 and 5.
  SatisfiedLevels() : SatisfiedLevels({3, 4, 5}) {}

  bool Contains(int rating) const;
  // How many of `counts` are satisfied.
  int64_t Count(const RatingHistogram& counts) const;
  // Ascending.
  const std::vector<int>& levels() const { return levels_; }

 private:
  explicit SatisfiedLevels(std::vector<int> levels)
      : levels_(std::move(levels)) {}
  std::vector<int> levels_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_RATING_BANDS_H_

#include "services/survey/survey_rules.h"

#include <gtest/gtest.h>

#include "services/common/rating_bands.h"
#include "services/survey/rectification_rules.h"

namespace zwfw::survey {
namespace {

using zwfw::v1::RectificationState;

TEST(SurveyRulesTest, EveryRectificationChange) {
  Principal admin = *ParseRole("admin");
  Principal department = *ParseRole("department:qj-gaj");
  std::string legal_for_department, legal_for_admin;
  for (int from = 1; from <= 7; ++from) {
    for (int to = 0; to <= 7; ++to) {
      auto f = static_cast<RectificationState>(from);
      auto t = static_cast<RectificationState>(to);
      std::string pair = absl::StrCat(from, ">", to, " ");
      absl::Status s = CheckRectificationChange(f, t, admin);
      if (s.ok()) {
        legal_for_admin += pair;
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << pair;
      }
      if (CheckRectificationChange(f, t, department).ok()) {
        legal_for_department += pair;
      }
    }
  }
  // 1 PENDING_VERIFICATION, 2 RECTIFYING, 3 RECTIFIED, 4 CLOSED,
  // 5 APPEALED, 6 APPEAL_UPHELD, 7 APPEAL_REJECTED.
  EXPECT_EQ(legal_for_admin, "1>2 1>5 2>3 2>5 3>4 5>6 5>7 7>2 ");
  EXPECT_EQ(legal_for_department, "1>2 1>5 2>3 2>5 3>4 7>2 ");
  EXPECT_EQ(CheckRectificationChange(
                zwfw::v1::RECTIFICATION_STATE_APPEALED,
                zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD, department)
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(SurveyRulesTest, Overdue) {
  absl::Time due = absl::FromUnixSeconds(1000);
  EXPECT_FALSE(IsOverdue(zwfw::v1::RECTIFICATION_STATE_RECTIFYING, due,
                         std::nullopt, due - absl::Seconds(1)));
  EXPECT_TRUE(IsOverdue(zwfw::v1::RECTIFICATION_STATE_RECTIFYING, due,
                        std::nullopt, due + absl::Seconds(1)));
  EXPECT_FALSE(IsOverdue(zwfw::v1::RECTIFICATION_STATE_APPEALED, due,
                         std::nullopt, due + absl::Hours(100)));
  EXPECT_TRUE(IsOverdue(zwfw::v1::RECTIFICATION_STATE_CLOSED, due,
                        due + absl::Seconds(1), due));
  EXPECT_FALSE(IsOverdue(zwfw::v1::RECTIFICATION_STATE_CLOSED, due,
                         due - absl::Seconds(1), due + absl::Hours(100)));
}

TEST(SurveyRulesTest, SatisfiedLevels) {
  EXPECT_EQ(SatisfiedLevels::Parse("5,3,4")->levels(),
            (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(SatisfiedLevels::Parse("4,5")->levels(), (std::vector<int>{4, 5}));
  EXPECT_EQ(SatisfiedLevels().levels(), (std::vector<int>{3, 4, 5}));
  for (const char* bad : {"", "0,5", "3,3", "6", "a,b"}) {
    EXPECT_EQ(SatisfiedLevels::Parse(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  // Counted from a histogram (index 0 is rating 1).
  EXPECT_EQ(SatisfiedLevels::Parse("4,5")->Count({1, 2, 3, 4, 5}), 9);
}

TEST(SurveyRulesTest, RatingBands) {
  EXPECT_EQ(BandOf(1), RatingBand::kBad);
  EXPECT_EQ(BandOf(2), RatingBand::kBad);
  EXPECT_EQ(BandOf(3), RatingBand::kNeutral);
  EXPECT_EQ(BandOf(4), RatingBand::kGood);
  EXPECT_EQ(BandOf(5), RatingBand::kGood);
  EXPECT_TRUE(IsBadRating(2));
  EXPECT_FALSE(IsBadRating(0));
  EXPECT_FALSE(IsValidRating(6));
}

}  // namespace
}  // namespace zwfw::survey

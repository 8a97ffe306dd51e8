#include "services/common/period.h"

#include <gtest/gtest.h>

namespace zwfw {
namespace {

absl::Time Cst(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), ChinaTimeZone());
}

TEST(PeriodTest, LastHalfHourOfJulyInChinaIsJuly) {
  absl::Time t = Cst(2020, 7, 31, 23, 30);
  // 15:30 UTC on the 31st.
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d %H:%M", t, absl::UTCTimeZone()),
            "2020-07-31 15:30");
  EXPECT_EQ(Period::Containing(t).ToString(), "2020-07");
}

TEST(PeriodTest, MidnightStartsAugust) {
  EXPECT_EQ(Period::Containing(Cst(2020, 8, 1, 0, 0)).ToString(), "2020-08");
  // The same instant is still July 31 in UTC.
  EXPECT_EQ(
      Period::Containing(Cst(2020, 8, 1, 0, 0) - absl::Seconds(1)).ToString(),
      "2020-07");
}

TEST(PeriodTest, BoundsAreChinaMidnights) {
  absl::StatusOr<Period> p = Period::Parse("2020-07");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->start(), Cst(2020, 7, 1, 0, 0));
  EXPECT_EQ(p->end(), Cst(2020, 8, 1, 0, 0));
  EXPECT_TRUE(p->Contains(Cst(2020, 7, 31, 23, 59)));
  EXPECT_FALSE(p->Contains(Cst(2020, 8, 1, 0, 0)));
  EXPECT_EQ(p->Next().ToString(), "2020-08");
  EXPECT_EQ(Period::Parse("2020-01")->Previous().ToString(), "2019-12");
}

TEST(PeriodTest, ChinaDay) {
  EXPECT_EQ(ChinaDay(Cst(2020, 7, 31, 23, 30)), absl::CivilDay(2020, 7, 31));
  EXPECT_EQ(ChinaDay(Cst(2020, 8, 1, 0, 10)), absl::CivilDay(2020, 8, 1));
}

TEST(PeriodTest, RejectsWhatIsNotAMonth) {
  for (const char* bad :
       {"", "2020-7", "2020-13", "2020-00", "20-07", "2020/07", "2020-07-01",
        "abcd-ef", "1999-12", "+020-07", "2020-+7"}) {
    absl::StatusOr<Period> p = Period::Parse(bad);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(Period::Parse("2020-13").status().message().find("2020-13"),
            std::string::npos);
}

}  // namespace
}  // namespace zwfw

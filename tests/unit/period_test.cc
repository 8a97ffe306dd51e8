#include "services/common/period.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

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

TEST(ReportPeriodTest, ReadsTheFourForms) {
  struct Case {
    const char* text;
    const char* first;
    const char* last;
    const char* chinese;
    const char* months;
    const char* in_year;
  };
  for (const Case& c : {
           Case{"2020-07", "2020-07", "2020-07", "2020年7月", "7月", "7月"},
           Case{"2023-Q2", "2023-04", "2023-06", "2023年第二季度", "4-6月",
                "第二季度"},
           Case{"2023-Q4", "2023-10", "2023-12", "2023年第四季度", "10-12月",
                "第四季度"},
           Case{"2023-H1", "2023-01", "2023-06", "2023年上半年", "1-6月",
                "上半年"},
           Case{"2023-H2", "2023-07", "2023-12", "2023年下半年", "7-12月",
                "下半年"},
           Case{"2023", "2023-01", "2023-12", "2023年", "1-12月", "全年"},
       }) {
    absl::StatusOr<ReportPeriod> p = ReportPeriod::Parse(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status();
    EXPECT_EQ(p->ToString(), c.text);
    EXPECT_EQ(p->first().ToString(), c.first) << c.text;
    EXPECT_EQ(p->last().ToString(), c.last) << c.text;
    EXPECT_EQ(p->ChineseName(), c.chinese) << c.text;
    EXPECT_EQ(p->ChineseMonths(), c.months) << c.text;
    EXPECT_EQ(p->ChineseNameInYear(), c.in_year) << c.text;
    EXPECT_EQ(static_cast<int>(p->months().size()), p->MonthCount());
    EXPECT_EQ(p->months().front().ToString(), c.first);
    EXPECT_EQ(p->months().back().ToString(), c.last);
  }
}

TEST(ReportPeriodTest, BoundsAreChinaMidnights) {
  absl::StatusOr<ReportPeriod> q = ReportPeriod::Parse("2023-Q2");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->start(), Cst(2023, 4, 1, 0, 0));
  EXPECT_EQ(q->end(), Cst(2023, 7, 1, 0, 0));
  EXPECT_TRUE(q->Contains(*Period::Parse("2023-06")));
  EXPECT_FALSE(q->Contains(*Period::Parse("2023-07")));
  EXPECT_FALSE(q->Contains(*Period::Parse("2023-03")));
}

TEST(ReportPeriodTest, PreviousAndYearBeforeKeepTheKind) {
  EXPECT_EQ(ReportPeriod::Parse("2023-Q1")->Previous().ToString(), "2022-Q4");
  EXPECT_EQ(ReportPeriod::Parse("2023-H1")->Previous().ToString(), "2022-H2");
  EXPECT_EQ(ReportPeriod::Parse("2011-03")->Previous().ToString(), "2011-02");
  EXPECT_EQ(ReportPeriod::Parse("2011-01")->Previous().ToString(), "2010-12");
  EXPECT_EQ(ReportPeriod::Parse("2023")->Previous().ToString(), "2022");
  EXPECT_EQ(ReportPeriod::Parse("2023-Q2")->YearBefore().ToString(), "2022-Q2");
  EXPECT_EQ(ReportPeriod::Parse("2020-07")->YearBefore().ToString(), "2019-07");
}

TEST(ReportPeriodTest, BadTextNamesTheAcceptedForms) {
  for (const char* bad : {"", "2023-Q5", "2023-Q0", "2023-H3", "2023-13",
                          "1999", "2100-Q1", "23-Q2", "2023Q2", "2023-q2",
                          "2023-Q22", "2023-07-01", "２０２３", "+023"}) {
    absl::StatusOr<ReportPeriod> p = ReportPeriod::Parse(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find("a quarter (2023-Q2)"),
              std::string::npos)
        << p.status();
    EXPECT_NE(p.status().message().find(absl::StrCat("\"", bad, "\"")),
              std::string::npos)
        << p.status();
  }
}

}  // namespace
}  // namespace zwfw

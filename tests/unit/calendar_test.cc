#include "services/common/calendar.h"

#include <gtest/gtest.h>

#include "absl/time/civil_time.h"

namespace zwfw {
namespace {

using absl::CivilDay;

// The shipped calendar files, read from the source tree.
const Calendar& Shipped() {
  static const Calendar* const calendar = [] {
    absl::StatusOr<Calendar> c =
        Calendar::LoadDirectory(ZWFW_SOURCE_DIR "/deploy/calendar");
    EXPECT_TRUE(c.ok()) << c.status();
    return new Calendar(*std::move(c));
  }();
  return *calendar;
}

bool Working(CivilDay day) {
  absl::StatusOr<bool> working = Shipped().IsWorkingDay(day);
  EXPECT_TRUE(working.ok()) << working.status();
  return working.value_or(false);
}

CivilDay Plus(CivilDay from, int n) {
  absl::StatusOr<CivilDay> day = Shipped().AddWorkingDays(from, n);
  EXPECT_TRUE(day.ok()) << day.status();
  return day.value_or(CivilDay());
}

TEST(CalendarTest, ShipsEveryYearFrom2020To2026) {
  EXPECT_EQ(Shipped().years(),
            (std::vector<int>{2020, 2021, 2022, 2023, 2024, 2025, 2026}));
}

TEST(CalendarTest, SpringFestival2020IncludesTheExtensionToFebruary2) {
  EXPECT_FALSE(Working(CivilDay(2020, 1, 24)));
  EXPECT_FALSE(Working(CivilDay(2020, 1, 31)));  // a Friday
  EXPECT_FALSE(Working(CivilDay(2020, 2, 1)));   // make-up day cancelled
  EXPECT_FALSE(Working(CivilDay(2020, 2, 2)));
  EXPECT_TRUE(Working(CivilDay(2020, 2, 3)));
  EXPECT_TRUE(Working(CivilDay(2020, 1, 19)));  // a worked Sunday
}

TEST(CalendarTest, OrdinaryWeekdaysAndWeekends) {
  EXPECT_TRUE(Working(CivilDay(2020, 7, 15)));   // Wednesday
  EXPECT_FALSE(Working(CivilDay(2020, 7, 18)));  // Saturday
  EXPECT_FALSE(Working(CivilDay(2020, 7, 19)));  // Sunday
  EXPECT_FALSE(Working(CivilDay(2020, 5, 4)));   // Labour Day holiday
  EXPECT_TRUE(Working(CivilDay(2020, 5, 9)));    // worked Saturday
}

TEST(CalendarTest, FiveWorkingDaysAcrossNationalDay2020) {
  // The worked example of reference/holidays.md.
  EXPECT_EQ(Plus(CivilDay(2020, 9, 30), 5), CivilDay(2020, 10, 14));
  EXPECT_EQ(Plus(CivilDay(2020, 9, 30), 1), CivilDay(2020, 10, 9));
  EXPECT_EQ(Plus(CivilDay(2020, 9, 30), 2), CivilDay(2020, 10, 10));
  EXPECT_EQ(Plus(CivilDay(2020, 9, 30), 0), CivilDay(2020, 9, 30));
}

TEST(CalendarTest, AcrossTheYearEnd) {
  // 2020-12-31 Thu → 2021-01-01..03 off → Mon 4 Jan is the first.
  EXPECT_EQ(Plus(CivilDay(2020, 12, 31), 1), CivilDay(2021, 1, 4));
}

TEST(CalendarTest, WorkingDaysBetween) {
  absl::StatusOr<int> n = Shipped().WorkingDaysBetween(CivilDay(2020, 9, 30),
                                                       CivilDay(2020, 10, 14));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 5);
  n = Shipped().WorkingDaysBetween(CivilDay(2020, 10, 14),
                                   CivilDay(2020, 9, 30));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, -5);
  n = Shipped().WorkingDaysBetween(CivilDay(2020, 7, 1), CivilDay(2020, 7, 31));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 22);  // July 2020: 23 weekdays, the 1st not counted
}

TEST(CalendarTest, RefusesAYearItDoesNotKnow) {
  absl::StatusOr<CivilDay> day =
      Shipped().AddWorkingDays(CivilDay(2026, 12, 30), 5);
  EXPECT_EQ(day.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(day.status().message().find("2027"), std::string::npos);
  EXPECT_EQ(Shipped().IsWorkingDay(CivilDay(2019, 6, 3)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CalendarTest, LocalClosuresAddToTheNationalCalendar) {
  absl::StatusOr<Calendar> c = Calendar::FromFiles(
      {{"2020.txt", "off 2020-10-01 2020-10-08\nwork 2020-10-10\n"},
       {"local.txt", "off 2020-10-09  office moves\n"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c->AddWorkingDays(CivilDay(2020, 9, 30), 1),
            CivilDay(2020, 10, 10));
}

TEST(CalendarTest, BadLinesAreNamed) {
  auto code_and_message = [](std::string name, std::string text) {
    absl::StatusOr<Calendar> c = Calendar::FromFiles({{name, text}});
    return c.status();
  };
  absl::Status s = code_and_message("2020.txt", "# ok\nholiday 2020-01-01\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("2020.txt line 2"), std::string::npos) << s;
  s = code_and_message("2020.txt", "off 2021-01-01\n");
  EXPECT_NE(s.message().find("outside 2020"), std::string::npos) << s;
  s = code_and_message("2020.txt", "work 2020-07-15\n");  // a Wednesday
  EXPECT_NE(s.message().find("weekday"), std::string::npos) << s;
  s = code_and_message("2020.txt", "off 2020-13-01\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = code_and_message("2020.txt", "off 2020-10-08 2020-10-01\n");
  EXPECT_NE(s.message().find("ends before"), std::string::npos) << s;
}

}  // namespace
}  // namespace zwfw

#include "services/common/calendar.h"

#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "services/common/period.h"

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

TEST(CalendarTest, Ships2011AndEveryYearFrom2020To2026) {
  EXPECT_EQ(Shipped().years(),
            (std::vector<int>{2011, 2020, 2021, 2022, 2023, 2024, 2025, 2026}));
}

// The Fangchenggang bulletin's year (reference/holidays.md).
TEST(CalendarTest, SpringFestival2011AndItsWorkedSaturday) {
  EXPECT_FALSE(Working(CivilDay(2011, 2, 2)));
  EXPECT_FALSE(Working(CivilDay(2011, 2, 8)));  // a Tuesday
  EXPECT_TRUE(Working(CivilDay(2011, 2, 9)));
  EXPECT_TRUE(Working(CivilDay(2011, 2, 12)));  // a worked Saturday
  EXPECT_TRUE(Working(CivilDay(2011, 1, 30)));  // a worked Sunday
  EXPECT_TRUE(Working(CivilDay(2011, 3, 1)));
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
  s = code_and_message("local.txt", "hours 09:00-12:00 11:00-17:30\n");
  EXPECT_EQ(s.message(),
            "calendar local.txt line 1: \"11:00-17:30\" is not an interval "
            "like 09:00-12:00 after the previous one");
  s = code_and_message("local.txt", "hours\n");
  EXPECT_NE(s.message().find("expected intervals"), std::string::npos) << s;
  s = code_and_message("local.txt", "hours 9:00-12:00\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = code_and_message("local.txt", "hours 09:00-12:00\nhours 14:00-17:00\n");
  EXPECT_NE(s.message().find("line 2: office hours are given twice"),
            std::string::npos)
      << s;
}

// 延时服务: a case accepted outside the office hours, or on a day that is not
// a working day.
TEST(CalendarTest, OfficeHoursAndAfterHours) {
  absl::StatusOr<Calendar> c = Calendar::FromFiles(
      {{"2020.txt", "off 2020-10-01 2020-10-08\nwork 2020-10-10\n"},
       {"local.txt", "hours 09:00-12:00 14:00-17:30  # 办公时间\n"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->has_office_hours());
  auto after = [&](int month, int day, int hour, int minute) {
    absl::StatusOr<bool> a = c->IsAfterHours(absl::FromCivil(
        absl::CivilMinute(2020, month, day, hour, minute), ChinaTimeZone()));
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() && *a;
  };
  EXPECT_FALSE(after(7, 15, 9, 0));  // a Wednesday, opening time
  EXPECT_FALSE(after(7, 15, 11, 59));
  EXPECT_TRUE(after(7, 15, 12, 0));  // lunch
  EXPECT_FALSE(after(7, 15, 17, 29));
  EXPECT_TRUE(after(7, 15, 17, 30));  // closed
  EXPECT_TRUE(after(7, 15, 8, 59));
  EXPECT_TRUE(after(7, 18, 10, 0));    // a Saturday
  EXPECT_TRUE(after(10, 2, 10, 0));    // National Day
  EXPECT_FALSE(after(10, 10, 10, 0));  // the worked Saturday
  // Without hours, nothing is after hours; outside the calendar, an error.
  absl::StatusOr<Calendar> plain = Calendar::FromFiles({{"2020.txt", ""}});
  EXPECT_FALSE(plain->has_office_hours());
  EXPECT_FALSE(*plain->IsAfterHours(
      absl::FromCivil(absl::CivilMinute(2020, 7, 18, 22, 0), ChinaTimeZone())));
  EXPECT_EQ(c->IsAfterHours(absl::FromCivil(absl::CivilMinute(2019, 7, 1, 8, 0),
                                            ChinaTimeZone()))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace zwfw

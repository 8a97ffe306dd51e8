#include "services/intake/case_rules.h"

#include <gtest/gtest.h>

#include "services/common/period.h"
#include "tests/testing/test_util.h"

namespace zwfw::intake {
namespace {

using zwfw::v1::Case;
using zwfw::v1::CaseStatus;

absl::Time Cst(int y, int mo, int d, int h = 0, int mi = 0) {
  return testing::Cst(y, mo, d, h, mi);
}

const Calendar& Shipped() {
  static const Calendar* const calendar = new Calendar(
      *Calendar::LoadDirectory(ZWFW_SOURCE_DIR "/deploy/calendar"));
  return *calendar;
}

zwfw::v1::TimeInterval Pause(absl::Time start, absl::Time end) {
  zwfw::v1::TimeInterval p;
  *p.mutable_start() = ToProto(start);
  *p.mutable_end() = ToProto(end);
  return p;
}

TEST(CaseRulesTest, DueTimeIsTheEndOfTheNthWorkingDay) {
  google::protobuf::RepeatedPtrField<zwfw::v1::TimeInterval> none;
  EXPECT_EQ(*ComputeDueAt(Cst(2020, 9, 30, 16), 5, none, Shipped()),
            Cst(2020, 10, 15));
  // Instant items are due at the end of the day they were accepted.
  EXPECT_EQ(*ComputeDueAt(Cst(2020, 7, 31, 23, 30), 0, none, Shipped()),
            Cst(2020, 8, 1));
  // Accepted on a Saturday: counting starts on the next working day.
  EXPECT_EQ(*ComputeDueAt(Cst(2020, 7, 4, 10), 1, none, Shipped()),
            Cst(2020, 7, 7));
}

TEST(CaseRulesTest, ClosedPausesGiveBackTheirWorkingDays) {
  google::protobuf::RepeatedPtrField<zwfw::v1::TimeInterval> pauses;
  // Tue 09:00 to Thu 17:00 gives back Wed and Thu.
  *pauses.Add() = Pause(Cst(2020, 7, 7, 9), Cst(2020, 7, 9, 17));
  EXPECT_EQ(*ComputeDueAt(Cst(2020, 7, 6, 9), 3, pauses, Shipped()),
            Cst(2020, 7, 14));  // 3 + 2 working days after Mon 6th: Mon 13th
  // A pause over National Day gives back only working days (Oct 9, 10).
  pauses.Clear();
  *pauses.Add() = Pause(Cst(2020, 9, 30, 9), Cst(2020, 10, 10, 12));
  // 1 + 2 working days after Tue Sep 29: Sep 30, Oct 9, Sat Oct 10.
  EXPECT_EQ(*ComputeDueAt(Cst(2020, 9, 29, 9), 1, pauses, Shipped()),
            Cst(2020, 10, 11));
}

TEST(CaseRulesTest, EveryTransition) {
  const CaseStatus all[] = {
      zwfw::v1::CASE_STATUS_ACCEPTED, zwfw::v1::CASE_STATUS_SUSPENDED,
      zwfw::v1::CASE_STATUS_COMPLETED, zwfw::v1::CASE_STATUS_REJECTED,
      zwfw::v1::CASE_STATUS_WITHDRAWN};
  std::string legal;
  for (CaseStatus from : all) {
    for (CaseStatus to : all) {
      if (CheckTransition(from, to).ok()) {
        legal += zwfw::v1::CaseStatus_Name(from).substr(12, 3) + ">" +
                 zwfw::v1::CaseStatus_Name(to).substr(12, 3) + " ";
      } else {
        EXPECT_EQ(CheckTransition(from, to).code(),
                  absl::StatusCode::kFailedPrecondition);
      }
    }
  }
  EXPECT_EQ(legal,
            "ACC>ACC ACC>SUS ACC>COM ACC>WIT SUS>ACC SUS>SUS SUS>COM SUS>WIT ");
}

TEST(CaseRulesTest, Overtime) {
  Case c;
  *c.mutable_due_at() = ToProto(Cst(2020, 7, 10));
  c.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
  EXPECT_FALSE(IsOvertime(c, Cst(2020, 7, 9)));
  EXPECT_TRUE(IsOvertime(c, Cst(2020, 7, 11)));
  c.set_status(zwfw::v1::CASE_STATUS_SUSPENDED);  // clock stopped
  EXPECT_FALSE(IsOvertime(c, Cst(2020, 7, 11)));
  c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
  *c.mutable_completed_at() = ToProto(Cst(2020, 7, 9, 23, 59));
  EXPECT_FALSE(IsOvertime(c, Cst(2020, 12, 1)));
  *c.mutable_completed_at() = ToProto(Cst(2020, 7, 10, 0, 1));
  EXPECT_TRUE(IsOvertime(c, Cst(2020, 12, 1)));
  c.clear_due_at();
  EXPECT_FALSE(IsOvertime(c, Cst(2020, 12, 1)));
}

TEST(CaseRulesTest, FieldErrorsSplit) {
  EXPECT_EQ(SplitFieldError("accepted_at: is missing"),
            (std::pair<std::string, std::string>("accepted_at", "is missing")));
  EXPECT_EQ(SplitFieldError("no field here"),
            (std::pair<std::string, std::string>("", "no field here")));
}

}  // namespace
}  // namespace zwfw::intake

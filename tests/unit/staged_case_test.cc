#include "services/intake/staged_case.h"

#include <gtest/gtest.h>

#include "services/intake/case_counters.h"

namespace zwfw::intake {
namespace {

using zwfw::v1::Case;

constexpr int64_t kJuly31At17Utc = 1596214800;  // 2020-08-01 01:00 CST

// Accepted at `accepted` (Unix seconds), completed an hour later, due at
// `due`: late when due is before completion.
Case Completed(int64_t accepted, int64_t due) {
  Case c;
  c.set_department_code("d1");
  c.set_case_no("n1");
  c.set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
  c.set_site(zwfw::v1::HANDLING_SITE_CENTER);
  c.set_completed_in_center(true);
  c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
  c.mutable_accepted_at()->set_seconds(accepted);
  c.mutable_completed_at()->set_seconds(accepted + 3600);
  c.mutable_due_at()->set_seconds(due);
  return c;
}

TEST(StagedCaseTest, CarriesTheBytesStoredAndTheMonthInChinaStandardTime) {
  Case c = Completed(kJuly31At17Utc, kJuly31At17Utc + 86400);
  StagedCase staged = Stage(c);
  EXPECT_EQ(staged.record.SerializeAsString(), c.SerializeAsString());
  EXPECT_EQ(staged.bytes, StoredBytes(c));
  Case parsed;
  ASSERT_TRUE(parsed.ParseFromString(staged.bytes));
  EXPECT_EQ(parsed.case_no(), "n1");
  EXPECT_EQ(staged.accepted_month, "2020-08");  // July 31 in UTC
  EXPECT_EQ(staged.due_micros, (kJuly31At17Utc + 86400) * 1000000);
  EXPECT_EQ(staged.completed_micros, (kJuly31At17Utc + 3600) * 1000000);
  EXPECT_EQ(staged.audit_key, "d1/n1");

  c.clear_due_at();
  c.clear_completed_at();
  StagedCase open = Stage(c);
  EXPECT_FALSE(open.due_micros.has_value());
  EXPECT_FALSE(open.completed_micros.has_value());
}

TEST(StagedCaseTest, ContributionIsWhatTheCaseAddsToItsMonths) {
  // Accepted 2020-08-01 CST, due (and late) the day before in CST: the
  // overtime counts in July, the rest in August.
  Case late = Completed(kJuly31At17Utc, kJuly31At17Utc - 3600 * 2);
  Contribution two = Stage(late).contribution;
  ASSERT_EQ(two.size, 2);
  EXPECT_EQ(std::get<0>(two.parts[0].key), "2020-08");
  EXPECT_EQ(two.parts[0].counters.total, 1);
  EXPECT_EQ(two.parts[0].counters.center_same_day, 1);
  EXPECT_EQ(two.parts[0].counters.overtime_completed, 0);
  EXPECT_EQ(std::get<0>(two.parts[1].key), "2020-07");
  EXPECT_EQ(two.parts[1].counters.overtime_completed, 1);
  EXPECT_EQ(two.parts[1].counters.total, 0);

  // Due in its own month: one row with both.
  Case same = Completed(kJuly31At17Utc, kJuly31At17Utc + 1800);
  Contribution one = ContributionOf(same);
  ASSERT_EQ(one.size, 1);
  EXPECT_EQ(one.parts[0].counters.total, 1);
  EXPECT_EQ(one.parts[0].counters.overtime_completed, 1);

  // Added and taken away again, nothing is left; the case's own overload
  // adds the same.
  CaseDeltas deltas;
  AddContribution(two, +1, &deltas);
  CaseDeltas direct;
  AddContribution(late, +1, &direct);
  ASSERT_EQ(deltas.counters.size(), direct.counters.size());
  for (const auto& [key, counters] : direct.counters) {
    ASSERT_TRUE(deltas.counters.contains(key));
    EXPECT_EQ(deltas.counters[key].total, counters.total);
    EXPECT_EQ(deltas.counters[key].overtime_completed,
              counters.overtime_completed);
  }
  ASSERT_EQ(deltas.cells.size(), direct.cells.size());
  EXPECT_FALSE(deltas.cells.empty());
  AddContribution(two, -1, &deltas);
  for (const auto& [key, counters] : deltas.counters) {
    EXPECT_TRUE(counters.IsZero());
  }
  for (const auto& [key, values] : deltas.cells) EXPECT_TRUE(values.IsZero());

  // A rejected case adds nothing.
  late.set_status(zwfw::v1::CASE_STATUS_REJECTED);
  EXPECT_EQ(ContributionOf(late).size, 0);
}

}  // namespace
}  // namespace zwfw::intake

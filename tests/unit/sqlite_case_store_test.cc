// SqliteCaseStore on its own, without the service: outcomes, counters,
// durability across a reopen, and the WAL under a steady stream of writes.
#include "services/intake/sqlite_case_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "tests/testing/case_fixtures.h"
#include "tests/testing/test_util.h"

namespace zwfw::intake {
namespace {

using zwfw::testing::Cst;
using zwfw::v1::Case;

// A completed center approval case of department "d1".
Case Police(const std::string& no, absl::Time accepted) {
  return testing::CompletedCenterCase("d1", no, accepted);
}

// Writes and waits: the outcomes by name, or the error.
std::vector<std::string> WriteAll(CaseStore& store, std::vector<Case> cases) {
  absl::Notification done;
  std::vector<std::string> outcomes;
  store.Write(std::move(cases), {"admin test", "SubmitCases"},
              [&](absl::StatusOr<std::vector<WriteResult>> results) {
                if (!results.ok()) {
                  outcomes.push_back(results.status().ToString());
                } else {
                  for (const WriteResult& r : *results) {
                    outcomes.push_back(zwfw::v1::RecordOutcome_Name(r.outcome));
                  }
                }
                done.Notify();
              });
  done.WaitForNotification();
  return outcomes;
}

TEST(SqliteCaseStoreTest, OutcomesCountersAndAReopen) {
  const std::string path = testing::FreshDbPath("case-store");
  const Period july = *Period::Parse("2020-07");
  const absl::Time after_july = Cst(2020, 9, 1);
  {
    auto store = *SqliteCaseStore::Open(path);
    Case open = Police("1", Cst(2020, 7, 6));
    open.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
    open.clear_completed_at();
    Case rejected = Police("2", Cst(2020, 7, 6));
    rejected.set_status(zwfw::v1::CASE_STATUS_REJECTED);
    EXPECT_EQ(WriteAll(*store, {open, Police("3", Cst(2020, 7, 7)), rejected}),
              (std::vector<std::string>{"RECORD_OUTCOME_ACCEPTED",
                                        "RECORD_OUTCOME_ACCEPTED",
                                        "RECORD_OUTCOME_ACCEPTED"}));
    // The same record again; the open case completed; a rejected case may
    // not come back to life.
    Case revived = rejected;
    revived.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
    EXPECT_EQ(WriteAll(*store, {Police("3", Cst(2020, 7, 7)),
                                Police("1", Cst(2020, 7, 6)), revived}),
              (std::vector<std::string>{"RECORD_OUTCOME_DUPLICATE",
                                        "RECORD_OUTCOME_UPDATED",
                                        "RECORD_OUTCOME_REJECTED"}));
  }
  // Everything acknowledged is there after a reopen, counted once.
  auto store = *SqliteCaseStore::Open(path);
  absl::StatusOr<MonthCounters> month = store->ReadMonth(july, after_july);
  ASSERT_TRUE(month.ok()) << month.status();
  const Counters& c = month->rows.at({"d1", zwfw::v1::ITEM_CATEGORY_APPROVAL});
  EXPECT_EQ(c.total, 2);  // the rejected case is not counted
  EXPECT_EQ(c.completed, 2);
  EXPECT_EQ(c.center_same_day, 2);
  absl::StatusOr<std::optional<Case>> found = store->Get("d1", "1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->status(), zwfw::v1::CASE_STATUS_COMPLETED);
  EXPECT_FALSE(store->Get("d1", "9")->has_value());
}

// The WAL's size once `requests` batches of 20 cases (over 20 departments)
// have been written back to back, one transaction each, with the
// checkpointer running every 2 ms.
std::uintmax_t WalSizeAfterSteadyWrites(const std::string& path,
                                        int restart_wal_frames, int requests) {
  SqliteCaseStoreOptions options;
  options.max_records_per_transaction = 20;
  options.checkpoint_interval = absl::Milliseconds(2);
  options.restart_wal_frames = restart_wal_frames;
  std::unique_ptr<SqliteCaseStore> store =
      *SqliteCaseStore::Open(path, options);
  absl::BlockingCounter written(requests);
  for (int r = 0; r < requests; ++r) {
    std::vector<Case> cases;
    for (int k = 0; k < 20; ++k) {
      Case c = Police(absl::StrCat("W-", r, "-", k), Cst(2020, 7, 6));
      c.set_department_code(absl::StrCat("d", k));
      cases.push_back(std::move(c));
    }
    store->Write(std::move(cases), {"admin test", "SubmitCases"},
                 [&written](absl::StatusOr<std::vector<WriteResult>> result) {
                   EXPECT_TRUE(result.ok()) << result.status();
                   written.DecrementCount();
                 });
  }
  written.Wait();
  EXPECT_GE(store->transactions(), requests);
  // Measured before the store closes (closing empties the WAL).
  return std::filesystem::file_size(path + "-wal");
}

TEST(SqliteCaseStoreTest, TheWalStartsOverUnderASteadyStreamOfWrites) {
  const int kRequests = 600;
  // Control: the writer never finishes a checkpoint, so the checkpointer
  // alone cannot catch up with the last frame and every commit appends.
  const std::uintmax_t growing =
      WalSizeAfterSteadyWrites(testing::FreshDbPath("wal-control"),
                               std::numeric_limits<int>::max(), kRequests);
  const std::uintmax_t bounded = WalSizeAfterSteadyWrites(
      testing::FreshDbPath("wal-bounded"), 200, kRequests);
  EXPECT_GT(growing, 4u << 20) << "the control did not grow the WAL; the "
                                  "test no longer shows anything";
  EXPECT_LT(bounded * 4, growing)
      << "bounded " << bounded << " bytes, control " << growing << " bytes";
}

}  // namespace
}  // namespace zwfw::intake

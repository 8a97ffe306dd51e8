// The case stores on their own, without the service: outcomes, counters
// and durability across a reopen on SQLite and PostgreSQL alike; two
// PostgreSQL replicas writing the same cases at once; SQLite's WAL under a
// steady stream of writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "services/intake/pg_intake_store.h"
#include "services/intake/sqlite_case_store.h"
#include "tests/testing/case_fixtures.h"
#include "tests/testing/shared_postgres.h"
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

// Each test on both stores: Open() opens the test's store again, as a
// restarted server would.
class CaseStoreTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == testing::Backend::kPostgres) {
      pg_ = testing::SharedPostgres("case_store");
      if (!pg_) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
    }
    path_ = testing::FreshDbPath("case-store");
  }

  std::unique_ptr<CaseStore> Open() {
    if (pg_) {
      absl::StatusOr<std::unique_ptr<PgIntakeStore>> pg =
          PgIntakeStore::Open(*pg_);
      EXPECT_TRUE(pg.ok()) << pg.status();
      return pg.ok() ? *std::move(pg) : nullptr;
    }
    absl::StatusOr<std::unique_ptr<SqliteCaseStore>> sqlite =
        SqliteCaseStore::Open(path_);
    EXPECT_TRUE(sqlite.ok()) << sqlite.status();
    return sqlite.ok() ? *std::move(sqlite) : nullptr;
  }

  std::string path_;
  std::optional<PgOptions> pg_;
};

INSTANTIATE_TEST_SUITE_P(Stores, CaseStoreTest, testing::kEveryBackend,
                         testing::BackendName);

TEST_P(CaseStoreTest, OutcomesCountersAndAReopen) {
  const Period july = *Period::Parse("2020-07");
  const absl::Time after_july = Cst(2020, 9, 1);
  {
    std::unique_ptr<CaseStore> store = Open();
    ASSERT_NE(store, nullptr);
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
  std::unique_ptr<CaseStore> store = Open();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<MonthCounters> month = store->ReadMonth(july, after_july);
  ASSERT_TRUE(month.ok()) << month.status();
  const Counters& c = month->rows.at({"d1", zwfw::v1::ITEM_CATEGORY_APPROVAL});
  EXPECT_EQ(c.total, 2);  // the rejected case is not counted
  EXPECT_EQ(c.completed, 2);
  EXPECT_EQ(c.center_same_day, 2);
  // A quarter's months in one read: July as read alone, the others empty.
  absl::StatusOr<std::vector<MonthCounters>> quarter =
      store->ReadMonths(ReportPeriod::Parse("2020-Q3")->months(), after_july);
  ASSERT_TRUE(quarter.ok()) << quarter.status();
  ASSERT_EQ(quarter->size(), 3u);
  EXPECT_EQ((*quarter)[0].data_version, month->data_version);
  EXPECT_EQ(
      (*quarter)[0].rows.at({"d1", zwfw::v1::ITEM_CATEGORY_APPROVAL}).completed,
      2);
  EXPECT_TRUE((*quarter)[1].rows.empty());
  EXPECT_TRUE((*quarter)[2].rows.empty());
  absl::StatusOr<std::optional<Case>> found = store->Get("d1", "1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->status(), zwfw::v1::CASE_STATUS_COMPLETED);
  EXPECT_FALSE(store->Get("d1", "9")->has_value());
}

// Two replicas over one schema, given the same cases at once (a client
// re-sending through another replica what it thinks was lost, two systems
// reporting one case): each case is ACCEPTED exactly once over both, the
// other sees it as DUPLICATE or UPDATED, and the counters equal a recount
// of the stored cases.
TEST(PgCaseReplicasTest, TheSameCasesThroughTwoReplicasAreAcceptedOnce) {
  std::optional<PgOptions> pg = testing::SharedPostgres("case_replicas");
  if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
  std::unique_ptr<PgIntakeStore> replicas[2];
  for (auto& r : replicas) {
    absl::StatusOr<std::unique_ptr<PgIntakeStore>> store =
        PgIntakeStore::Open(*pg);
    ASSERT_TRUE(store.ok()) << store.status();
    r = *std::move(store);
  }
  constexpr int kBatches = 40, kPerBatch = 25;
  // Both replicas get every batch, in opposite orders; half the cases are
  // sent open to one and completed to the other.
  std::map<std::string, int> accepted;
  absl::Mutex mu;
  std::vector<std::thread> writers;
  for (int r = 0; r < 2; ++r) {
    writers.emplace_back([&, r] {
      for (int b = 0; b < kBatches; ++b) {
        const int batch = r == 0 ? b : kBatches - 1 - b;
        std::vector<Case> cases;
        for (int k = 0; k < kPerBatch; ++k) {
          Case c = Police(absl::StrCat("R-", batch, "-", k), Cst(2020, 7, 6));
          c.set_department_code(absl::StrCat("d", k % 5));
          if (k % 2 == 0 && r == 0) {
            c.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
            c.clear_completed_at();
            c.set_completed_in_center(false);
          }
          cases.push_back(std::move(c));
        }
        const std::vector<Case> sent = cases;
        const std::vector<std::string> outcomes =
            WriteAll(*replicas[r], std::move(cases));
        ASSERT_EQ(outcomes.size(), sent.size()) << outcomes[0];
        absl::MutexLock lock(&mu);
        for (size_t i = 0; i < sent.size(); ++i) {
          const std::string key =
              absl::StrCat(sent[i].department_code(), "/", sent[i].case_no());
          if (outcomes[i] == "RECORD_OUTCOME_ACCEPTED") {
            ++accepted[key];
          } else {
            accepted.try_emplace(key, 0);
            EXPECT_TRUE(outcomes[i] == "RECORD_OUTCOME_DUPLICATE" ||
                        outcomes[i] == "RECORD_OUTCOME_UPDATED" ||
                        // the completed case reached the first replica
                        // before the open one: it may not reopen
                        outcomes[i] == "RECORD_OUTCOME_REJECTED")
                << key << ": " << outcomes[i];
          }
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  ASSERT_EQ(accepted.size(), static_cast<size_t>(kBatches * kPerBatch));
  for (const auto& [key, n] : accepted) EXPECT_EQ(n, 1) << key;

  // The counters against a recount of what is stored.
  absl::StatusOr<MonthCounters> month =
      replicas[1]->ReadMonth(*Period::Parse("2020-07"), Cst(2020, 9, 1));
  ASSERT_TRUE(month.ok()) << month.status();
  CaseQuery all;
  all.period = *ReportPeriod::Parse("2020-07");
  all.limit = 10000;
  absl::StatusOr<CasePage> page = replicas[0]->List(all, Cst(2020, 9, 1));
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->cases.size(), static_cast<size_t>(kBatches * kPerBatch));
  std::map<std::string, std::pair<int64_t, int64_t>> recount;
  for (const Case& c : page->cases) {
    auto& [total, completed] = recount[c.department_code()];
    ++total;
    if (c.status() == zwfw::v1::CASE_STATUS_COMPLETED) ++completed;
  }
  for (const auto& [department, expected] : recount) {
    const Counters& c =
        month->rows.at({department, zwfw::v1::ITEM_CATEGORY_APPROVAL});
    EXPECT_EQ(c.total, expected.first) << department;
    EXPECT_EQ(c.completed, expected.second) << department;
  }
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

#include "services/common/audit_log.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace zwfw {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = *Database::Open(":memory:");
    ASSERT_TRUE(db_->Migrate({AuditLogMigration()}).ok());
    for (int i = 1; i <= 3; ++i) {
      absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
      ASSERT_TRUE(tx.ok());
      ASSERT_TRUE(AppendAudit(*db_,
                              {"department:qj-gaj 1234abcd", "UpsertCase"},
                              absl::FromUnixSeconds(1600000000 + i),
                              {absl::StrCat("qj-gaj/C-", i)})
                      .ok());
      ASSERT_TRUE(tx->Commit().ok());
    }
  }
  std::unique_ptr<Database> db_;
};

TEST_F(AuditLogTest, EntriesAreChainedAndListedInOrder) {
  absl::StatusOr<std::vector<AuditEntry>> all = ListAudit(*db_, 0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].prev_hash, "");
  EXPECT_EQ((*all)[1].prev_hash, (*all)[0].hash);
  EXPECT_EQ((*all)[2].keys, std::vector<std::string>{"qj-gaj/C-3"});
  EXPECT_EQ((*all)[2].who, "department:qj-gaj 1234abcd");
  EXPECT_EQ(ListAudit(*db_, 2, 10)->size(), 1u);
  absl::StatusOr<AuditVerdict> verdict = VerifyAudit(*db_);
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(verdict->entries, 3);
  EXPECT_TRUE(verdict->problem.empty());
  EXPECT_EQ(verdict->head_hash, (*all)[2].hash);
}

TEST_F(AuditLogTest, TheTableRefusesUpdatesAndDeletes) {
  EXPECT_FALSE(
      db_->Exec("UPDATE audit_log SET who = 'admin' WHERE seq = 2").ok());
  EXPECT_FALSE(db_->Exec("DELETE FROM audit_log WHERE seq = 2").ok());
  EXPECT_EQ(VerifyAudit(*db_)->entries, 3);
}

// Whoever has the file can drop the triggers; the chain still tells.
TEST_F(AuditLogTest, VerifyFindsAnEditedOrDeletedEntry) {
  ASSERT_TRUE(db_->Exec("DROP TRIGGER audit_log_no_update; "
                        "DROP TRIGGER audit_log_no_delete")
                  .ok());
  ASSERT_TRUE(
      db_->Exec("UPDATE audit_log SET who = 'admin 00000000' WHERE seq = 2")
          .ok());
  absl::StatusOr<AuditVerdict> edited = VerifyAudit(*db_);
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(edited->entries, 1);
  EXPECT_EQ(edited->problem, "entry 2: edited (its hash does not match)");

  ASSERT_TRUE(db_->Exec("DELETE FROM audit_log WHERE seq = 2").ok());
  absl::StatusOr<AuditVerdict> deleted = VerifyAudit(*db_);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->problem, "entry 2 is missing (deleted)");
}

}  // namespace
}  // namespace zwfw

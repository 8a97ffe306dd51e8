#include "services/common/sqlite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/data_changes.h"

namespace zwfw {
namespace {

std::string TempDb(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path =
      absl::StrCat(dir ? dir : "/tmp", "/", name, ".", getpid(), ".db");
  unlink(path.c_str());
  unlink((path + "-wal").c_str());
  unlink((path + "-shm").c_str());
  return path;
}

int64_t Count(Database& db, const std::string& table) {
  absl::StatusOr<Statement> q =
      db.Prepare(absl::StrCat("SELECT count(*) FROM ", table));
  EXPECT_TRUE(q.ok());
  EXPECT_TRUE(*q->Step());
  return q->ColumnInt(0);
}

const std::vector<std::string> kMigrations = {
    "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)",
    "ALTER TABLE kv ADD COLUMN note TEXT",
};

TEST(SqliteTest, OpensInWalWithFullSync) {
  auto db = Database::Open(TempDb("wal"));
  ASSERT_TRUE(db.ok()) << db.status();
  auto q = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "wal");
  q = (*db)->Prepare("PRAGMA synchronous");
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnInt(0), 2);  // FULL
}

TEST(SqliteTest, MigrationsRunOnceInOrder) {
  std::string path = TempDb("migrate");
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Migrate({kMigrations[0]}).ok());
    EXPECT_EQ(*(*db)->SchemaVersion(), 1);
  }
  auto db = Database::Open(path);
  ASSERT_TRUE((*db)->Migrate(kMigrations).ok());
  EXPECT_EQ(*(*db)->SchemaVersion(), 2);
  ASSERT_TRUE((*db)->Migrate(kMigrations).ok());  // nothing left to do
  auto insert = (*db)->Prepare("INSERT INTO kv (k, v, note) VALUES (?, ?, ?)");
  ASSERT_TRUE(insert.ok());
  EXPECT_TRUE(insert->Bind(1, "a").Bind(2, 1).Bind(3, "n").Run().ok());
  // A program that knows fewer migrations than the file has refuses it.
  absl::Status s = (*db)->Migrate({kMigrations[0]});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SqliteTest, AFailedMigrationLeavesTheVersion) {
  auto db = Database::Open(TempDb("bad-migration"));
  absl::Status s = (*db)->Migrate({kMigrations[0], "CREATE TABLE oops ("});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("schema version 2"), std::string::npos) << s;
  EXPECT_EQ(*(*db)->SchemaVersion(), 1);
}

TEST(SqliteTest, UncommittedTransactionsRollBack) {
  auto db = Database::Open(TempDb("tx"));
  ASSERT_TRUE((*db)->Migrate({kMigrations[0]}).ok());
  {
    auto tx = Transaction::Begin(**db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO kv VALUES ('a', 1)").ok());
  }  // no Commit
  EXPECT_EQ(Count(**db, "kv"), 0);
  {
    auto tx = Transaction::Begin(**db);
    ASSERT_TRUE((*db)->Exec("INSERT INTO kv VALUES ('a', 1)").ok());
    ASSERT_TRUE(tx->Commit().ok());
    EXPECT_EQ(tx->Commit().code(), absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(Count(**db, "kv"), 1);
}

TEST(SqliteTest, ErrorsNameTheStatement) {
  auto db = Database::Open(TempDb("errors"));
  ASSERT_TRUE((*db)->Migrate({kMigrations[0]}).ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO kv VALUES ('a', 1)").ok());
  auto insert = (*db)->Prepare("INSERT INTO kv VALUES (?, ?)");
  absl::Status s = insert->Bind(1, "a").Bind(2, 2).Run();
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(s.message().find("INSERT INTO kv"), std::string::npos) << s;
  // The statement is reusable after an error.
  EXPECT_TRUE(insert->Bind(1, "b").Bind(2, 2).Run().ok());
  auto bad = (*db)->Prepare("SELEC nonsense");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("SELEC nonsense"), std::string::npos);
}

TEST(SqliteTest, CachedStatementsArePreparedOnceAndReusable) {
  auto db = Database::Open(TempDb("cached"));
  ASSERT_TRUE((*db)->Migrate({kMigrations[0]}).ok());
  const std::string sql = "INSERT INTO kv VALUES (?, ?)";
  absl::StatusOr<Statement*> insert = (*db)->Cached(sql);
  ASSERT_TRUE(insert.ok()) << insert.status();
  // The same object for the same SQL, however the text is held.
  EXPECT_EQ(*(*db)->Cached(absl::string_view(sql)), *insert);
  EXPECT_NE(*(*db)->Cached("SELECT v FROM kv WHERE k = ?"), *insert);
  ASSERT_TRUE((*insert)->Bind(1, "a").Bind(2, 1).Run().ok());
  // A failed run leaves it reset, with no binding left over.
  absl::Status s = (*insert)->Bind(1, "a").Bind(2, 2).Run();
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  ASSERT_TRUE((*insert)->Bind(1, "b").Bind(2, 3).Run().ok());
  absl::StatusOr<Statement*> select =
      (*db)->Cached("SELECT v FROM kv WHERE k = ?");
  ASSERT_TRUE(*(*select)->Bind(1, "b").Step());
  EXPECT_EQ((*select)->ColumnInt(0), 3);
  // Reset mid-read: the next use reads afresh with its own binding.
  (*select)->Reset();
  ASSERT_TRUE(*(*select)->Bind(1, "a").Step());
  EXPECT_EQ((*select)->ColumnInt(0), 1);
  (*select)->Reset();
  // Transactions run on cached BEGIN and COMMIT, again and again.
  for (int i = 0; i < 3; ++i) {
    auto tx = Transaction::Begin(**db);
    ASSERT_TRUE(tx.ok()) << tx.status();
    ASSERT_TRUE((*insert)->Bind(1, absl::StrCat("t", i)).Bind(2, i).Run().ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(Count(**db, "kv"), 5);
  // Bad SQL is an error naming it, and is not kept.
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Statement*> bad = (*db)->Cached("SELEC nonsense");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("SELEC nonsense"), std::string::npos);
  }
}

TEST(SqliteTest, TextAndBlobsRoundTrip) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (a TEXT, b BLOB, c INTEGER)").ok());
  std::string blob("\0\1\2zero", 7);
  auto insert = (*db)->Prepare("INSERT INTO t VALUES (?, ?, ?)");
  ASSERT_TRUE(
      insert->Bind(1, "区公安局").BindBlob(2, blob).BindNull(3).Run().ok());
  auto q = (*db)->Prepare("SELECT a, b, c FROM t");
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "区公安局");
  EXPECT_EQ(q->ColumnText(1), blob);
  EXPECT_TRUE(q->ColumnIsNull(2));
  EXPECT_FALSE(*q->Step());
}

}  // namespace
}  // namespace zwfw

namespace zwfw {
namespace {

TEST(SqliteTest, ReportsAChangeOnlyOnceItIsCommitted) {
  auto db = Database::Open(TempDb("changes"));
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Migrate(kMigrations).ok());
  DataChanges& changes = DataChanges::Process();
  const DataChanges::Version start = changes.Current();

  // Reads change nothing.
  EXPECT_EQ(Count(**db, "kv"), 0);
  EXPECT_EQ(changes.Current().counter, start.counter);

  // Inside a transaction nothing is reported; the commit is.
  {
    absl::StatusOr<Transaction> tx = Transaction::Begin(**db);
    ASSERT_TRUE(tx.ok());
    auto insert = (*db)->Prepare("INSERT INTO kv (k, v) VALUES (?, ?)");
    ASSERT_TRUE(insert->Bind(1, "a").Bind(2, 1).Run().ok());
    ASSERT_TRUE(insert->Bind(1, "b").Bind(2, 2).Run().ok());
    EXPECT_EQ(changes.Current().counter, start.counter);
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(changes.Current().counter, start.counter + 1);

  // A statement on its own is its own commit; one that changes no row is
  // not a change.
  ASSERT_TRUE((*db)->Exec("UPDATE kv SET v = 3 WHERE k = 'a'").ok());
  EXPECT_EQ(changes.Current().counter, start.counter + 2);
  ASSERT_TRUE((*db)->Exec("UPDATE kv SET v = 3 WHERE k = 'none'").ok());
  EXPECT_EQ(changes.Current().counter, start.counter + 2);
  EXPECT_EQ(changes.Current().epoch, start.epoch);

  // A waiter wakes on a change, or when the feed closes.
  EXPECT_EQ(changes.WaitForChange(start.counter, absl::Seconds(5)).counter,
            start.counter + 2);
  DataChanges other;
  EXPECT_NE(other.Current().epoch, start.epoch);  // a new run, a new epoch
  other.Close();
  EXPECT_EQ(other.WaitForChange(0, absl::Seconds(30)).counter, 0);
  EXPECT_TRUE(other.closed());
}

}  // namespace
}  // namespace zwfw

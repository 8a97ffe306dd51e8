// zwfw-migrate's copy (tools/migrate) on the suite's PostgreSQL cluster:
// every value converted by its column's type, the audit chain continued,
// identities numbered on after the copied rows, a second run refused, and
// nothing left behind unnoticed; and for each real service, its SQLite
// store's tables copy into its PostgreSQL store's (the two stores'
// migrations agree), intake's directory included.
#include "tools/migrate/sqlite_to_postgres.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "services/common/audit_log.h"
#include "services/common/pg_audit_log.h"
#include "services/intake/pg_intake_store.h"
#include "services/intake/sqlite_directory_store.h"
#include "tests/testing/shared_postgres.h"
#include "tests/testing/test_util.h"
#include "tools/migrate/service_moves.h"

namespace zwfw::migrate {
namespace {

// A byte string COPY's text format must escape, and not UTF-8.
const std::string kAwkward("tab\there\nnew\\line \"q\" {} NULL \xff\x00z", 30);

class SqliteToPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<PgOptions> pg = testing::SharedPostgres("migrate");
    if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
    options_ = *pg;
    path_ = testing::FreshDbPath("migrate");
  }

  // A SQLite file with `things` (every type the stores use) and an audit
  // trail of three entries; `extra` is one more migration.
  void MakeSqlite(const std::string& extra = "") {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status();
    std::vector<std::string> migrations = {
        R"sql(CREATE TABLE things (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  flag INTEGER NOT NULL,
  at INTEGER,
  record BLOB NOT NULL,
  "by" TEXT NOT NULL
) STRICT;)sql",
        AuditLogMigration()};
    if (!extra.empty()) migrations.push_back(extra);
    ASSERT_TRUE((*db)->Migrate(migrations).ok());
    absl::StatusOr<Statement> insert =
        (*db)->Prepare("INSERT INTO things VALUES (?, ?, ?, ?, ?, ?)");
    ASSERT_TRUE(insert.ok());
    insert->Bind(1, 7).Bind(2, "甲\t乙").Bind(3, 1).Bind(4, int64_t{-5});
    insert->BindBlob(5, kAwkward).Bind(6, "admin");
    ASSERT_TRUE(insert->Run().ok());
    insert->Bind(1, 40).Bind(2, "").Bind(3, 0).BindNull(4);
    insert->BindBlob(5, "").Bind(6, "x");
    ASSERT_TRUE(insert->Run().ok());
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<Transaction> tx = Transaction::Begin(**db);
      ASSERT_TRUE(tx.ok());
      ASSERT_TRUE(AppendAudit(**db, {"admin:1", "SetThing"},
                              absl::FromUnixSeconds(1600000000 + i),
                              {absl::StrCat("thing ", i)})
                      .ok());
      ASSERT_TRUE(tx->Commit().ok());
    }
  }

  std::unique_ptr<PgDatabase> OpenPostgres(const std::string& things) {
    absl::StatusOr<std::unique_ptr<PgDatabase>> db =
        PgDatabase::Open(options_, {things, PgAuditLogMigration()});
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  static constexpr char kThings[] = R"sql(CREATE TABLE things (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  flag boolean NOT NULL,
  at bigint,
  record bytea NOT NULL,
  made_by text NOT NULL
))sql";

  CopyPlan Plan() const {
    CopyPlan plan;
    plan.renamed["things.made_by"] = "by";
    return plan;
  }

  absl::StatusOr<CopyReport> Copy(PgDatabase& db, const CopyPlan& plan) {
    return CopyIntoPostgres(path_, db, plan, nullptr);
  }

  PgOptions options_;
  std::string path_;
};

TEST_F(SqliteToPostgresTest, CopiesEveryValueAndContinuesTheAuditChain) {
  MakeSqlite();
  std::unique_ptr<PgDatabase> db = OpenPostgres(kThings);
  ASSERT_NE(db, nullptr);
  absl::StatusOr<CopyReport> report = Copy(*db, Plan());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows, 5);  // 2 things, 3 audit entries
  EXPECT_EQ(report->audit_entries, 3);

  absl::Status s = db->Write([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<PgResult> r = c.Exec(
        "SELECT id, name, flag, at, record, made_by FROM things ORDER BY id");
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->rows(), 2);
    EXPECT_EQ(r->Int(0, 0), 7);
    EXPECT_EQ(r->Text(0, 1), "甲\t乙");
    EXPECT_EQ(r->Text(0, 2), "t");
    EXPECT_EQ(r->Int(0, 3), -5);
    EXPECT_EQ(r->Bytes(0, 4), kAwkward);
    EXPECT_EQ(r->Text(0, 5), "admin");
    EXPECT_EQ(r->Text(1, 2), "f");
    EXPECT_TRUE(r->IsNull(1, 3));
    EXPECT_EQ(r->Bytes(1, 4), "");
    // The identity goes on after the copied rows.
    r = c.Exec(
        "INSERT INTO things (name, flag, record, made_by) VALUES ('n', true, "
        "'', 'y') RETURNING id");
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->Int(0, 0), 41);
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;

  PgAuditTrail trail(db.get());
  absl::StatusOr<AuditVerdict> verdict = trail.Verify();
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_EQ(verdict->problem, "");
  EXPECT_EQ(verdict->entries, 4);  // the three copied, and the move
  absl::StatusOr<std::vector<AuditEntry>> entries = trail.List(0, 10);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ((*entries)[0].keys, std::vector<std::string>{"thing 0"});
  EXPECT_EQ((*entries)[3].rpc, "MigrateFromSqlite");
  EXPECT_EQ((*entries)[3].keys,
            (std::vector<std::string>{"audit_log 3", "things 2"}));
}

TEST_F(SqliteToPostgresTest, ASecondRunChangesNothingAndSaysWhy) {
  MakeSqlite();
  std::unique_ptr<PgDatabase> db = OpenPostgres(kThings);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(Copy(*db, Plan()).ok());
  absl::StatusOr<CopyReport> again = Copy(*db, Plan());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("table audit_log already holds rows"),
            std::string::npos)
      << again.status();
  absl::StatusOr<AuditVerdict> verdict = PgAuditTrail(db.get()).Verify();
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(verdict->entries, 4);
}

TEST_F(SqliteToPostgresTest, NothingIsLeftBehindUnnoticed) {
  MakeSqlite(
      "CREATE TABLE orphans (k TEXT PRIMARY KEY) STRICT;"
      "INSERT INTO orphans VALUES ('a');");
  std::unique_ptr<PgDatabase> db = OpenPostgres(kThings);
  ASSERT_NE(db, nullptr);
  absl::StatusOr<CopyReport> report = Copy(*db, Plan());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(report.status().message().find("SQLite table orphans has no "
                                           "PostgreSQL table"),
            std::string::npos)
      << report.status();

  // Said where it goes: copied without it.
  CopyPlan plan = Plan();
  plan.not_copied["orphans"] = "kept elsewhere";
  report = Copy(*db, plan);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows, 5);
}

TEST_F(SqliteToPostgresTest, AColumnWithoutACounterpartIsNamed) {
  MakeSqlite();
  std::unique_ptr<PgDatabase> db = OpenPostgres(kThings);
  ASSERT_NE(db, nullptr);
  // Without the rename, made_by has nothing to read and "by" nowhere to go.
  absl::StatusOr<CopyReport> report = Copy(*db, CopyPlan());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(report.status().message().find("column things.made_by has no "
                                           "SQLite column"),
            std::string::npos)
      << report.status();
  // Nothing was written: the copy with the plan still finds it empty.
  EXPECT_TRUE(Copy(*db, Plan()).ok());
}

TEST_F(SqliteToPostgresTest, AMissingFileIsNotCreated) {
  std::unique_ptr<PgDatabase> db = OpenPostgres(kThings);
  ASSERT_NE(db, nullptr);
  absl::StatusOr<CopyReport> report = Copy(*db, Plan());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(report.status().message().find(path_), std::string::npos);
  struct stat st;
  EXPECT_NE(stat(path_.c_str(), &st), 0);
}

// Each service's SQLite store, fresh, copies into its PostgreSQL store: a
// table or column added to one store's migrations and not the other's
// fails here, naming it.
TEST_F(SqliteToPostgresTest, EveryServicesStoresAgree) {
  for (const std::string& service : MovableServices()) {
    SCOPED_TRACE(service);
    absl::StatusOr<ServiceMove> move = MoveOf(service);
    ASSERT_TRUE(move.ok());
    const std::string path = testing::FreshDbPath(service);
    ASSERT_TRUE(move->upgrade_sqlite(path).ok());
    PgOptions options = options_;
    options.schema = absl::StrCat(options_.schema, "_", service);
    absl::StatusOr<std::unique_ptr<PgTarget>> target =
        move->open_postgres(options);
    ASSERT_TRUE(target.ok()) << target.status();
    absl::StatusOr<CopyReport> report =
        CopyIntoPostgres(path, (*target)->database(), move->plan, nullptr);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->rows, 0);
  }
  EXPECT_FALSE(MoveOf("gateway").ok());
}

TEST_F(SqliteToPostgresTest, IntakesDirectoryMovesWithItsVersion) {
  absl::StatusOr<ServiceMove> move = MoveOf("intake");
  ASSERT_TRUE(move.ok());
  ASSERT_TRUE(move->upgrade_sqlite(path_).ok());
  const zwfw::v1::DirectorySnapshot directory = testing::QijiangDirectory();
  {
    absl::StatusOr<std::unique_ptr<intake::SqliteDirectoryStore>> sqlite =
        intake::SqliteDirectoryStore::Open(path_);
    ASSERT_TRUE(sqlite.ok());
    ASSERT_TRUE((*sqlite)->Replace(directory, 3, {"admin:1", "Import"}).ok());
  }
  absl::StatusOr<std::unique_ptr<intake::PgIntakeStore>> pg =
      intake::PgIntakeStore::Open(options_);
  ASSERT_TRUE(pg.ok()) << pg.status();
  absl::StatusOr<CopyReport> report =
      CopyIntoPostgres(path_, (*pg)->database(), move->plan, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  absl::StatusOr<intake::StoredDirectory> moved = (*pg)->Load();
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->version, 3);
  EXPECT_EQ(moved->snapshot.departments_size(), directory.departments_size());
  EXPECT_EQ(moved->snapshot.departments(5).name(),
            directory.departments(5).name());
  // The import's audit entry came along, and the move's follows it.
  absl::StatusOr<AuditVerdict> verdict =
      PgAuditTrail(&(*pg)->database()).Verify();
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(verdict->problem, "");
  EXPECT_EQ(verdict->entries, 2);
}

}  // namespace
}  // namespace zwfw::migrate

// The libpq layer (postgres.h) on the suite's PostgreSQL cluster: settings
// refused by name, errors by SQLSTATE without the row's values, migrations
// applied once, writes that never lose an update, a pool that outlives a
// dropped connection, and the data version followed by NOTIFY.
#include "services/common/postgres.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "services/common/data_changes.h"
#include "tests/testing/shared_postgres.h"

namespace zwfw {
namespace {

const std::vector<std::string> kMigrations = {
    "CREATE TABLE counted (k text PRIMARY KEY, n bigint NOT NULL)",
    "INSERT INTO counted VALUES ('total', 0)"};

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<PgOptions> pg = testing::SharedPostgres("pg");
    if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
    options_ = *pg;
    options_.changes = &changes_;
  }
  absl::StatusOr<int64_t> Total(PgDatabase& db) {
    int64_t n = -1;
    absl::Status s = db.Read([&](PgConnection& c) -> absl::Status {
      absl::StatusOr<PgResult> r =
          c.Exec("SELECT n FROM counted WHERE k = 'total'");
      if (!r.ok()) return r.status();
      n = r->Int(0, 0);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return n;
  }

  DataChanges changes_;
  PgOptions options_;
};

TEST_F(PostgresTest, BadSettingsAreRefusedByName) {
  PgOptions inline_password = options_;
  inline_password.url = "postgresql://zwfw:secret@127.0.0.1:1/zwfw";
  absl::Status s = PgDatabase::Open(inline_password, kMigrations).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--database_password_file"), std::string::npos);
  EXPECT_EQ(s.message().find("secret"), std::string::npos) << s;

  PgOptions bad_schema = options_;
  bad_schema.schema = "Bulletin; DROP";
  s = PgDatabase::Open(bad_schema, kMigrations).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("schema"), std::string::npos) << s;

  PgOptions bad_url = options_;
  bad_url.url = "postgresql://127.0.0.1:port/zwfw";
  EXPECT_EQ(PgDatabase::Open(bad_url, kMigrations).status().code(),
            absl::StatusCode::kInvalidArgument);

  PgOptions nobody_there = options_;
  nobody_there.url = "postgresql://zwfw@127.0.0.1:1/zwfw?connect_timeout=2";
  s = PgDatabase::Open(nobody_there, kMigrations).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_NE(s.message().find("127.0.0.1:1/zwfw"), std::string::npos) << s;

  PgOptions no_file = options_;
  no_file.password_file = "/nonexistent/password";
  s = PgDatabase::Open(no_file, kMigrations).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--database_password_file"), std::string::npos);
}

TEST_F(PostgresTest, MigrationsRunOnceWhenReplicasStartTogether) {
  absl::StatusOr<std::unique_ptr<PgDatabase>> dbs[4];
  std::vector<std::thread> starting;
  for (auto& db : dbs) {
    starting.emplace_back(
        [&] { db = PgDatabase::Open(options_, kMigrations); });
  }
  for (std::thread& t : starting) t.join();
  for (auto& db : dbs) ASSERT_TRUE(db.ok()) << db.status();
  // The INSERT of migration 2 ran once (twice would be a unique violation).
  EXPECT_EQ(*Total(**dbs[0]), 0);

  // A schema newer than this build is refused.
  absl::StatusOr<std::unique_ptr<PgDatabase>> older =
      PgDatabase::Open(options_, {kMigrations[0]});
  EXPECT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(older.status().message().find("schema version 2"),
            std::string::npos)
      << older.status();
}

TEST_F(PostgresTest, ErrorsByStateWithoutTheRowsValues) {
  absl::StatusOr<std::unique_ptr<PgDatabase>> db =
      PgDatabase::Open(options_, kMigrations);
  ASSERT_TRUE(db.ok()) << db.status();
  absl::Status s = (*db)->Write([](PgConnection& c) {
    return c.Run("INSERT INTO counted VALUES ($1, 1)",
                 PgParams().Text("total"));
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  // The DETAIL line would quote the key: a case number, a name.
  EXPECT_EQ(s.message().find("(total)"), std::string::npos) << s;
  EXPECT_NE(s.message().find("23505"), std::string::npos) << s;
  s = (*db)->Write(
      [](PgConnection& c) { return c.Run("SELECT * FROM no_such_table"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
  // A failed write left nothing: the version row is where it was.
  const int64_t before = changes_.Current().counter;
  s = (*db)->Write([](PgConnection& c) -> absl::Status {
    absl::Status w = c.Run("UPDATE counted SET n = n + 1");
    if (!w.ok()) return w;
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(s, absl::AbortedError("changed my mind"));
  EXPECT_EQ(*Total(**db), 0);
  EXPECT_EQ(changes_.Current().counter, before);
  EXPECT_EQ((*db)->retries(), 0);  // the caller's ABORTED is not retried
}

// Values with every character COPY's text format and array literals
// escape come back as sent: through CopyIn, and as one array parameter.
TEST_F(PostgresTest, CopyAndArraysCarryAnyText) {
  absl::StatusOr<std::unique_ptr<PgDatabase>> db =
      PgDatabase::Open(options_, kMigrations);
  ASSERT_TRUE(db.ok()) << db.status();
  const std::vector<std::string> awkward = {"tab\there",
                                            "line\nbreak\r",
                                            "back\\slash",
                                            "\"quoted\", {a,b}",
                                            "NULL",
                                            "",
                                            "\\N",
                                            std::string("\xff\x01"
                                                        "bytes",
                                                        7)};
  absl::Status s = (*db)->Write([&](PgConnection& c) -> absl::Status {
    absl::Status made = c.Run(
        "CREATE TABLE IF NOT EXISTS texts (i integer, t text, b bytea, n "
        "text)");
    if (!made.ok()) return made;
    std::string copied;
    for (size_t i = 0; i < awkward.size(); ++i) {
      PgCopyRow({absl::StrCat(i), i + 1 < awkward.size() ? awkward[i] : "x",
                 PgCopyBytes(awkward[i]), std::nullopt},
                &copied);
    }
    return c.CopyIn("COPY texts (i, t, b, n) FROM STDIN", copied);
  });
  ASSERT_TRUE(s.ok()) << s;
  s = (*db)->Read([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<PgResult> r =
        c.Exec("SELECT t, b, n IS NULL FROM texts ORDER BY i");
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->rows(), static_cast<int>(awkward.size()));
    for (int i = 0; i + 1 < r->rows(); ++i) {
      EXPECT_EQ(r->Text(i, 0), awkward[i]);
      EXPECT_EQ(r->Bytes(i, 1), awkward[i]);
      EXPECT_EQ(r->Text(i, 2), "t");
    }
    // All but the last (not UTF-8: bytes only) as one array.
    std::vector<std::string> texts(awkward.begin(), awkward.end() - 1);
    r = c.Exec("SELECT count(*) FROM texts WHERE t = ANY ($1::text[])",
               PgParams().Text(PgArray(texts)));
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->Int(0, 0), static_cast<int64_t>(texts.size()));
    r = c.Exec(
        "SELECT sum(x) FROM unnest($1::bigint[]) AS x",
        PgParams().Text(PgArray(std::vector<int64_t>{-5, 7, 1LL << 40})));
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->Int(0, 0), (1LL << 40) + 2);
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(PostgresTest, ConcurrentWritesNeverLoseAnUpdate) {
  options_.connections = 3;
  absl::StatusOr<std::unique_ptr<PgDatabase>> db =
      PgDatabase::Open(options_, kMigrations);
  ASSERT_TRUE(db.ok()) << db.status();
  const int64_t before = changes_.Current().counter;
  constexpr int kThreads = 8, kWrites = 40;
  std::vector<std::thread> writers;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < kWrites; ++i) {
        absl::Status s = (*db)->Write([](PgConnection& c) {
          // Read, then write what was read plus one: a lost update would
          // show in the total.
          absl::StatusOr<PgResult> r =
              c.Exec("SELECT n FROM counted WHERE k = 'total'");
          if (!r.ok()) return r.status();
          return c.Run("UPDATE counted SET n = $1 WHERE k = 'total'",
                       PgParams().Int(r->Int(0, 0) + 1));
        });
        if (!s.ok()) failed.fetch_add(1);
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(*Total(**db), kThreads * kWrites);
  EXPECT_EQ(changes_.Current().counter, before + kThreads * kWrites);
}

TEST_F(PostgresTest, ALostConnectionIsReplacedAndTheVersionFollowed) {
  options_.connections = 1;
  absl::StatusOr<std::unique_ptr<PgDatabase>> db =
      PgDatabase::Open(options_, kMigrations);
  ASSERT_TRUE(db.ok()) << db.status();
  DataChanges other_changes;
  PgOptions other_options = options_;
  other_options.changes = &other_changes;
  absl::StatusOr<std::unique_ptr<PgDatabase>> other =
      PgDatabase::Open(other_options, kMigrations);
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)->FollowVersion().ok());

  int64_t pid = 0;
  ASSERT_TRUE((*db)
                  ->Read([&](PgConnection& c) -> absl::Status {
                    absl::StatusOr<PgResult> r =
                        c.Exec("SELECT pg_backend_pid()");
                    if (!r.ok()) return r.status();
                    pid = r->Int(0, 0);
                    return absl::OkStatus();
                  })
                  .ok());
  // The server drops the pool's one connection (a restart, a failover).
  ASSERT_TRUE((*other)
                  ->Write([&](PgConnection& c) {
                    return c.Run("SELECT pg_terminate_backend($1)",
                                 PgParams().Int(pid));
                  })
                  .ok());
  absl::Status s = (*db)->Write(
      [](PgConnection& c) { return c.Run("UPDATE counted SET n = n + 1"); });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(*Total(**other), 1);

  // The other replica's version follows the write, by NOTIFY.
  const DataChanges::Version wrote = changes_.Current();
  DataChanges::Version seen = other_changes.Current();
  for (int i = 0; i < 50 && seen.counter < wrote.counter; ++i) {
    seen = other_changes.WaitForChange(seen.counter, absl::Milliseconds(100));
  }
  EXPECT_EQ(seen.epoch, wrote.epoch);
  EXPECT_EQ(seen.counter, wrote.counter);
}

}  // namespace
}  // namespace zwfw

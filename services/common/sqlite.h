// A thin RAII layer over SQLite: a connection, prepared statements,
// transactions and numbered schema migrations.
//
//   absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path);
//   absl::Status s = (*db)->Migrate({"CREATE TABLE t (k TEXT PRIMARY KEY)"});
//   absl::StatusOr<Transaction> tx = Transaction::Begin(**db);
//   absl::StatusOr<Statement> insert = (*db)->Prepare("INSERT INTO t VALUES
//   (?)"); insert->Bind(1, "x"); s = insert->Run(); s = tx->Commit();
//
// A Database is one connection and is not thread-safe: callers serialise
// access (a mutex, or one writer thread). Files are opened in WAL mode with
// synchronous=FULL, so a committed transaction survives kill -9 and power
// loss. Each commit that changed rows is reported to
// DataChanges::Process() once it has returned (caches key by it).
#ifndef ZWFW_SERVICES_COMMON_SQLITE_H_
#define ZWFW_SERVICES_COMMON_SQLITE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace zwfw {

class Database;

class Statement {
 public:
  Statement(Statement&&) = default;
  Statement& operator=(Statement&&) = default;

  // Parameters are 1-based, as in SQLite. Text and blobs are copied.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) {
    return Bind(index, static_cast<int64_t>(value));
  }
  Statement& Bind(int index, absl::string_view text);
  Statement& Bind(int index, const char* text) {
    return Bind(index, absl::string_view(text));
  }
  Statement& BindBlob(int index, absl::string_view bytes);
  Statement& BindNull(int index);

  // Advances: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion (for statements that return no rows), then resets.
  absl::Status Run();
  // Makes the statement ready to run again; bindings are cleared.
  void Reset();

  // Columns are 0-based.
  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Database;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  Statement(Database* owner, sqlite3* db, sqlite3_stmt* stmt)
      : owner_(owner), db_(db), stmt_(stmt) {}
  absl::Status Error(absl::string_view what) const;

  Database* owner_;
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  // The first binding error, reported by Step().
  absl::Status bind_status_;
};

class Database {
 public:
  // Opens or creates the file, in WAL mode with synchronous=FULL, foreign
  // keys on and a busy timeout. ":memory:" opens a private in-memory one.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  absl::StatusOr<Statement> Prepare(absl::string_view sql);
  // The statement for `sql`, prepared on first use and kept for the
  // connection's life: for statements run on every write, whose parsing
  // would otherwise cost more than running them. The caller resets it
  // (Run does) before anyone asks for the same SQL again.
  absl::StatusOr<Statement*> Cached(absl::string_view sql);
  // Runs one or more statements that return no rows.
  absl::Status Exec(absl::string_view sql);

  // Applies migrations[v..] to a schema at version v (PRAGMA user_version),
  // each in its own transaction, so migrations[i] takes the schema from
  // version i to i+1. FAILED_PRECONDITION when the file is newer than the
  // code (its version exceeds migrations.size()).
  absl::Status Migrate(const std::vector<std::string>& migrations);
  absl::StatusOr<int64_t> SchemaVersion();

  // Copies WAL frames into the database file (sqlite3_wal_checkpoint_v2):
  // kPassive copies what it can without waiting for readers or writers;
  // kTruncate waits for them, copies everything and empties the WAL file.
  // UNAVAILABLE when another connection is checkpointing.
  enum class CheckpointMode { kPassive, kTruncate };
  struct CheckpointResult {
    int wal_frames = 0;     // frames in the WAL
    int copied_frames = 0;  // of which are now in the database file
  };
  absl::StatusOr<CheckpointResult> Checkpoint(CheckpointMode mode);

  int64_t LastInsertRowId() const;
  int Changes() const;
  // Whether a transaction is open (SQLite ends one itself after some
  // errors of COMMIT).
  bool InTransaction() const;
  const std::string& path() const { return path_; }

 private:
  friend class Statement;
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  // Reports committed changes to DataChanges once out of any transaction.
  void NoteCommits();

  sqlite3* db_;
  std::string path_;
  int64_t reported_changes_ = 0;
  // Finalized before the connection closes.
  absl::flat_hash_map<std::string, std::unique_ptr<Statement>> cached_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless
// committed.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept
      : db_(other.db_), active_(other.active_) {
    other.active_ = false;
  }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  absl::Status Commit();

 private:
  explicit Transaction(Database& db) : db_(&db), active_(true) {}
  Database* db_;
  bool active_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_SQLITE_H_

#include "services/common/sqlite.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "services/common/data_changes.h"
#include "services/common/log.h"

namespace zwfw {
namespace {

// A failing disk or a lock held elsewhere is UNAVAILABLE (nothing was
// stored: send again), a full disk RESOURCE_EXHAUSTED; only a file that is
// not what it should be is DATA_LOSS.
absl::StatusCode CodeOf(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return absl::StatusCode::kAlreadyExists;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    default:
      return absl::StatusCode::kInternal;
  }
}

// "store intake.db: sqlite step: database or disk is full (the disk of
// the data folder is full: free space, then send again) [INSERT ...]":
// the store by its file, what failed, and for a full disk what to do.
absl::Status StoreError(int rc, const std::string& path, absl::string_view what,
                        absl::string_view message, absl::string_view sql) {
  const size_t slash = path.rfind('/');
  const absl::string_view file =
      slash == std::string::npos ? absl::string_view(path)
                                 : absl::string_view(path).substr(slash + 1);
  const bool full = (rc & 0xff) == SQLITE_FULL;
  return absl::Status(
      CodeOf(rc),
      absl::StrCat("store ", file, ": sqlite ", what, ": ", message,
                   full ? " (the disk of the data folder is full: free space, "
                          "then send again)"
                        : "",
                   " [", sql, "]"));
}

}  // namespace

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const {
  sqlite3_finalize(stmt);
}

absl::Status Statement::Error(absl::string_view what) const {
  return StoreError(sqlite3_extended_errcode(db_), owner_->path(), what,
                    sqlite3_errmsg(db_), sqlite3_sql(stmt_.get()));
}

Statement& Statement::Bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK &&
      bind_status_.ok()) {
    bind_status_ = Error("bind");
  }
  return *this;
}

Statement& Statement::Bind(int index, absl::string_view text) {
  if (sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(),
                          SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK &&
      bind_status_.ok()) {
    bind_status_ = Error("bind");
  }
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view bytes) {
  if (sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(),
                          SQLITE_TRANSIENT) != SQLITE_OK &&
      bind_status_.ok()) {
    bind_status_ = Error("bind");
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (sqlite3_bind_null(stmt_.get(), index) != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = Error("bind");
  }
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  owner_->NoteCommits();
  if (rc == SQLITE_DONE) return false;
  return Error("step");
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row;
  do {
    row = Step();
  } while (row.ok() && *row);
  Reset();
  return row.status();
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  owner_->NoteCommits();
  sqlite3_clear_bindings(stmt_.get());
  bind_status_ = absl::OkStatus();
}

int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

std::string Statement::ColumnText(int column) const {
  const void* data = sqlite3_column_blob(stmt_.get(), column);
  int size = sqlite3_column_bytes(stmt_.get(), column);
  if (data == nullptr) return std::string();
  return std::string(static_cast<const char*>(data), size);
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& path) {
  // Before SQLite's first use: no allocation statistics, so an allocation
  // takes no global mutex (each connection is used by one thread at a time).
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return absl::Status(
        CodeOf(rc), absl::StrCat("cannot open database ", path, ": ", message));
  }
  auto db = std::unique_ptr<Database>(new Database(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  absl::Status s = db->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
      "PRAGMA foreign_keys=ON;");
  if (!s.ok()) return s;
  return db;
}

Database::~Database() {
  cached_.clear();
  sqlite3_close_v2(db_);
}

absl::StatusOr<Statement> Database::Prepare(absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return StoreError(rc, path_, "prepare", sqlite3_errmsg(db_), sql);
  }
  return Statement(this, db_, stmt);
}

absl::StatusOr<Statement*> Database::Cached(absl::string_view sql) {
  auto it = cached_.find(sql);
  if (it != cached_.end()) return it->second.get();
  absl::StatusOr<Statement> prepared = Prepare(sql);
  if (!prepared.ok()) return prepared.status();
  auto& slot = cached_[std::string(sql)];
  slot = std::make_unique<Statement>(*std::move(prepared));
  return slot.get();
}

absl::Status Database::Exec(absl::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  NoteCommits();
  if (rc != SQLITE_OK) {
    absl::Status s =
        StoreError(rc, path_, "exec", error ? error : sqlite3_errstr(rc), sql);
    sqlite3_free(error);
    return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Database::SchemaVersion() {
  absl::StatusOr<Statement> stmt = Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return stmt->ColumnInt(0);
}

absl::Status Database::Migrate(const std::vector<std::string>& migrations) {
  absl::StatusOr<int64_t> version = SchemaVersion();
  if (!version.ok()) return version.status();
  if (*version > static_cast<int64_t>(migrations.size())) {
    return absl::FailedPreconditionError(
        absl::StrCat("database ", path_, " has schema version ", *version,
                     " but this program knows only up to ", migrations.size()));
  }
  for (size_t v = *version; v < migrations.size(); ++v) {
    absl::StatusOr<Transaction> tx = Transaction::Begin(*this);
    if (!tx.ok()) return tx.status();
    absl::Status s = Exec(migrations[v]);
    if (s.ok()) s = Exec(absl::StrCat("PRAGMA user_version = ", v + 1));
    if (s.ok()) s = tx->Commit();
    if (!s.ok()) {
      return absl::Status(
          s.code(), absl::StrCat("migration to schema version ", v + 1, " of ",
                                 path_, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

void Database::NoteCommits() {
  // Inside a transaction nothing is visible to others yet; a rolled-back
  // change reports a change that did not happen, which only costs a miss.
  if (!sqlite3_get_autocommit(db_)) return;
  const int64_t total = sqlite3_total_changes64(db_);
  if (total == reported_changes_) return;
  reported_changes_ = total;
  DataChanges::Process().Bump();
}

int64_t Database::LastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}

absl::StatusOr<Database::CheckpointResult> Database::Checkpoint(
    CheckpointMode mode) {
  CheckpointResult result;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr,
                                     mode == CheckpointMode::kPassive
                                         ? SQLITE_CHECKPOINT_PASSIVE
                                         : SQLITE_CHECKPOINT_TRUNCATE,
                                     &result.wal_frames, &result.copied_frames);
  if (rc != SQLITE_OK) {
    return absl::Status(CodeOf(rc), absl::StrCat("sqlite checkpoint of ", path_,
                                                 ": ", sqlite3_errmsg(db_)));
  }
  return result;
}

int Database::Changes() const { return sqlite3_changes(db_); }

bool Database::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

absl::StatusOr<Transaction> Transaction::Begin(Database& db) {
  absl::StatusOr<Statement*> begin = db.Cached("BEGIN IMMEDIATE");
  if (!begin.ok()) return begin.status();
  absl::Status s = (*begin)->Run();
  if (!s.ok()) return s;
  return Transaction(db);
}

Transaction::~Transaction() {
  // A COMMIT that failed on I/O or a full disk has rolled back already.
  if (!active_ || !db_->InTransaction()) return;
  absl::Status s = db_->Exec("ROLLBACK");
  if (!s.ok()) LogError(absl::StrCat("rollback failed: ", s.message()));
}

absl::Status Transaction::Commit() {
  if (!active_) {
    return absl::FailedPreconditionError("transaction already finished");
  }
  absl::StatusOr<Statement*> commit = db_->Cached("COMMIT");
  if (!commit.ok()) return commit.status();
  absl::Status s = (*commit)->Run();
  // A failed COMMIT leaves the transaction open; the destructor rolls back.
  if (s.ok()) active_ = false;
  return s;
}

}  // namespace zwfw

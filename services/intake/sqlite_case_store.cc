#include "services/intake/sqlite_case_store.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/audit_log.h"
#include "services/common/log.h"
#include "services/common/month_version.h"
#include "services/common/proto_time.h"
#include "services/intake/case_query_sql.h"
#include "services/intake/case_sums.h"
#include "services/intake/case_writes.h"
#include "services/intake/intake_schema.h"

namespace zwfw::intake {
namespace {

// Ends the read transaction a reader began (BEGIN) when it goes out of
// scope: the reader's statements all saw one snapshot.
struct EndRead {
  Database* db;
  ~EndRead() { db->Exec("COMMIT").IgnoreError(); }
};

using zwfw::v1::Case;

// Binds the columns shared by INSERT and UPDATE: ?1 department, ?2 case_no,
// ?3 month, ?4 status, ?5 due_at, ?6 completed_at, ?7 record, ?8 category,
// ?9 extended (an approved extension moved its due time).
void BindCase(Statement& stmt, const StagedCase& staged) {
  const Case& c = staged.record;
  stmt.Bind(1, c.department_code())
      .Bind(2, c.case_no())
      .Bind(3, staged.accepted_month)
      .Bind(4, static_cast<int>(c.status()))
      .BindBlob(7, staged.bytes)
      .Bind(8, static_cast<int>(c.category()))
      .Bind(9, c.has_extension() ? 1 : 0);
  if (staged.due_micros) {
    stmt.Bind(5, *staged.due_micros);
  } else {
    stmt.BindNull(5);
  }
  if (staged.completed_micros) {
    stmt.Bind(6, *staged.completed_micros);
  } else {
    stmt.BindNull(6);
  }
}

}  // namespace

// The write connection and its statements; used by the writer thread only.
class SqliteCaseStore::Writer {
 public:
  static absl::StatusOr<std::unique_ptr<Writer>> Open(const std::string& path) {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path);
    if (!db.ok()) return db.status();
    absl::Status s = (*db)->Migrate(IntakeMigrations());
    // Commits never checkpoint: the checkpointer thread does, and the
    // writer finishes its work between transactions (FinishCheckpoint).
    // When the WAL starts over, a file grown past 64 MiB by a burst is cut
    // back.
    if (s.ok()) {
      s = (*db)->Exec(
          "PRAGMA wal_autocheckpoint = 0; "
          "PRAGMA journal_size_limit = 67108864");
    }
    if (!s.ok()) return s;
    auto w = std::unique_ptr<Writer>(new Writer(*std::move(db)));
    s = w->Prepare();
    if (s.ok()) s = w->BackfillCells();
    if (!s.ok()) return s;
    return w;
  }

  // Counts the cases stored before the cells existed into them, once: the
  // marker table goes in the same transaction. Cases stored before
  // item_kind and the handling times were filled count without them.
  absl::Status BackfillCells() {
    {
      absl::StatusOr<Statement> pending = db_->Prepare(
          absl::StrCat("SELECT count(*) FROM sqlite_schema WHERE name = '",
                       kCellsBackfillTable, "'"));
      if (!pending.ok()) return pending.status();
      absl::StatusOr<bool> row = pending->Step();
      if (!row.ok()) return row.status();
      if (pending->ColumnInt(0) == 0) return absl::OkStatus();
    }
    absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
    if (!tx.ok()) return tx.status();
    // Long on a large database: the operator sees why the start waits.
    const absl::Time start = absl::Now();
    int64_t counted = 0;
    CellDeltas deltas;
    {
      absl::StatusOr<Statement> cases =
          db_->Prepare("SELECT record FROM cases");
      if (!cases.ok()) return cases.status();
      absl::StatusOr<bool> row;
      while ((row = cases->Step()).ok() && *row) {
        Case c;
        if (!c.ParseFromString(cases->ColumnText(0))) {
          return absl::DataLossError("a stored case cannot be parsed");
        }
        AddCells(CellsOf(c), +1, &deltas);
        if (++counted == 1) {
          LogInfo("indicator cells: counting the cases stored before them");
        }
        if (counted % 1000000 == 0) {
          LogInfo(absl::StrCat("  ", counted, " cases counted"));
        }
      }
      if (!row.ok()) return row.status();
    }
    Statements statements(*this);
    absl::Status s = statements.AddCells(deltas);
    if (s.ok()) {
      s = db_->Exec(absl::StrCat("DROP TABLE ", kCellsBackfillTable));
    }
    if (s.ok()) s = tx->Commit();
    if (!s.ok()) return s;
    if (counted > 0) {
      LogInfo(absl::StrCat("indicator cells: ", counted,
                           " cases stored before them counted in ",
                           absl::FormatDuration(absl::Now() - start)));
    }
    return absl::OkStatus();
  }

  // Applies all requests in one transaction; their results, or the error
  // that stored nothing.
  absl::StatusOr<GroupCommitter::Results> Apply(
      const std::vector<GroupCommitter::Batch*>& batches,
      const std::vector<const Actor*>& actors) {
    absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
    if (!tx.ok()) return tx.status();
    Statements statements(*this);
    absl::StatusOr<GroupCommitter::Results> results =
        WriteCasesWith(statements, batches, actors);
    if (!results.ok()) return results.status();
    absl::Status s = tx->Commit();
    if (!s.ok()) return s;
    return results;
  }

  // Copies the WAL frames the checkpointer has not copied yet. Run between
  // transactions, when no write can be in progress, so it can copy them
  // all and the next transaction starts the WAL over.
  absl::StatusOr<Database::CheckpointResult> FinishCheckpoint() {
    return db_->Checkpoint(Database::CheckpointMode::kPassive);
  }

 private:
  explicit Writer(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  absl::Status Prepare() {
    struct {
      std::optional<Statement>* stmt;
      const char* sql;
    } statements[] = {
        {&select_,
         "SELECT record FROM cases WHERE department_code = ? AND "
         "case_no = ?"},
        {&insert_,
         "INSERT INTO cases (department_code, case_no, accepted_month, "
         "status, due_at, completed_at, record, category, extended) VALUES "
         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
         "ON CONFLICT (department_code, case_no) DO NOTHING"},
        {&update_,
         "UPDATE cases SET accepted_month = ?3, status = ?4, due_at = ?5, "
         "completed_at = ?6, record = ?7, category = ?8, extended = ?9 "
         "WHERE department_code = ?1 AND case_no = ?2"},
        {&counters_,
         "INSERT INTO case_counters (month, department_code, category, total, "
         "instant, center, department_site, grassroots, online, completed, "
         "completed_in_center, center_same_day, center_completed, "
         "overtime_completed, open_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
         "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
         "ON CONFLICT (month, department_code, category) DO UPDATE SET "
         "total = total + ?4, instant = instant + ?5, center = center + ?6, "
         "department_site = department_site + ?7, "
         "grassroots = grassroots + ?8, online = online + ?9, "
         "completed = completed + ?10, "
         "completed_in_center = completed_in_center + ?11, "
         "center_same_day = center_same_day + ?12, "
         "center_completed = center_completed + ?13, "
         "overtime_completed = overtime_completed + ?14, "
         "open_due = open_due + ?15"},
        {&block_,
         "SELECT cells FROM case_cells WHERE month = ? AND basis = ? AND "
         "department_code = ?"},
        {&cells_,
         "INSERT INTO case_cells (month, basis, department_code, cells) "
         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (month, basis, "
         "department_code) DO UPDATE SET cells = ?4"},
        {&version_,
         "INSERT INTO month_versions (month, version) VALUES (?, 1) "
         "ON CONFLICT (month) DO UPDATE SET version = version + 1"},
        {&closed_, "SELECT month FROM closed_months"},
        {&correction_,
         "INSERT INTO corrections (at, made_in, corrected_month, "
         "department_code, case_no, reason, by) VALUES (?, ?, ?, ?, ?, ?, ?)"},
    };
    for (auto& [stmt, sql] : statements) {
      absl::StatusOr<Statement> prepared = db_->Prepare(sql);
      if (!prepared.ok()) return prepared.status();
      stmt->emplace(*std::move(prepared));
    }
    return absl::OkStatus();
  }

  // case_writes.h's statements on the write connection.
  class Statements final : public CaseWriter {
   public:
    explicit Statements(Writer& w) : w_(w) {}

    absl::StatusOr<absl::flat_hash_set<std::string>> ClosedMonths() override {
      absl::flat_hash_set<std::string> closed;
      absl::StatusOr<bool> row;
      while ((row = w_.closed_->Step()).ok() && *row) {
        closed.insert(w_.closed_->ColumnText(0));
      }
      w_.closed_->Reset();
      if (!row.ok()) return row.status();
      return closed;
    }
    absl::StatusOr<bool> Insert(const StagedCase& staged) override {
      BindCase(*w_.insert_, staged);
      absl::Status s = w_.insert_->Run();
      if (!s.ok()) return s;
      return w_.db_->Changes() == 1;
    }
    absl::StatusOr<std::optional<std::string>> Stored(
        const zwfw::v1::Case& c) override {
      Statement& select = *w_.select_;
      select.Bind(1, c.department_code()).Bind(2, c.case_no());
      absl::StatusOr<bool> found = select.Step();
      std::optional<std::string> stored;
      if (found.ok() && *found) stored = select.ColumnText(0);
      select.Reset();
      if (!found.ok()) return found.status();
      return stored;
    }
    absl::Status Update(const StagedCase& staged) override {
      BindCase(*w_.update_, staged);
      return w_.update_->Run();
    }
    absl::Status AddCorrection(const CorrectionRow& c) override {
      return w_.correction_->Bind(1, absl::ToUnixMicros(c.at))
          .Bind(2, c.made_in)
          .Bind(3, c.corrected_month)
          .Bind(4, c.department_code)
          .Bind(5, c.case_no)
          .Bind(6, c.reason)
          .Bind(7, c.by)
          .Run();
    }
    absl::Status AddCounters(const CounterDeltas& deltas) override {
      for (const auto& [key, d] : deltas) {
        if (d.IsZero()) continue;
        const auto& [month, department, category] = key;
        absl::Status s = w_.counters_->Bind(1, month)
                             .Bind(2, department)
                             .Bind(3, category)
                             .Bind(4, d.total)
                             .Bind(5, d.instant)
                             .Bind(6, d.center)
                             .Bind(7, d.department_site)
                             .Bind(8, d.grassroots)
                             .Bind(9, d.online)
                             .Bind(10, d.completed)
                             .Bind(11, d.completed_in_center)
                             .Bind(12, d.center_same_day)
                             .Bind(13, d.center_completed)
                             .Bind(14, d.overtime_completed)
                             .Bind(15, d.open_due)
                             .Run();
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    // Each block the deltas change: read, merged, written back.
    absl::Status AddCells(const CellDeltas& deltas) override {
      for (const auto& [key, delta] : DeltasByBlock(deltas)) {
        const auto& [month, basis, department] = key;
        Statement& select = *w_.block_;
        select.Bind(1, month).Bind(2, basis).Bind(3, department);
        absl::StatusOr<bool> found = select.Step();
        std::string stored;
        if (found.ok() && *found) stored = select.ColumnText(0);
        select.Reset();
        if (!found.ok()) return found.status();
        absl::StatusOr<std::string> merged = MergeCellBlock(stored, delta);
        if (!merged.ok()) return merged.status();
        absl::Status s = w_.cells_->Bind(1, month)
                             .Bind(2, basis)
                             .Bind(3, department)
                             .BindBlob(4, *merged)
                             .Run();
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    absl::Status BumpMonth(const std::string& month) override {
      return w_.version_->Bind(1, month).Run();
    }
    absl::Status Audit(const Actor& actor, absl::Time at,
                       const std::vector<std::string>& keys) override {
      return AppendAudit(*w_.db_, actor, at, keys);
    }

   private:
    Writer& w_;
  };

  std::unique_ptr<Database> db_;
  std::optional<Statement> select_, insert_, update_, counters_, block_, cells_,
      version_, closed_, correction_;
};

// A pooled read connection, returned on destruction.
class SqliteCaseStore::ReadLease {
 public:
  explicit ReadLease(SqliteCaseStore* store)
      : store_(store), db_(store->AcquireReader()) {}
  ~ReadLease() { store_->ReleaseReader(std::move(db_)); }
  Database& operator*() { return *db_; }
  Database* operator->() { return db_.get(); }

 private:
  SqliteCaseStore* store_;
  std::unique_ptr<Database> db_;
};

absl::StatusOr<std::unique_ptr<SqliteCaseStore>> SqliteCaseStore::Open(
    const std::string& path, SqliteCaseStoreOptions options) {
  absl::StatusOr<std::unique_ptr<Writer>> writer = Writer::Open(path);
  if (!writer.ok()) return writer.status();
  std::vector<std::unique_ptr<Database>> readers;
  for (int i = 0; i < std::max(1, options.read_connections); ++i) {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path);
    if (!db.ok()) return db.status();
    readers.push_back(*std::move(db));
  }
  absl::StatusOr<std::unique_ptr<Database>> checkpoint_db =
      Database::Open(path);
  if (!checkpoint_db.ok()) return checkpoint_db.status();
  return std::unique_ptr<SqliteCaseStore>(
      new SqliteCaseStore(path, options, *std::move(writer), std::move(readers),
                          *std::move(checkpoint_db)));
}

SqliteCaseStore::SqliteCaseStore(std::string path,
                                 SqliteCaseStoreOptions options,
                                 std::unique_ptr<Writer> writer,
                                 std::vector<std::unique_ptr<Database>> readers,
                                 std::unique_ptr<Database> checkpoint_db)
    : path_(std::move(path)),
      options_(options),
      writer_(std::move(writer)),
      readers_(std::move(readers)),
      checkpoint_db_(std::move(checkpoint_db)) {
  committer_ = std::make_unique<GroupCommitter>(
      GroupCommitter::Options{options_.max_records_per_transaction,
                              options_.max_queued_records},
      [this](const std::vector<GroupCommitter::Batch*>& batches,
             const std::vector<const Actor*>& actors) {
        return writer_->Apply(batches, actors);
      },
      [this] {
        absl::StatusOr<Database::CheckpointResult> done =
            writer_->FinishCheckpoint();
        if (!done.ok() && !absl::IsUnavailable(done.status())) {
          LogWarning(absl::StrCat("checkpoint: ", done.status().message()));
        }
      });
  checkpointer_ = std::thread([this] { CheckpointLoop(); });
}

SqliteCaseStore::~SqliteCaseStore() {
  // The checkpointer first: it asks the committer for maintenance.
  {
    absl::MutexLock lock(&checkpoint_mu_);
    stopping_ = true;
  }
  checkpointer_.join();
  committer_.reset();  // every pending batch written and answered
  // Leave a small WAL behind: fold it into the database file.
  absl::StatusOr<Database::CheckpointResult> s =
      checkpoint_db_->Checkpoint(Database::CheckpointMode::kTruncate);
  if (!s.ok()) {
    LogWarning(absl::StrCat("final checkpoint: ", s.status().message()));
  }
}

void SqliteCaseStore::CheckpointLoop() {
  while (true) {
    {
      absl::MutexLock lock(&checkpoint_mu_);
      checkpoint_mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                                      options_.checkpoint_interval);
      if (stopping_) return;
    }
    // PASSIVE copies what it can without blocking the writer or readers:
    // the frames committed before it started. Under a steady stream of
    // writes it never catches up with the last frame, so the WAL would
    // only grow (every commit appending to a longer file); the writer
    // copies the few frames left between two transactions, which lets the
    // next one start the WAL over.
    absl::StatusOr<Database::CheckpointResult> copied =
        checkpoint_db_->Checkpoint(Database::CheckpointMode::kPassive);
    if (!copied.ok()) {
      // UNAVAILABLE: the writer is finishing one; nothing to report.
      if (!absl::IsUnavailable(copied.status())) {
        LogWarning(absl::StrCat("checkpoint: ", copied.status().message()));
      }
      continue;
    }
    if (copied->wal_frames >= options_.restart_wal_frames) {
      committer_->RequestMaintenance();
    }
  }
}

int64_t SqliteCaseStore::transactions() const {
  return committer_->transactions();
}

void SqliteCaseStore::Write(std::vector<Case> cases, Actor actor,
                            WriteCallback done) {
  committer_->Write(std::move(cases), std::move(actor), std::move(done));
}

std::unique_ptr<Database> SqliteCaseStore::AcquireReader() {
  absl::MutexLock lock(&readers_mu_);
  readers_mu_.Await(absl::Condition(
      +[](std::vector<std::unique_ptr<Database>>* r) { return !r->empty(); },
      &readers_));
  std::unique_ptr<Database> db = std::move(readers_.back());
  readers_.pop_back();
  return db;
}

void SqliteCaseStore::ReleaseReader(std::unique_ptr<Database> db) {
  absl::MutexLock lock(&readers_mu_);
  readers_.push_back(std::move(db));
}

absl::StatusOr<std::optional<Case>> SqliteCaseStore::Get(
    const std::string& department_code, const std::string& case_no) {
  ReadLease db(this);
  absl::StatusOr<Statement> q = db->Prepare(
      "SELECT record FROM cases WHERE department_code = ? AND case_no = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, department_code).Bind(2, case_no);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Case>();
  Case c;
  if (!c.ParseFromString(q->ColumnText(0))) {
    return UnreadableCase(department_code, case_no);
  }
  return std::optional<Case>(std::move(c));
}

namespace {

// Binds a query's parameters (CaseQueryConditions) in order.
void BindAll(const CaseQuerySql& sql, Statement* statement) {
  int index = 1;
  for (const auto& value : sql.params) {
    std::visit([&](const auto& v) { statement->Bind(index++, v); }, value);
  }
}

}  // namespace

absl::StatusOr<CasePage> SqliteCaseStore::List(const CaseQuery& query,
                                               absl::Time now) {
  const CaseQuerySql conditions =
      CaseQueryConditions(query, now, SqlEngine::kSqlite, /*resume=*/true);
  const std::string sql = absl::StrCat(
      "SELECT record FROM cases", conditions.where,
      " ORDER BY department_code, case_no LIMIT ", query.limit + 1);
  ReadLease db(this);
  absl::StatusOr<Statement> q = db->Prepare(sql);
  if (!q.ok()) return q.status();
  BindAll(conditions, &*q);
  CasePage page;
  absl::StatusOr<bool> row;
  while ((row = q->Step()).ok() && *row) {
    if (static_cast<int>(page.cases.size()) == query.limit) {
      page.more = true;
      break;
    }
    if (!page.cases.emplace_back().ParseFromString(q->ColumnText(0))) {
      return absl::DataLossError("a stored case cannot be parsed");
    }
  }
  if (!row.ok()) return row.status();
  return page;
}

absl::StatusOr<int64_t> SqliteCaseStore::Count(const CaseQuery& query,
                                               absl::Time now) {
  const CaseQuerySql conditions =
      CaseQueryConditions(query, now, SqlEngine::kSqlite, /*resume=*/false);
  ReadLease db(this);
  absl::StatusOr<Statement> q =
      db->Prepare(absl::StrCat("SELECT count(*) FROM cases", conditions.where));
  if (!q.ok()) return q.status();
  BindAll(conditions, &*q);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  return *row ? q->ColumnInt(0) : 0;
}

absl::StatusOr<PeriodCells> SqliteCaseStore::ReadCells(
    const ReportPeriod& period, absl::Time now) {
  ReadLease db(this);
  // One read transaction: cells, open cases and versions of one snapshot.
  absl::Status s = db->Exec("BEGIN");
  if (!s.ok()) return s;
  EndRead end_read{&*db};

  const std::string first = period.first().ToString();
  const std::string last = period.last().ToString();
  const std::string not_over = FirstMonthNotOver(period, now);
  PeriodCells out;
  absl::StatusOr<Statement> q = db->Prepare(
      "SELECT basis, department_code, month < ?3, cells FROM case_cells "
      "WHERE month >= ?1 AND month <= ?2");
  if (!q.ok()) return q.status();
  q->Bind(1, first).Bind(2, last).Bind(3, not_over);
  absl::StatusOr<bool> row;
  while ((row = q->Step()).ok() && *row) {
    out.blocks.push_back({static_cast<int>(q->ColumnInt(0)), q->ColumnText(1),
                          q->ColumnInt(2) != 0, q->ColumnText(3)});
  }
  if (!row.ok()) return row.status();

  // Open cases past due in the months not over: few, by the index of open
  // cases by due time.
  const absl::Time live_from =
      std::max(period.start(), Period::Parse(not_over)->start());
  const absl::Time live_to = std::min(now, period.end());
  if (live_from < live_to) {
    q = db->Prepare(absl::StrCat("SELECT record FROM cases WHERE ",
                                 ClockRunningSql(),
                                 " AND due_at >= ? AND due_at < ?"));
    if (!q.ok()) return q.status();
    q->Bind(1, absl::ToUnixMicros(live_from))
        .Bind(2, absl::ToUnixMicros(live_to));
    while ((row = q->Step()).ok() && *row) {
      Case c;
      if (!c.ParseFromString(q->ColumnText(0))) {
        return absl::DataLossError("a stored case cannot be parsed");
      }
      out.overdue.push_back(
          {c.department_code(), CaseDimensions(c),
           Period::Containing(ToTime(c.due_at())).ToString()});
    }
    if (!row.ok()) return row.status();
  }
  if (now < period.end()) {
    q = db->Prepare(absl::StrCat("SELECT min(due_at) FROM cases WHERE ",
                                 ClockRunningSql(),
                                 " AND due_at >= ? AND due_at < ?"));
    if (!q.ok()) return q.status();
    q->Bind(1, absl::ToUnixMicros(std::max(now, period.start())))
        .Bind(2, absl::ToUnixMicros(period.end()));
    row = q->Step();
    if (!row.ok()) return row.status();
    if (*row && !q->ColumnIsNull(0)) {
      out.next_due = absl::FromUnixMicros(q->ColumnInt(0));
    }
  }

  q = db->Prepare("SELECT version FROM month_versions WHERE month = ?");
  if (!q.ok()) return q.status();
  for (const Period& month : period.months()) {
    q->Reset();
    q->Bind(1, month.ToString());
    row = q->Step();
    if (!row.ok()) return row.status();
    out.month_writes.push_back(*row ? q->ColumnInt(0) : 0);
  }
  return out;
}

namespace {

// One month's counters, inside the caller's read transaction.
absl::StatusOr<MonthCounters> ReadMonthIn(Database& db, const Period& period,
                                          absl::Time now) {
  const std::string month = period.ToString();
  MonthCounters out;
  absl::StatusOr<Statement> q =
      db.Prepare("SELECT version FROM month_versions WHERE month = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, month);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  int64_t writes = *row ? q->ColumnInt(0) : 0;

  q = db.Prepare(
      "SELECT department_code, category, total, instant, center, "
      "department_site, grassroots, online, completed, completed_in_center, "
      "center_same_day, center_completed, overtime_completed, open_due "
      "FROM case_counters WHERE month = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, month);
  const bool month_over = period.end() <= now;
  while ((row = q->Step()).ok() && *row) {
    Counters& c =
        out.rows[{q->ColumnText(0), static_cast<int>(q->ColumnInt(1))}];
    c.total = q->ColumnInt(2);
    c.instant = q->ColumnInt(3);
    c.center = q->ColumnInt(4);
    c.department_site = q->ColumnInt(5);
    c.grassroots = q->ColumnInt(6);
    c.online = q->ColumnInt(7);
    c.completed = q->ColumnInt(8);
    c.completed_in_center = q->ColumnInt(9);
    c.center_same_day = q->ColumnInt(10);
    c.center_completed = q->ColumnInt(11);
    c.overtime_completed = q->ColumnInt(12);
    c.open_due = q->ColumnInt(13);
    c.overtime = c.overtime_completed + (month_over ? c.open_due : 0);
  }
  if (!row.ok()) return row.status();

  int64_t live_overdue = 0;
  if (!month_over) {
    // Open cases of this month already past due: the only figure that moves
    // with the clock. An index range over open cases, not a scan.
    q = db.Prepare(absl::StrCat(
        "SELECT department_code, category, count(*) FROM cases WHERE ",
        ClockRunningSql(),
        " AND due_at >= ? AND due_at < ? GROUP BY department_code, category"));
    if (!q.ok()) return q.status();
    q->Bind(1, absl::ToUnixMicros(period.start()))
        .Bind(2, absl::ToUnixMicros(std::min(now, period.end())));
    while ((row = q->Step()).ok() && *row) {
      int64_t n = q->ColumnInt(2);
      out.rows[{q->ColumnText(0), static_cast<int>(q->ColumnInt(1))}]
          .overtime += n;
      live_overdue += n;
    }
    if (!row.ok()) return row.status();

    q = db.Prepare(absl::StrCat("SELECT min(due_at) FROM cases WHERE ",
                                ClockRunningSql(),
                                " AND due_at >= ? AND due_at < ?"));
    if (!q.ok()) return q.status();
    q->Bind(1, absl::ToUnixMicros(now))
        .Bind(2, absl::ToUnixMicros(period.end()));
    row = q->Step();
    if (!row.ok()) return row.status();
    out.stable_until = period.end();
    if (*row && !q->ColumnIsNull(0)) {
      out.stable_until = absl::FromUnixMicros(q->ColumnInt(0));
    }
  }
  // Corrections of published months made in this one.
  q = db.Prepare(
      "SELECT at, corrected_month, department_code, case_no, reason, by "
      "FROM corrections WHERE made_in = ? ORDER BY seq");
  if (!q.ok()) return q.status();
  q->Bind(1, month);
  while ((row = q->Step()).ok() && *row) {
    zwfw::v1::CaseCorrection& c = out.corrections.emplace_back();
    *c.mutable_at() = ToProto(absl::FromUnixMicros(q->ColumnInt(0)));
    c.set_corrected_month(q->ColumnText(1));
    c.set_department_code(q->ColumnText(2));
    c.set_case_no(q->ColumnText(3));
    c.set_reason(q->ColumnText(4));
    c.set_by(q->ColumnText(5));
  }
  if (!row.ok()) return row.status();
  out.data_version = MonthDataVersion(writes, live_overdue);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<MonthCounters>> SqliteCaseStore::ReadMonths(
    const std::vector<Period>& months, absl::Time now) {
  ReadLease db(this);
  // One read transaction: every month's counters and versions from the
  // same snapshot.
  absl::Status s = db->Exec("BEGIN");
  if (!s.ok()) return s;
  EndRead end_read{&*db};
  std::vector<MonthCounters> out;
  for (const Period& month : months) {
    absl::StatusOr<MonthCounters> counters = ReadMonthIn(*db, month, now);
    if (!counters.ok()) return counters.status();
    out.push_back(*std::move(counters));
  }
  return out;
}

absl::StatusOr<bool> SqliteCaseStore::ClosePeriod(const Period& period,
                                                  const std::string& by,
                                                  absl::Time now) {
  // Its own connection: the close takes SQLite's write lock between two of
  // the writer's transactions, so each transaction sees it wholly or not.
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_);
  if (!db.ok()) return db.status();
  absl::StatusOr<Statement> close = (*db)->Prepare(
      "INSERT INTO closed_months (month, closed_at, closed_by) "
      "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  if (!close.ok()) return close.status();
  absl::StatusOr<Transaction> tx = Transaction::Begin(**db);
  if (!tx.ok()) return tx.status();
  absl::Status s = close->Bind(1, period.ToString())
                       .Bind(2, absl::ToUnixMicros(now))
                       .Bind(3, by)
                       .Run();
  if (!s.ok()) return s;
  const bool newly = (*db)->Changes() > 0;
  if (newly) {
    s = AppendAudit(**db, {by, "ClosePeriod"}, now, {period.ToString()});
  }
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return newly;
}

}  // namespace zwfw::intake

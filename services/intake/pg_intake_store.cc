#include "services/intake/pg_intake_store.h"

#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/log.h"
#include "services/common/month_version.h"
#include "services/common/pg_audit_log.h"
#include "services/common/pg_month_book.h"
#include "services/common/proto_time.h"
#include "services/intake/case_query_sql.h"
#include "services/intake/case_sums.h"
#include "services/intake/case_writes.h"
#include "services/intake/intake_schema.h"

namespace zwfw::intake {
namespace {

using zwfw::v1::Case;

// The notice every replica's directory catalog reloads on (Replace).
constexpr absl::string_view kDirectoryTopic = "directory";

// The columns a case is stored in, as COPY and the set-wise INSERT and
// UPDATE name them.
constexpr char kCaseColumns[] =
    "department_code, case_no, category, accepted_month, status, due_at, "
    "completed_at, record, extended";

// The counters' columns after (month, department_code, category).
constexpr const char* kCounterColumns[] = {"total",
                                           "instant",
                                           "center",
                                           "department_site",
                                           "grassroots",
                                           "online",
                                           "completed",
                                           "completed_in_center",
                                           "center_same_day",
                                           "center_completed",
                                           "overtime_completed",
                                           "open_due"};

const std::vector<std::string>& Migrations() {
  static const auto* const migrations = new std::vector<std::string>{
      absl::StrCat(R"sql(
CREATE TABLE directory (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL,
  record bytea NOT NULL
);
CREATE TABLE cases (
  department_code text NOT NULL,
  case_no text NOT NULL,
  category integer NOT NULL,
  accepted_month text NOT NULL,
  status integer NOT NULL,
  due_at bigint,
  completed_at bigint,
  record bytea NOT NULL,
  extended boolean NOT NULL DEFAULT false,
  PRIMARY KEY (department_code, case_no)
);
CREATE INDEX cases_by_month ON cases (accepted_month, department_code, case_no);
CREATE INDEX cases_open_by_due ON cases (due_at) WHERE )sql",
                   ClockRunningSql(), R"sql(;
CREATE TABLE case_counters (
  month text NOT NULL,
  department_code text NOT NULL,
  category integer NOT NULL,
  total bigint NOT NULL DEFAULT 0,
  instant bigint NOT NULL DEFAULT 0,
  center bigint NOT NULL DEFAULT 0,
  department_site bigint NOT NULL DEFAULT 0,
  grassroots bigint NOT NULL DEFAULT 0,
  online bigint NOT NULL DEFAULT 0,
  completed bigint NOT NULL DEFAULT 0,
  completed_in_center bigint NOT NULL DEFAULT 0,
  center_same_day bigint NOT NULL DEFAULT 0,
  center_completed bigint NOT NULL DEFAULT 0,
  overtime_completed bigint NOT NULL DEFAULT 0,
  open_due bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (month, department_code, category)
);
)sql",
                   PgMonthBookTables(), R"sql(CREATE TABLE corrections (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at bigint NOT NULL,
  made_in text NOT NULL,
  corrected_month text NOT NULL,
  department_code text NOT NULL,
  case_no text NOT NULL,
  reason text NOT NULL,
  made_by text NOT NULL
);
CREATE INDEX corrections_by_month ON corrections (made_in, seq);
)sql"),
      // 2: the audit trail.
      PgAuditLogMigration(),
      // 3: the indicator cells (case_cells.h), filled from the cases stored
      // before it once (BackfillCells).
      absl::StrCat(R"sql(
CREATE TABLE case_cells (
  month text NOT NULL,
  basis integer NOT NULL,
  department_code text NOT NULL,
  cells bytea NOT NULL,
  PRIMARY KEY (month, basis, department_code)
);
CREATE TABLE )sql",
                   kCellsBackfillTable, R"sql( (pending integer NOT NULL);
)sql")};
  return *migrations;
}

// Adds the deltas to case_cells: the blocks they change read in one
// statement (the writer holds the schema's version row, so no other writer
// changes them meanwhile), merged here, written back in one statement.
absl::Status UpsertCells(PgConnection& c, const CellDeltas& deltas) {
  const std::map<BlockKey, CellBlock> blocks = DeltasByBlock(deltas);
  if (blocks.empty()) return absl::OkStatus();
  std::vector<std::string> months, departments;
  std::vector<int64_t> bases;
  for (const auto& [key, unused] : blocks) {
    months.push_back(std::get<0>(key));
    bases.push_back(std::get<1>(key));
    departments.push_back(std::get<2>(key));
  }
  PgParams keys;
  keys.Text(PgArray(months)).Text(PgArray(bases)).Text(PgArray(departments));
  absl::StatusOr<PgResult> r = c.Exec(
      "SELECT c.month, c.basis, c.department_code, c.cells FROM case_cells c "
      "JOIN unnest($1::text[], $2::integer[], $3::text[]) AS k (month, "
      "basis, department_code) USING (month, basis, department_code)",
      keys);
  if (!r.ok()) return r.status();
  std::map<BlockKey, std::string> stored;
  for (int i = 0; i < r->rows(); ++i) {
    stored[{r->Text(i, 0), static_cast<int>(r->Int(i, 1)), r->Text(i, 2)}] =
        r->Bytes(i, 3);
  }
  std::vector<std::string> encoded;
  for (const auto& [key, delta] : blocks) {
    auto it = stored.find(key);
    absl::StatusOr<std::string> merged =
        MergeCellBlock(it == stored.end() ? "" : it->second, delta);
    if (!merged.ok()) return merged.status();
    // bytea's hex input form, inside the array literal.
    encoded.push_back(absl::StrCat("\\x", absl::BytesToHexString(*merged)));
  }
  keys.Text(PgArray(encoded));
  return c.Run(
      "INSERT INTO case_cells (month, basis, department_code, cells) "
      "SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], "
      "$4::bytea[]) ON CONFLICT (month, basis, department_code) DO UPDATE "
      "SET cells = excluded.cells",
      keys);
}

// Counts the cases stored before the cells existed into them, once, in
// pages of 10,000; the marker table goes in the same transaction (a replica
// starting at the same time waits on it, then finds nothing to do).
absl::Status BackfillCells(PgDatabase& db) {
  return db.Write([](PgConnection& c) -> absl::Status {
    absl::StatusOr<PgResult> pending =
        c.Exec(absl::StrCat("SELECT count(*) FROM pg_tables WHERE schemaname = "
                            "current_schema() AND tablename = '",
                            kCellsBackfillTable, "'"));
    if (!pending.ok()) return pending.status();
    if (pending->Int(0, 0) == 0) return absl::OkStatus();
    absl::Status s = c.Run(absl::StrCat("LOCK TABLE ", kCellsBackfillTable));
    if (!s.ok()) return s;
    // Long on a large database: the operator sees why the start waits.
    const absl::Time start = absl::Now();
    int64_t counted = 0;
    CellDeltas deltas;
    std::string after_department, after_case;
    for (;;) {
      absl::StatusOr<PgResult> page = c.Exec(
          "SELECT department_code, case_no, record FROM cases WHERE "
          "(department_code, case_no) > ($1, $2) ORDER BY department_code, "
          "case_no LIMIT 10000",
          PgParams().Text(after_department).Text(after_case));
      if (!page.ok()) return page.status();
      if (page->rows() == 0) break;
      for (int i = 0; i < page->rows(); ++i) {
        Case stored;
        if (!stored.ParseFromString(page->Bytes(i, 2))) {
          return absl::DataLossError("a stored case cannot be parsed");
        }
        AddCells(CellsOf(stored), +1, &deltas);
      }
      if (counted == 0) {
        LogInfo("indicator cells: counting the cases stored before them");
      }
      counted += page->rows();
      if (counted % 1000000 == 0) {
        LogInfo(absl::StrCat("  ", counted, " cases counted"));
      }
      after_department = page->Text(page->rows() - 1, 0);
      after_case = page->Text(page->rows() - 1, 1);
    }
    s = UpsertCells(c, deltas);
    if (!s.ok()) return s;
    if (counted > 0) {
      LogInfo(absl::StrCat("indicator cells: ", counted,
                           " cases stored before them counted in ",
                           absl::FormatDuration(absl::Now() - start)));
    }
    return c.Run(absl::StrCat("DROP TABLE ", kCellsBackfillTable));
  });
}

std::optional<std::string> Micros(const std::optional<int64_t>& micros) {
  if (!micros) return std::nullopt;
  return absl::StrCat(*micros);
}

// One staged case as a row of COPY's text format, in kCaseColumns' order.
void AppendCopyRow(const StagedCase& staged, std::string* out) {
  const Case& c = staged.record;
  PgCopyRow(
      {c.department_code(), c.case_no(),
       absl::StrCat(static_cast<int>(c.category())), staged.accepted_month,
       absl::StrCat(static_cast<int>(c.status())), Micros(staged.due_micros),
       Micros(staged.completed_micros), PgCopyBytes(staged.bytes),
       std::string(c.has_extension() ? "t" : "f")},
      out);
}

}  // namespace

// case_writes.h's statements for one transaction: the stored versions of
// its cases read at once (their keys as two array parameters), the
// decisions kept in memory, and the cases written by Finish — the new ones
// COPYed straight into the table, the changed ones COPYed into a
// temporary table and updated from it in one statement.
class PgIntakeStore::Writer final : public PgBookWriter<CaseWriter> {
 public:
  using PgBookWriter::PgBookWriter;

  absl::Status Begin(const std::vector<GroupCommitter::Batch*>& batches) {
    std::vector<std::string> departments, case_nos;
    for (GroupCommitter::Batch* batch : batches) {
      for (const StagedCase& staged : *batch) {
        seq_[&staged] = static_cast<int>(staged_.size());
        staged_.push_back(&staged);
        departments.push_back(staged.record.department_code());
        case_nos.push_back(staged.record.case_no());
      }
    }
    absl::StatusOr<PgResult> stored = c_.Exec(
        "SELECT c.department_code, c.case_no, c.record FROM cases c JOIN "
        "unnest($1::text[], $2::text[]) AS k (department_code, case_no) "
        "USING (department_code, case_no)",
        PgParams().Text(PgArray(departments)).Text(PgArray(case_nos)));
    if (!stored.ok()) return stored.status();
    for (int i = 0; i < stored->rows(); ++i) {
      Current& current = current_[Key(stored->Text(i, 0), stored->Text(i, 1))];
      current.bytes = stored->Bytes(i, 2);
      current.stored = true;
    }
    return absl::OkStatus();
  }

  // Writes the cases decided: each new one inserted, each changed one
  // updated, in its last version of the transaction.
  absl::Status Finish() {
    std::string inserts, updates;
    for (const auto& [key, current] : current_) {
      if (current.seq < 0) continue;
      AppendCopyRow(*staged_[current.seq],
                    current.stored ? &updates : &inserts);
    }
    if (!inserts.empty()) {
      absl::Status s = c_.CopyIn(
          absl::StrCat("COPY cases (", kCaseColumns, ") FROM STDIN"), inserts);
      if (!s.ok()) return s;
    }
    if (updates.empty()) return absl::OkStatus();
    absl::Status s = c_.Run(
        "CREATE TEMPORARY TABLE IF NOT EXISTS changed_cases (LIKE cases) ON "
        "COMMIT DELETE ROWS");
    if (!s.ok()) return s;
    s = c_.CopyIn(
        absl::StrCat("COPY changed_cases (", kCaseColumns, ") FROM STDIN"),
        updates);
    if (!s.ok()) return s;
    return c_.Run(
        "UPDATE cases c SET category = s.category, accepted_month = "
        "s.accepted_month, status = s.status, due_at = s.due_at, "
        "completed_at = s.completed_at, record = s.record, extended = "
        "s.extended FROM changed_cases s WHERE c.department_code = "
        "s.department_code AND c.case_no = s.case_no");
  }

  absl::StatusOr<absl::flat_hash_set<std::string>> ClosedMonths() override {
    absl::StatusOr<PgResult> r = c_.Exec("SELECT month FROM closed_months");
    if (!r.ok()) return r.status();
    absl::flat_hash_set<std::string> closed;
    for (int i = 0; i < r->rows(); ++i) closed.insert(r->Text(i, 0));
    return closed;
  }
  absl::StatusOr<bool> Insert(const StagedCase& staged) override {
    Current& current =
        current_[Key(staged.record.department_code(), staged.record.case_no())];
    if (current.stored || current.seq >= 0) return false;
    current.bytes = staged.bytes;
    current.seq = seq_.at(&staged);
    return true;
  }
  absl::StatusOr<std::optional<std::string>> Stored(const Case& c) override {
    auto it = current_.find(Key(c.department_code(), c.case_no()));
    if (it == current_.end() || (!it->second.stored && it->second.seq < 0)) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(it->second.bytes);
  }
  absl::Status Update(const StagedCase& staged) override {
    Current& current =
        current_[Key(staged.record.department_code(), staged.record.case_no())];
    current.bytes = staged.bytes;
    current.seq = seq_.at(&staged);
    return absl::OkStatus();
  }
  absl::Status AddCorrection(const CorrectionRow& c) override {
    return c_.Run(
        "INSERT INTO corrections (at, made_in, corrected_month, "
        "department_code, case_no, reason, made_by) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7)",
        PgParams()
            .Int(absl::ToUnixMicros(c.at))
            .Text(c.made_in)
            .Text(c.corrected_month)
            .Text(c.department_code)
            .Text(c.case_no)
            .Text(c.reason)
            .Text(c.by));
  }
  absl::Status AddCells(const CellDeltas& deltas) override {
    return UpsertCells(c_, deltas);
  }
  absl::Status AddCounters(const CounterDeltas& deltas) override {
    std::vector<std::string> months, departments;
    std::vector<int64_t> categories;
    std::vector<std::vector<int64_t>> columns(std::size(kCounterColumns));
    for (const auto& [key, d] : deltas) {
      if (d.IsZero()) continue;
      const auto& [month, department, category] = key;
      months.push_back(month);
      departments.push_back(department);
      categories.push_back(category);
      const int64_t values[] = {d.total,
                                d.instant,
                                d.center,
                                d.department_site,
                                d.grassroots,
                                d.online,
                                d.completed,
                                d.completed_in_center,
                                d.center_same_day,
                                d.center_completed,
                                d.overtime_completed,
                                d.open_due};
      for (size_t i = 0; i < columns.size(); ++i) {
        columns[i].push_back(values[i]);
      }
    }
    if (months.empty()) return absl::OkStatus();
    PgParams params;
    params.Text(PgArray(months))
        .Text(PgArray(departments))
        .Text(PgArray(categories));
    std::vector<std::string> arrays = {"$1::text[]", "$2::text[]",
                                       "$3::integer[]"};
    std::vector<std::string> sums;
    for (size_t i = 0; i < columns.size(); ++i) {
      params.Text(PgArray(columns[i]));
      arrays.push_back(absl::StrCat("$", i + 4, "::bigint[]"));
      sums.push_back(absl::StrCat(kCounterColumns[i], " = c.",
                                  kCounterColumns[i], " + excluded.",
                                  kCounterColumns[i]));
    }
    return c_.Run(
        absl::StrCat("INSERT INTO case_counters AS c (month, department_code, "
                     "category, ",
                     absl::StrJoin(kCounterColumns, ", "),
                     ") SELECT * FROM unnest(", absl::StrJoin(arrays, ", "),
                     ") ON CONFLICT (month, department_code, category) DO "
                     "UPDATE SET ",
                     absl::StrJoin(sums, ", ")),
        params);
  }

 private:
  // A case of this transaction: as stored before it (stored), and its
  // latest version here (its index in staged_; -1: unchanged).
  struct Current {
    std::string bytes;
    bool stored = false;
    int seq = -1;
  };
  static std::string Key(const std::string& department,
                         const std::string& case_no) {
    return absl::StrCat(department, std::string(1, '\0'), case_no);
  }

  std::vector<const StagedCase*> staged_;  // by seq, in the order given
  absl::flat_hash_map<const StagedCase*, int> seq_;
  absl::flat_hash_map<std::string, Current> current_;
};

absl::StatusOr<std::unique_ptr<PgIntakeStore>> PgIntakeStore::Open(
    const PgOptions& options, GroupCommitter::Options commit) {
  absl::StatusOr<std::unique_ptr<PgDatabase>> db =
      PgDatabase::Open(options, Migrations());
  if (!db.ok()) return db.status();
  absl::Status s = BackfillCells(**db);
  if (!s.ok()) return s;
  return std::unique_ptr<PgIntakeStore>(
      new PgIntakeStore(*std::move(db), commit));
}

PgIntakeStore::PgIntakeStore(std::unique_ptr<PgDatabase> db,
                             GroupCommitter::Options commit)
    : db_(std::move(db)) {
  committer_ = std::make_unique<GroupCommitter>(
      commit,
      [this](const std::vector<GroupCommitter::Batch*>& batches,
             const std::vector<const Actor*>& actors)
          -> absl::StatusOr<GroupCommitter::Results> {
        absl::StatusOr<GroupCommitter::Results> results;
        absl::Status s = db_->Write([&](PgConnection& c) -> absl::Status {
          Writer writer(c);
          absl::Status w = writer.Begin(batches);
          if (!w.ok()) return w;
          results = WriteCasesWith(writer, batches, actors);
          if (!results.ok()) return results.status();
          return writer.Finish();
        });
        if (!s.ok()) return s;
        return results;
      });
}

PgIntakeStore::~PgIntakeStore() {
  committer_.reset();  // every pending batch written and answered
}

void PgIntakeStore::Write(std::vector<Case> cases, Actor actor,
                          WriteCallback done) {
  committer_->Write(std::move(cases), std::move(actor), std::move(done));
}

absl::StatusOr<bool> PgIntakeStore::ClosePeriod(const Period& period,
                                                const std::string& by,
                                                absl::Time now) {
  return PgCloseMonth(*db_, period.ToString(), by, now);
}

absl::StatusOr<std::optional<Case>> PgIntakeStore::Get(
    const std::string& department_code, const std::string& case_no) {
  std::optional<Case> out;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    Case stored;
    absl::StatusOr<PgResult> r = c.Exec(
        "SELECT record FROM cases WHERE department_code = $1 AND case_no = $2",
        PgParams().Text(department_code).Text(case_no));
    if (!r.ok()) return r.status();
    out.reset();
    if (r->rows() == 0) return absl::OkStatus();
    if (!stored.ParseFromString(r->Bytes(0, 0))) {
      return UnreadableCase(department_code, case_no);
    }
    out = std::move(stored);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

namespace {

// A query's parameters (CaseQueryConditions) in order.
PgParams ParamsOf(const CaseQuerySql& sql) {
  PgParams params;
  for (const auto& value : sql.params) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      params.Text(*text);
    } else {
      params.Int(std::get<int64_t>(value));
    }
  }
  return params;
}

}  // namespace

absl::StatusOr<CasePage> PgIntakeStore::List(const CaseQuery& query,
                                             absl::Time now) {
  const CaseQuerySql conditions =
      CaseQueryConditions(query, now, SqlEngine::kPostgres, /*resume=*/true);
  const PgParams params = ParamsOf(conditions);
  const std::string sql = absl::StrCat(
      "SELECT record FROM cases", conditions.where,
      " ORDER BY department_code, case_no LIMIT ", query.limit + 1);
  CasePage page;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    page = CasePage();
    absl::StatusOr<PgResult> r = c.Exec(sql, params);
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      if (static_cast<int>(page.cases.size()) == query.limit) {
        page.more = true;
        break;
      }
      if (!page.cases.emplace_back().ParseFromString(r->Bytes(i, 0))) {
        return absl::DataLossError("a stored case cannot be parsed");
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return page;
}

absl::StatusOr<int64_t> PgIntakeStore::Count(const CaseQuery& query,
                                             absl::Time now) {
  const CaseQuerySql conditions =
      CaseQueryConditions(query, now, SqlEngine::kPostgres, /*resume=*/false);
  const PgParams params = ParamsOf(conditions);
  int64_t count = 0;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<PgResult> r = c.Exec(
        absl::StrCat("SELECT count(*) FROM cases", conditions.where), params);
    if (!r.ok()) return r.status();
    count = r->Int(0, 0);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return count;
}

absl::StatusOr<PeriodCells> PgIntakeStore::ReadCells(const ReportPeriod& period,
                                                     absl::Time now) {
  const std::string first = period.first().ToString();
  const std::string last = period.last().ToString();
  const std::string not_over = FirstMonthNotOver(period, now);
  const absl::Time live_from =
      std::max(period.start(), Period::Parse(not_over)->start());
  const absl::Time live_to = std::min(now, period.end());
  PeriodCells out;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    out = PeriodCells();
    absl::StatusOr<PgResult> r = c.Exec(
        "SELECT basis, department_code, month < $3, cells FROM case_cells "
        "WHERE month >= $1 AND month <= $2",
        PgParams().Text(first).Text(last).Text(not_over));
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      out.blocks.push_back({static_cast<int>(r->Int(i, 0)), r->Text(i, 1),
                            r->Text(i, 2) == "t", r->Bytes(i, 3)});
    }
    if (live_from < live_to) {
      r = c.Exec(
          absl::StrCat("SELECT record FROM cases WHERE ", ClockRunningSql(),
                       " AND due_at >= $1 AND due_at < $2"),
          PgParams()
              .Int(absl::ToUnixMicros(live_from))
              .Int(absl::ToUnixMicros(live_to)));
      if (!r.ok()) return r.status();
      for (int i = 0; i < r->rows(); ++i) {
        Case open;
        if (!open.ParseFromString(r->Bytes(i, 0))) {
          return absl::DataLossError("a stored case cannot be parsed");
        }
        out.overdue.push_back(
            {open.department_code(), CaseDimensions(open),
             Period::Containing(ToTime(open.due_at())).ToString()});
      }
    }
    if (now < period.end()) {
      r = c.Exec(
          absl::StrCat("SELECT min(due_at) FROM cases WHERE ",
                       ClockRunningSql(), " AND due_at >= $1 AND due_at < $2"),
          PgParams()
              .Int(absl::ToUnixMicros(std::max(now, period.start())))
              .Int(absl::ToUnixMicros(period.end())));
      if (!r.ok()) return r.status();
      if (r->rows() > 0 && !r->IsNull(0, 0)) {
        out.next_due = absl::FromUnixMicros(r->Int(0, 0));
      }
    }
    for (const Period& month : period.months()) {
      absl::StatusOr<int64_t> writes = PgMonthWrites(c, month.ToString());
      if (!writes.ok()) return writes.status();
      out.month_writes.push_back(*writes);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

namespace {

// One month's counters, inside the caller's read transaction.
absl::StatusOr<MonthCounters> ReadMonthOn(PgConnection& c, const Period& period,
                                          absl::Time now) {
  const std::string month = period.ToString();
  MonthCounters out;
  absl::StatusOr<int64_t> writes = PgMonthWrites(c, month);
  if (!writes.ok()) return writes.status();

  absl::StatusOr<PgResult> r =
      c.Exec(absl::StrCat("SELECT department_code, category, ",
                          absl::StrJoin(kCounterColumns, ", "),
                          " FROM case_counters WHERE month = $1"),
             PgParams().Text(month));
  if (!r.ok()) return r.status();
  const bool month_over = period.end() <= now;
  for (int i = 0; i < r->rows(); ++i) {
    Counters& k = out.rows[{r->Text(i, 0), static_cast<int>(r->Int(i, 1))}];
    int64_t* fields[] = {&k.total,
                         &k.instant,
                         &k.center,
                         &k.department_site,
                         &k.grassroots,
                         &k.online,
                         &k.completed,
                         &k.completed_in_center,
                         &k.center_same_day,
                         &k.center_completed,
                         &k.overtime_completed,
                         &k.open_due};
    for (size_t f = 0; f < std::size(fields); ++f) {
      *fields[f] = r->Int(i, 2 + static_cast<int>(f));
    }
    k.overtime = k.overtime_completed + (month_over ? k.open_due : 0);
  }

  int64_t live_overdue = 0;
  if (!month_over) {
    // Open cases of this month already past due (as in SQLite).
    r = c.Exec(absl::StrCat("SELECT department_code, category, count(*) "
                            "FROM cases WHERE ",
                            ClockRunningSql(),
                            " AND due_at >= $1 AND due_at < $2 GROUP BY "
                            "department_code, category"),
               PgParams()
                   .Int(absl::ToUnixMicros(period.start()))
                   .Int(absl::ToUnixMicros(std::min(now, period.end()))));
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      const int64_t n = r->Int(i, 2);
      out.rows[{r->Text(i, 0), static_cast<int>(r->Int(i, 1))}].overtime += n;
      live_overdue += n;
    }
    r = c.Exec(
        absl::StrCat("SELECT min(due_at) FROM cases WHERE ", ClockRunningSql(),
                     " AND due_at >= $1 AND due_at < $2"),
        PgParams()
            .Int(absl::ToUnixMicros(now))
            .Int(absl::ToUnixMicros(period.end())));
    if (!r.ok()) return r.status();
    out.stable_until = period.end();
    if (r->rows() > 0 && !r->IsNull(0, 0)) {
      out.stable_until = absl::FromUnixMicros(r->Int(0, 0));
    }
  }
  r = c.Exec(
      "SELECT at, corrected_month, department_code, case_no, reason, "
      "made_by FROM corrections WHERE made_in = $1 ORDER BY seq",
      PgParams().Text(month));
  if (!r.ok()) return r.status();
  for (int i = 0; i < r->rows(); ++i) {
    zwfw::v1::CaseCorrection& k = out.corrections.emplace_back();
    *k.mutable_at() = ToProto(absl::FromUnixMicros(r->Int(i, 0)));
    k.set_corrected_month(r->Text(i, 1));
    k.set_department_code(r->Text(i, 2));
    k.set_case_no(r->Text(i, 3));
    k.set_reason(r->Text(i, 4));
    k.set_by(r->Text(i, 5));
  }
  out.data_version = MonthDataVersion(*writes, live_overdue);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<MonthCounters>> PgIntakeStore::ReadMonths(
    const std::vector<Period>& months, absl::Time now) {
  std::vector<MonthCounters> out;
  // One REPEATABLE READ transaction: every month from one snapshot.
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    out.clear();
    for (const Period& month : months) {
      absl::StatusOr<MonthCounters> counters = ReadMonthOn(c, month, now);
      if (!counters.ok()) return counters.status();
      out.push_back(*std::move(counters));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status PgIntakeStore::Replace(const zwfw::v1::DirectorySnapshot& snapshot,
                                    int64_t version, const Actor& actor) {
  return db_->Write([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<PgResult> r =
        c.Exec("SELECT version FROM directory WHERE id = 1");
    if (!r.ok()) return r.status();
    const int64_t stored = r->rows() > 0 ? r->Int(0, 0) : 0;
    if (stored >= version) {
      return absl::AbortedError(
          absl::StrCat("directory: version ", stored,
                       " was imported meanwhile through another replica"));
    }
    absl::Status s = c.Run(
        "INSERT INTO directory VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE "
        "SET version = excluded.version, record = excluded.record",
        PgParams().Int(version).Bytes(snapshot.SerializeAsString()));
    if (!s.ok()) return s;
    s = db_->Notify(c, kDirectoryTopic);
    if (!s.ok()) return s;
    return AppendPgAudit(c, actor, absl::Now(),
                         {absl::StrCat("directory version ", version)});
  });
}

bool PgIntakeStore::OnReplaced(std::function<void()> callback) {
  db_->OnNotice(kDirectoryTopic, std::move(callback));
  return true;
}

absl::StatusOr<StoredDirectory> PgIntakeStore::Load() {
  StoredDirectory out;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    out = StoredDirectory();
    absl::StatusOr<PgResult> r =
        c.Exec("SELECT version, record FROM directory WHERE id = 1");
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return absl::OkStatus();
    out.version = r->Int(0, 0);
    if (!out.snapshot.ParseFromString(r->Bytes(0, 1))) {
      return absl::DataLossError("the stored directory cannot be parsed");
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<int64_t> PgIntakeStore::StoredVersion() {
  int64_t version = 0;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<PgResult> r =
        c.Exec("SELECT version FROM directory WHERE id = 1");
    if (!r.ok()) return r.status();
    version = r->rows() > 0 ? r->Int(0, 0) : 0;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return version;
}

}  // namespace zwfw::intake

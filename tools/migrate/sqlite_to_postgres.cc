#include "tools/migrate/sqlite_to_postgres.h"

#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/audit_log.h"
#include "services/common/pg_audit_log.h"

namespace zwfw::migrate {
namespace {

// The schema's own bookkeeping (postgres.h): written by PgDatabase, never
// copied.
const std::set<std::string>& Bookkeeping() {
  static const auto* const tables =
      new std::set<std::string>{"zwfw_migrations", "zwfw_data_version"};
  return *tables;
}

// COPY's text is sent in pieces of about this size.
constexpr size_t kCopyChunk = 4 << 20;

// Names come from the two databases' catalogs (plain identifiers); quoted
// because some are keywords ("by").
std::string Quoted(absl::string_view name) {
  return absl::StrCat("\"", name, "\"");
}

struct PgColumn {
  std::string name;
  std::string type;  // information_schema's data_type
  bool identity = false;
};
using PgTables = std::map<std::string, std::vector<PgColumn>>;

absl::StatusOr<PgTables> ReadPgTables(PgConnection& c) {
  absl::StatusOr<PgResult> r = c.Exec(
      "SELECT table_name, column_name, data_type, is_identity FROM "
      "information_schema.columns WHERE table_schema = current_schema() "
      "ORDER BY table_name, ordinal_position");
  if (!r.ok()) return r.status();
  PgTables tables;
  for (int i = 0; i < r->rows(); ++i) {
    if (Bookkeeping().count(r->Text(i, 0)) > 0) continue;
    tables[r->Text(i, 0)].push_back(
        {r->Text(i, 1), r->Text(i, 2), r->Text(i, 3) == "YES"});
  }
  return tables;
}

// The tables in an order that fills a referenced table before the tables
// whose foreign keys point at it (rectifications before their events).
absl::StatusOr<std::vector<std::string>> CopyOrder(PgConnection& c,
                                                   const PgTables& tables) {
  absl::StatusOr<PgResult> r = c.Exec(
      "SELECT child.table_name, parent.table_name FROM "
      "information_schema.referential_constraints rc JOIN "
      "information_schema.table_constraints child ON child.constraint_schema "
      "= rc.constraint_schema AND child.constraint_name = rc.constraint_name "
      "JOIN information_schema.table_constraints parent ON "
      "parent.constraint_schema = rc.unique_constraint_schema AND "
      "parent.constraint_name = rc.unique_constraint_name WHERE "
      "child.table_schema = current_schema()");
  if (!r.ok()) return r.status();
  std::map<std::string, std::set<std::string>> parents;
  for (int i = 0; i < r->rows(); ++i) {
    if (r->Text(i, 0) != r->Text(i, 1)) {
      parents[r->Text(i, 0)].insert(r->Text(i, 1));
    }
  }
  std::vector<std::string> order;
  std::set<std::string> placed;
  while (order.size() < tables.size()) {
    const size_t before = order.size();
    for (const auto& [table, columns] : tables) {
      if (placed.count(table) > 0) continue;
      bool ready = true;
      for (const std::string& parent : parents[table]) {
        ready =
            ready && (placed.count(parent) > 0 || tables.count(parent) == 0);
      }
      if (!ready) continue;
      order.push_back(table);
      placed.insert(table);
    }
    if (order.size() == before) {
      return absl::FailedPreconditionError(
          "the schema's foreign keys form a cycle: no order to copy in");
    }
  }
  return order;
}

absl::StatusOr<std::vector<std::string>> SqliteNames(Database& db,
                                                     absl::string_view sql,
                                                     const std::string& arg) {
  absl::StatusOr<Statement> q = db.Prepare(sql);
  if (!q.ok()) return q.status();
  if (!arg.empty()) q->Bind(1, arg);
  std::vector<std::string> names;
  while (true) {
    absl::StatusOr<bool> row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return names;
    names.push_back(q->ColumnText(0));
  }
}

// One SQLite value as a COPY field of the PostgreSQL column's type.
absl::StatusOr<std::optional<std::string>> Field(const Statement& q, int i,
                                                 const std::string& table,
                                                 const PgColumn& column) {
  if (q.ColumnIsNull(i)) return std::nullopt;
  if (column.type == "bytea") return PgCopyBytes(q.ColumnText(i));
  if (column.type == "boolean") {
    return std::string(q.ColumnInt(i) != 0 ? "t" : "f");
  }
  if (column.type == "integer" || column.type == "bigint" ||
      column.type == "smallint") {
    return absl::StrCat(q.ColumnInt(i));
  }
  if (column.type == "text") return q.ColumnText(i);
  return absl::FailedPreconditionError(
      absl::StrCat("column ", table, ".", column.name, " has type ",
                   column.type, ", which zwfw-migrate does not convert"));
}

class Copier {
 public:
  Copier(Database& from, PgConnection& to, const CopyPlan& plan,
         const CopyProgress& progress)
      : from_(from), to_(to), plan_(plan), progress_(progress) {}

  // Copies `table` whole; returns its rows.
  absl::StatusOr<int64_t> Table(const std::string& table,
                                const std::vector<PgColumn>& columns) {
    absl::StatusOr<std::vector<std::string>> have = SqliteNames(
        from_, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table);
    if (!have.ok()) return have.status();
    std::set<std::string> unread(have->begin(), have->end());
    std::vector<std::string> selected, names;
    for (const PgColumn& column : columns) {
      auto renamed = plan_.renamed.find(absl::StrCat(table, ".", column.name));
      const std::string source =
          renamed == plan_.renamed.end() ? column.name : renamed->second;
      if (unread.erase(source) == 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "column ", table, ".", column.name,
            " has no SQLite column to read (", source, " is not in ", table,
            "): the two stores' migrations disagree"));
      }
      selected.push_back(Quoted(source));
      names.push_back(Quoted(column.name));
    }
    if (!unread.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("SQLite column ", table, ".", *unread.begin(),
                       " has no PostgreSQL column: its values would be lost"));
    }
    absl::Status s = CheckEmpty(table);
    if (!s.ok()) return s;

    absl::StatusOr<Statement> q = from_.Prepare(absl::StrCat(
        "SELECT ", absl::StrJoin(selected, ", "), " FROM ", Quoted(table)));
    if (!q.ok()) return q.status();
    const std::string copy =
        absl::StrCat("COPY ", Quoted(table), " (", absl::StrJoin(names, ", "),
                     ") FROM STDIN");
    std::string data;
    std::vector<std::optional<std::string>> fields(columns.size());
    int64_t rows = 0;
    while (true) {
      absl::StatusOr<bool> row = q->Step();
      if (!row.ok()) return row.status();
      if (*row) {
        for (size_t i = 0; i < columns.size(); ++i) {
          absl::StatusOr<std::optional<std::string>> field =
              Field(*q, static_cast<int>(i), table, columns[i]);
          if (!field.ok()) return field.status();
          fields[i] = *std::move(field);
        }
        PgCopyRow(fields, &data);
        ++rows;
      }
      if (!data.empty() && (!*row || data.size() >= kCopyChunk)) {
        s = to_.CopyIn(copy, data);
        if (!s.ok()) return s;
        data.clear();
        if (progress_) progress_(table, rows);
      }
      if (!*row) break;
    }
    for (const PgColumn& column : columns) {
      if (!column.identity || rows == 0) continue;
      // The next row the service adds is numbered after the copied ones.
      s = to_.Run(
          absl::StrCat("SELECT setval(pg_get_serial_sequence($1, $2), "
                       "(SELECT max(",
                       Quoted(column.name), ") FROM ", Quoted(table), "))"),
          PgParams().Text(table).Text(column.name));
      if (!s.ok()) return s;
    }
    return rows;
  }

  absl::Status CheckEmpty(const std::string& table) {
    absl::StatusOr<PgResult> r =
        to_.Exec(absl::StrCat("SELECT 1 FROM ", Quoted(table), " LIMIT 1"));
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "table ", table,
        " already holds rows: zwfw-migrate fills an empty schema only "
        "(was this service moved already?)"));
  }

 private:
  Database& from_;
  PgConnection& to_;
  const CopyPlan& plan_;
  const CopyProgress& progress_;
};

}  // namespace

absl::StatusOr<CopyReport> CopyIntoPostgres(const std::string& sqlite_path,
                                            PgDatabase& to,
                                            const CopyPlan& plan,
                                            const CopyProgress& progress) {
  // Database::Open would create a missing file.
  struct stat st;
  if (stat(sqlite_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::NotFoundError(
        absl::StrCat("SQLite file ", sqlite_path, " does not exist"));
  }
  absl::StatusOr<std::unique_ptr<Database>> from = Database::Open(sqlite_path);
  if (!from.ok()) return from.status();
  // One snapshot of the file for the whole copy (and its retries).
  absl::Status s = (*from)->Exec("BEGIN");
  if (!s.ok()) return s;
  absl::StatusOr<std::vector<std::string>> sqlite_tables = SqliteNames(
      **from,
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
      "LIKE 'sqlite_%' ORDER BY name",
      "");
  if (!sqlite_tables.ok()) return sqlite_tables.status();

  CopyReport report;
  s = to.Write([&](PgConnection& c) -> absl::Status {
    report = CopyReport();
    absl::StatusOr<PgTables> pg_tables = ReadPgTables(c);
    if (!pg_tables.ok()) return pg_tables.status();
    const std::set<std::string> stepped(plan.filled_by_step.begin(),
                                        plan.filled_by_step.end());
    for (const std::string& table : *sqlite_tables) {
      if (pg_tables->count(table) == 0 && plan.not_copied.count(table) == 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "SQLite table ", table, " has no PostgreSQL table in schema ",
            to.schema(), ": its rows would be lost"));
      }
    }
    absl::StatusOr<std::vector<std::string>> order = CopyOrder(c, *pg_tables);
    if (!order.ok()) return order.status();
    Copier copier(**from, c, plan, progress);
    for (const std::string& table : *order) {
      const std::vector<PgColumn>& columns = pg_tables->at(table);
      if (stepped.count(table) > 0) {
        absl::Status empty = copier.CheckEmpty(table);
        if (!empty.ok()) return empty;
        continue;
      }
      if (std::find(sqlite_tables->begin(), sqlite_tables->end(), table) ==
          sqlite_tables->end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "PostgreSQL table ", table, " of schema ", to.schema(),
            " has no SQLite table of its name and no step fills it"));
      }
      absl::StatusOr<int64_t> rows = copier.Table(table, columns);
      if (!rows.ok()) return rows.status();
      report.tables.push_back({table, *rows});
      report.rows += *rows;
      if (table == "audit_log") report.audit_entries = *rows;
    }
    if (plan.step) {
      absl::StatusOr<int64_t> rows = plan.step(**from, to, c);
      if (!rows.ok()) return rows.status();
      report.tables.push_back(
          {absl::StrJoin(plan.filled_by_step, ", "), *rows});
      report.rows += *rows;
    }
    // The copied chain goes on: this entry's prev_hash is the last copied
    // entry's hash, so `zwfw audit verify` checks history and move at once.
    std::vector<std::string> keys;
    for (const TableCopied& t : report.tables) {
      keys.push_back(absl::StrCat(t.table, " ", t.rows));
    }
    return AppendPgAudit(
        c,
        {"zwfw-migrate", "MigrateFromSqlite",
         absl::StrCat("moved from SQLite: ", report.rows, " rows")},
        absl::Now(), keys);
  });
  if (!s.ok()) return s;
  return report;
}

}  // namespace zwfw::migrate

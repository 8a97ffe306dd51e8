// Moves one service's SQLite file into its PostgreSQL schema, everything
// at once: records, counters, closed months, the audit trail (README,
// "From SQLite to PostgreSQL").
//
//   absl::StatusOr<CopyReport> report =
//       CopyIntoPostgres("var/data/survey.db", pg_database, plan, progress);
//
// The two stores of a service keep the same tables with the same columns
// (times in Unix microseconds, records as serialised protos), so a table
// is copied by its name: every column of the PostgreSQL table is read from
// the SQLite column of the same name (or the one `plan.renamed` names) and
// converted by the PostgreSQL column's type (integer, bigint, boolean from
// 0/1, text, bytea). Nothing is left behind unnoticed: a SQLite table with
// no PostgreSQL table of its name, or a SQLite column no PostgreSQL column
// reads, is an error unless the plan says where its rows go.
//
// All of it is one PostgreSQL transaction (PgDatabase::Write): it commits
// whole or not at all, moves the schema's data version (so caches in front
// of the servers turn) and ends with one audit entry of its own that
// continues the copied chain. The schema must be empty: a second run
// changes nothing and says which table already holds rows. The SQLite
// file is read in one read transaction; stop its server first (a write it
// makes during the copy is not moved).
//
// Not thread-safe: one call at a time per SQLite file.
#ifndef ZWFW_TOOLS_MIGRATE_SQLITE_TO_POSTGRES_H_
#define ZWFW_TOOLS_MIGRATE_SQLITE_TO_POSTGRES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/postgres.h"
#include "services/common/sqlite.h"

namespace zwfw::migrate {

struct CopyPlan {
  // SQLite tables whose rows are not copied as they are, with why (another
  // step carries them, or the PostgreSQL store keeps them differently).
  std::map<std::string, std::string> not_copied;
  // PostgreSQL columns read from a SQLite column of another name:
  // "corrections.made_by" -> "by".
  std::map<std::string, std::string> renamed;
  // PostgreSQL tables `step` fills, not a same-named SQLite table.
  std::vector<std::string> filled_by_step;
  // Runs inside the transaction after the tables are copied: reads what
  // it needs from `from` (a read transaction is open on it) and writes
  // `filled_by_step` through `to` (a connection of `db`, for its Notify);
  // returns how many rows it wrote. May be empty.
  std::function<absl::StatusOr<int64_t>(Database& from, PgDatabase& db,
                                        PgConnection& to)>
      step;
};

struct TableCopied {
  std::string table;
  int64_t rows = 0;
};

struct CopyReport {
  std::vector<TableCopied> tables;  // in the order copied
  int64_t rows = 0;                 // all tables'
  int64_t audit_entries = 0;        // copied (the move adds one more)
};

// Told each table's rows so far, at least every few MiB and at its end.
using CopyProgress = std::function<void(const std::string& table, int64_t)>;

// Copies `sqlite_path` (which must exist; it is not migrated here: open it
// with its store first) into `to`'s schema, as described above.
// FAILED_PRECONDITION when the schema already holds rows, or when a table
// or column has no counterpart (naming it); NOT_FOUND when the file does
// not exist; the database's own errors otherwise.
absl::StatusOr<CopyReport> CopyIntoPostgres(const std::string& sqlite_path,
                                            PgDatabase& to,
                                            const CopyPlan& plan,
                                            const CopyProgress& progress);

}  // namespace zwfw::migrate

#endif  // ZWFW_TOOLS_MIGRATE_SQLITE_TO_POSTGRES_H_

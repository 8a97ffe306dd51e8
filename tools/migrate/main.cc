// zwfw-migrate: moves services' SQLite files into their PostgreSQL schemas
// (README, "From SQLite to PostgreSQL"). Flags and wiring only; the copy is
// sqlite_to_postgres.h, what each service needs is service_moves.h.
//
//   zwfw-migrate --data_dir=var/data --database=postgresql://zwfw@db/zwfw
//     --database_password_file=/run/secrets/db [--services=intake,survey]
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tools/migrate/service_moves.h"

ABSL_FLAG(std::string, data_dir, "",
          "the SQLite servers' --data_dir (intake.db, survey.db, ...)");
ABSL_FLAG(std::string, services, "intake,survey,scoring,bulletin",
          "the services to move, each into its own empty schema");
ABSL_FLAG(std::string, database, "",
          "the PostgreSQL servers' --database (no password in it)");
ABSL_FLAG(std::string, database_password_file, "",
          "the PostgreSQL password (else PGPASSFILE)");

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(const std::string& service, const absl::Status& status) {
  std::cerr << "zwfw-migrate: " << service << ": " << status.message() << "\n";
  return kExitFailed;
}

int Move(const zwfw::migrate::ServiceMove& move) {
  const std::string path =
      absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/", move.sqlite_file);
  const absl::Time start = absl::Now();
  absl::Status s = move.upgrade_sqlite(path);
  if (!s.ok()) return Fail(move.service, s);
  zwfw::PgOptions options;
  options.url = absl::GetFlag(FLAGS_database);
  options.password_file = absl::GetFlag(FLAGS_database_password_file);
  options.schema = move.service;
  options.connections = 1;
  absl::StatusOr<std::unique_ptr<zwfw::migrate::PgTarget>> target =
      move.open_postgres(options);
  if (!target.ok()) return Fail(move.service, target.status());
  absl::StatusOr<zwfw::migrate::CopyReport> report =
      zwfw::migrate::CopyIntoPostgres(
          path, (*target)->database(), move.plan,
          [&](const std::string& table, int64_t rows) {
            std::cerr << move.service << ": " << table << " " << rows
                      << " rows\n";
          });
  if (!report.ok()) return Fail(move.service, report.status());
  std::cout << move.service << ": moved " << report->rows << " rows of "
            << report->tables.size() << " tables from " << path << " to "
            << (*target)->database().described() << " in "
            << absl::FormatDuration(
                   absl::Trunc(absl::Now() - start, absl::Milliseconds(1)))
            << "; audit trail: " << report->audit_entries
            << " entries, and the move's own\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "zwfw-migrate --data_dir=DIR --database=URL "
      "[--database_password_file=FILE] [--services=intake,survey,...]\n"
      "Copies each service's SQLite file into its empty PostgreSQL schema, "
      "in one transaction per service. Stop the SQLite servers first.");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "zwfw-migrate: unexpected argument \"" << rest[1] << "\"\n";
    return kExitUsage;
  }
  if (absl::GetFlag(FLAGS_data_dir).empty() ||
      absl::GetFlag(FLAGS_database).empty()) {
    std::cerr << "zwfw-migrate: --data_dir and --database are required\n";
    return kExitUsage;
  }
  std::vector<zwfw::migrate::ServiceMove> moves;
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_services), ',', absl::SkipEmpty())) {
    absl::StatusOr<zwfw::migrate::ServiceMove> move =
        zwfw::migrate::MoveOf(name);
    if (!move.ok()) {
      std::cerr << "zwfw-migrate: --services: " << move.status().message()
                << "\n";
      return kExitUsage;
    }
    moves.push_back(*std::move(move));
  }
  if (moves.empty()) {
    std::cerr << "zwfw-migrate: --services names no service\n";
    return kExitUsage;
  }
  // Each service is its own transaction: one that fails leaves the ones
  // before it moved; run again with --services naming the rest.
  for (const zwfw::migrate::ServiceMove& move : moves) {
    const int code = Move(move);
    if (code != 0) return code;
  }
  return 0;
}

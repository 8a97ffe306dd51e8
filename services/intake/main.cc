// The intake server: the Directory and CaseIntake services. Flags, wiring
// and the server; nothing else.
#include <memory>

#include "absl/flags/flag.h"
#include "services/common/audit_service.h"
#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/server.h"
#include "services/common/store_choice.h"
#include "services/intake/case_intake_service.h"
#include "services/intake/directory_catalog.h"
#include "services/intake/directory_service.h"
#include "services/intake/pg_intake_store.h"
#include "services/intake/sqlite_case_store.h"
#include "services/intake/sqlite_directory_store.h"

ABSL_FLAG(int, max_batch, 5000, "records per SubmitCases batch at most");
ABSL_FLAG(int, max_records_per_transaction, 20000,
          "records committed in one transaction at most (group commit)");
ABSL_FLAG(int64_t, max_queued_records, 200000,
          "records waiting for the disk at most, across every caller; a batch "
          "past it is refused RESOURCE_EXHAUSTED (retry)");

int main(int argc, char** argv) {
  zwfw::ServerConfig config =
      zwfw::ParseServerFlags(argc, argv, "intake", "127.0.0.1:50051");
  absl::StatusOr<std::unique_ptr<zwfw::ServerHost>> host =
      zwfw::ServerHost::Create(config);
  if (!host.ok()) return zwfw::StartupFailure(host.status());

  absl::StatusOr<zwfw::Calendar> calendar =
      zwfw::Calendar::LoadDirectory(config.calendar_dir);
  if (!calendar.ok()) return zwfw::StartupFailure(calendar.status());

  // SQLite under --data_dir (cases and directory in one file), or the
  // shared PostgreSQL of --database (one store for both).
  std::unique_ptr<zwfw::intake::PgIntakeStore> shared;
  std::unique_ptr<zwfw::intake::SqliteDirectoryStore> sqlite_directory;
  std::unique_ptr<zwfw::intake::SqliteCaseStore> sqlite_cases;
  std::unique_ptr<zwfw::AuditTrail> trail;
  zwfw::intake::DirectoryStore* directory_store = nullptr;
  zwfw::intake::CaseStore* case_store = nullptr;
  const int max_records = absl::GetFlag(FLAGS_max_records_per_transaction);
  const int64_t max_queued = absl::GetFlag(FLAGS_max_queued_records);
  if ((*host)->OnPostgres()) {
    absl::StatusOr<zwfw::OpenedStore<zwfw::intake::PgIntakeStore>> pg =
        zwfw::OpenPgStore<zwfw::intake::PgIntakeStore>(
            **host,
            zwfw::intake::GroupCommitter::Options{max_records, max_queued});
    if (!pg.ok()) return zwfw::StartupFailure(pg.status());
    shared = std::move(pg->store);
    trail = std::move(pg->trail);
    directory_store = shared.get();
    case_store = shared.get();
  } else {
    const std::string db_path = (*host)->DataPath("intake.db");
    absl::StatusOr<std::unique_ptr<zwfw::intake::SqliteDirectoryStore>>
        directory = zwfw::intake::SqliteDirectoryStore::Open(db_path);
    if (!directory.ok()) return zwfw::StartupFailure(directory.status());
    zwfw::intake::SqliteCaseStoreOptions store_options;
    store_options.max_records_per_transaction = max_records;
    store_options.max_queued_records = max_queued;
    absl::StatusOr<std::unique_ptr<zwfw::intake::SqliteCaseStore>> cases =
        zwfw::intake::SqliteCaseStore::Open(db_path, store_options);
    if (!cases.ok()) return zwfw::StartupFailure(cases.status());
    sqlite_directory = *std::move(directory);
    sqlite_cases = *std::move(cases);
    trail = std::make_unique<zwfw::SqliteAuditTrail>(db_path);
    directory_store = sqlite_directory.get();
    case_store = sqlite_cases.get();
  }
  absl::StatusOr<std::unique_ptr<zwfw::intake::DirectoryCatalog>> catalog =
      zwfw::intake::DirectoryCatalog::Open(directory_store);
  if (!catalog.ok()) return zwfw::StartupFailure(catalog.status());

  zwfw::intake::CaseIntakeOptions intake_options;
  intake_options.max_batch = absl::GetFlag(FLAGS_max_batch);
  zwfw::intake::DirectoryService directory(catalog->get(), &(*host)->tokens());
  zwfw::intake::CaseIntakeService intake(catalog->get(), &*calendar, case_store,
                                         &(*host)->tokens(), intake_options);
  // The audit trail of this server's database (admin only).
  zwfw::AuditService audit(&(*host)->tokens(), trail.get());
  return (*host)->Run({&directory, &intake, &audit});
}

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
  absl::Status sqlite_only = zwfw::RefusePostgres(**host);
  if (!sqlite_only.ok()) return zwfw::StartupFailure(sqlite_only);

  absl::StatusOr<zwfw::Calendar> calendar =
      zwfw::Calendar::LoadDirectory(config.calendar_dir);
  if (!calendar.ok()) return zwfw::StartupFailure(calendar.status());

  const std::string db_path = (*host)->DataPath("intake.db");
  absl::StatusOr<std::unique_ptr<zwfw::intake::SqliteDirectoryStore>>
      directory_store = zwfw::intake::SqliteDirectoryStore::Open(db_path);
  if (!directory_store.ok())
    return zwfw::StartupFailure(directory_store.status());
  absl::StatusOr<std::unique_ptr<zwfw::intake::DirectoryCatalog>> catalog =
      zwfw::intake::DirectoryCatalog::Open(directory_store->get());
  if (!catalog.ok()) return zwfw::StartupFailure(catalog.status());

  zwfw::intake::SqliteCaseStoreOptions store_options;
  store_options.max_records_per_transaction =
      absl::GetFlag(FLAGS_max_records_per_transaction);
  store_options.max_queued_records = absl::GetFlag(FLAGS_max_queued_records);
  absl::StatusOr<std::unique_ptr<zwfw::intake::SqliteCaseStore>> cases =
      zwfw::intake::SqliteCaseStore::Open(db_path, store_options);
  if (!cases.ok()) return zwfw::StartupFailure(cases.status());

  zwfw::intake::CaseIntakeOptions intake_options;
  intake_options.max_batch = absl::GetFlag(FLAGS_max_batch);
  zwfw::intake::DirectoryService directory(catalog->get(), &(*host)->tokens());
  zwfw::intake::CaseIntakeService intake(catalog->get(), &*calendar,
                                         cases->get(), &(*host)->tokens(),
                                         intake_options);
  // The audit trail of this server's database (admin only).
  zwfw::SqliteAuditTrail trail((*host)->DataPath("intake.db"));
  zwfw::AuditService audit(&(*host)->tokens(), &trail);
  return (*host)->Run({&directory, &intake, &audit});
}

// A server's store, on the database its flags name: PostgreSQL when
// --database is set (the version followed by LISTEN, so every replica's
// Changes/Watch sees every replica's writes), else the SQLite file in
// --data_dir; and the audit trail of the same database.
//
//   absl::StatusOr<OpenedStore<BulletinStore>> opened =
//       OpenStore<BulletinStore, PgBulletinStore, SqliteBulletinStore>(
//           **host, "bulletin.db");
#ifndef ZWFW_SERVICES_COMMON_STORE_CHOICE_H_
#define ZWFW_SERVICES_COMMON_STORE_CHOICE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/audit_service.h"
#include "services/common/pg_audit_log.h"
#include "services/common/server.h"

namespace zwfw {

template <typename Store>
struct OpenedStore {
  std::unique_ptr<Store> store;
  std::unique_ptr<AuditTrail> trail;
};

// The PostgreSQL half of OpenStore, for a server whose SQLite stores
// differ in shape from its one PostgreSQL store (intake): PgStore::Open(
// the --database options, extra...), its version followed by LISTEN, and
// the audit trail of the same database.
template <typename PgStore, typename... Extra>
absl::StatusOr<OpenedStore<PgStore>> OpenPgStore(ServerHost& host,
                                                 const Extra&... extra) {
  absl::StatusOr<std::unique_ptr<PgStore>> pg =
      PgStore::Open(host.DatabaseOptions(), extra...);
  if (!pg.ok()) return pg.status();
  absl::Status following = (*pg)->database().FollowVersion();
  if (!following.ok()) return following;
  OpenedStore<PgStore> opened;
  opened.trail = std::make_unique<PgAuditTrail>(&(*pg)->database());
  opened.store = *std::move(pg);
  return opened;
}

// PgStore: static Open(const PgOptions&) and database(); SqliteStore:
// static Open(path). `file` is the SQLite file's name in --data_dir.
template <typename Store, typename PgStore, typename SqliteStore>
absl::StatusOr<OpenedStore<Store>> OpenStore(ServerHost& host,
                                             const std::string& file) {
  OpenedStore<Store> opened;
  if (host.OnPostgres()) {
    absl::StatusOr<OpenedStore<PgStore>> pg = OpenPgStore<PgStore>(host);
    if (!pg.ok()) return pg.status();
    opened.store = std::move(pg->store);
    opened.trail = std::move(pg->trail);
    return opened;
  }
  absl::StatusOr<std::unique_ptr<SqliteStore>> sqlite =
      SqliteStore::Open(host.DataPath(file));
  if (!sqlite.ok()) return sqlite.status();
  opened.trail = std::make_unique<SqliteAuditTrail>(host.DataPath(file));
  opened.store = *std::move(sqlite);
  return opened;
}

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_STORE_CHOICE_H_

// The directory in SQLite tables (departments, department_aliases, windows,
// staff, service_items) of the intake database, replaced as a whole in one
// transaction.
#ifndef ZWFW_SERVICES_INTAKE_SQLITE_DIRECTORY_STORE_H_
#define ZWFW_SERVICES_INTAKE_SQLITE_DIRECTORY_STORE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/common/sqlite.h"
#include "services/intake/directory_store.h"

namespace zwfw::intake {

class SqliteDirectoryStore : public DirectoryStore {
 public:
  // Opens (creating and migrating when needed) the intake database at
  // `path` with a connection of its own. Thread-safe.
  static absl::StatusOr<std::unique_ptr<SqliteDirectoryStore>> Open(
      const std::string& path);

  absl::Status Replace(const zwfw::v1::DirectorySnapshot& snapshot,
                       int64_t version, const Actor& actor) override;
  absl::StatusOr<StoredDirectory> Load() override;
  absl::StatusOr<int64_t> StoredVersion() override;

 private:
  explicit SqliteDirectoryStore(std::unique_ptr<Database> db)
      : db_(std::move(db)) {}
  absl::StatusOr<int64_t> Version() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_SQLITE_DIRECTORY_STORE_H_

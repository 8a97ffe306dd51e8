// Where the directory is kept: SQLite (SqliteDirectoryStore) or the shared
// PostgreSQL database (PgIntakeStore); tests may use another
// implementation. Replace may refuse a version that is not newer than the
// stored one (ABORTED: another replica imported meanwhile); OnReplaced
// tells a shared store's readers when to reload.
#ifndef ZWFW_SERVICES_INTAKE_DIRECTORY_STORE_H_
#define ZWFW_SERVICES_INTAKE_DIRECTORY_STORE_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "services/common/audit_log.h"
#include "zwfw/v1/directory.pb.h"

namespace zwfw::intake {

struct StoredDirectory {
  zwfw::v1::DirectorySnapshot snapshot;
  int64_t version = 0;  // 0: nothing imported yet
};

class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;

  // Replaces the stored directory with `snapshot` (already validated) and
  // its version, all or nothing, durably, with `actor`'s entry in the audit
  // trail (audit_log.h) in the same transaction.
  virtual absl::Status Replace(const zwfw::v1::DirectorySnapshot& snapshot,
                               int64_t version, const Actor& actor) = 0;

  // The stored directory; an empty one at version 0 before any import.
  virtual absl::StatusOr<StoredDirectory> Load() = 0;

  // The stored directory's version alone (0 before any import): cheap, so
  // a replica can ask whether another one has imported since it loaded.
  virtual absl::StatusOr<int64_t> StoredVersion() = 0;

  // A store shared by replicas calls `callback` (from any thread; it must
  // be quick) whenever another replica may have replaced the directory,
  // and returns true. A store of this process alone returns false and
  // never calls it: only Replace changes it.
  virtual bool OnReplaced(std::function<void()> callback) {
    (void)callback;
    return false;
  }
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_DIRECTORY_STORE_H_

// Where the directory is kept: SQLite (SqliteDirectoryStore) or the shared
// PostgreSQL database (PgIntakeStore); tests may use another
// implementation. Replace may refuse a version that is not newer than the
// stored one (ABORTED: another replica imported meanwhile).
#ifndef ZWFW_SERVICES_INTAKE_DIRECTORY_STORE_H_
#define ZWFW_SERVICES_INTAKE_DIRECTORY_STORE_H_

#include <cstdint>

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
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_DIRECTORY_STORE_H_

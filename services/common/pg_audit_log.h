// The audit trail (audit_log.h) in a service's PostgreSQL schema: the same
// rows, chain and checks as in SQLite. AppendPgAudit runs inside the
// caller's PgDatabase::Write, which holds the schema's version row: the
// writes of all replicas append one after another, so the chain has no
// fork.
#ifndef ZWFW_SERVICES_COMMON_PG_AUDIT_LOG_H_
#define ZWFW_SERVICES_COMMON_PG_AUDIT_LOG_H_

#include <string>
#include <vector>

#include "services/common/audit_log.h"
#include "services/common/audit_service.h"
#include "services/common/postgres.h"

namespace zwfw {

// The migration each PostgreSQL store appends to its own list: the table,
// and triggers that refuse UPDATE, DELETE and TRUNCATE.
const std::string& PgAuditLogMigration();

absl::Status AppendPgAudit(PgConnection& conn, const Actor& actor,
                           absl::Time at, const std::vector<std::string>& keys);

class PgAuditTrail final : public AuditTrail {
 public:
  explicit PgAuditTrail(PgDatabase* db) : db_(db) {}
  absl::StatusOr<std::vector<AuditEntry>> List(int64_t after_seq,
                                               int limit) override;
  absl::StatusOr<AuditVerdict> Verify() override;

 private:
  PgDatabase* const db_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_PG_AUDIT_LOG_H_

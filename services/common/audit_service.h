// zwfw.v1.Audit over a server's own database (audit_log.h): admin only.
// The trail is read through AuditTrail: SqliteAuditTrail (each call opens
// its own connection: audits are rare) or PgAuditTrail (pg_audit_log.h).
// Thread-safe.
#ifndef ZWFW_SERVICES_COMMON_AUDIT_SERVICE_H_
#define ZWFW_SERVICES_COMMON_AUDIT_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/audit_log.h"
#include "services/common/auth.h"
#include "zwfw/v1/audit.grpc.pb.h"

namespace zwfw {

class AuditTrail {
 public:
  virtual ~AuditTrail() = default;
  // Up to `limit` entries after `after_seq`, oldest first.
  virtual absl::StatusOr<std::vector<AuditEntry>> List(int64_t after_seq,
                                                       int limit) = 0;
  virtual absl::StatusOr<AuditVerdict> Verify() = 0;
};

class SqliteAuditTrail final : public AuditTrail {
 public:
  // `db_path`: the SQLite file whose audit_log it reads.
  explicit SqliteAuditTrail(std::string db_path)
      : db_path_(std::move(db_path)) {}
  absl::StatusOr<std::vector<AuditEntry>> List(int64_t after_seq,
                                               int limit) override;
  absl::StatusOr<AuditVerdict> Verify() override;

 private:
  const std::string db_path_;
};

class AuditService final : public zwfw::v1::Audit::Service {
 public:
  // `tokens` and `trail` must outlive the service.
  AuditService(TokenStore* tokens, AuditTrail* trail)
      : tokens_(tokens), trail_(trail) {}

  grpc::Status ListAudit(grpc::ServerContext* context,
                         const zwfw::v1::ListAuditRequest* request,
                         zwfw::v1::ListAuditResponse* response) override;
  grpc::Status VerifyAudit(grpc::ServerContext* context,
                           const zwfw::v1::VerifyAuditRequest* request,
                           zwfw::v1::VerifyAuditResponse* response) override;

 private:
  TokenStore* const tokens_;
  AuditTrail* const trail_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_AUDIT_SERVICE_H_

// zwfw.v1.Audit over a server's own database (audit_log.h): admin only.
// Thread-safe: each call opens its own connection (audits are rare).
#ifndef ZWFW_SERVICES_COMMON_AUDIT_SERVICE_H_
#define ZWFW_SERVICES_COMMON_AUDIT_SERVICE_H_

#include <string>

#include "services/common/auth.h"
#include "zwfw/v1/audit.grpc.pb.h"

namespace zwfw {

class AuditService final : public zwfw::v1::Audit::Service {
 public:
  // `tokens` must outlive the service; `db_path` is the SQLite file whose
  // audit_log it reads.
  AuditService(TokenStore* tokens, std::string db_path)
      : tokens_(tokens), db_path_(std::move(db_path)) {}

  grpc::Status ListAudit(grpc::ServerContext* context,
                         const zwfw::v1::ListAuditRequest* request,
                         zwfw::v1::ListAuditResponse* response) override;
  grpc::Status VerifyAudit(grpc::ServerContext* context,
                           const zwfw::v1::VerifyAuditRequest* request,
                           zwfw::v1::VerifyAuditResponse* response) override;

 private:
  TokenStore* const tokens_;
  const std::string db_path_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_AUDIT_SERVICE_H_

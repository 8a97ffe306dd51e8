#include "services/common/audit_service.h"

#include "absl/strings/str_cat.h"
#include "services/common/audit_log.h"
#include "services/common/proto_time.h"
#include "services/common/rpc_handler.h"

namespace zwfw {
namespace {

constexpr int kDefaultPage = 100;
constexpr int kMaxPage = 1000;

}  // namespace

absl::StatusOr<std::vector<AuditEntry>> SqliteAuditTrail::List(
    int64_t after_seq, int limit) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(db_path_);
  if (!db.ok()) return db.status();
  return zwfw::ListAudit(**db, after_seq, limit);
}

absl::StatusOr<AuditVerdict> SqliteAuditTrail::Verify() {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(db_path_);
  if (!db.ok()) return db.status();
  return zwfw::VerifyAudit(**db);
}

grpc::Status AuditService::ListAudit(grpc::ServerContext* context,
                                     const zwfw::v1::ListAuditRequest* request,
                                     zwfw::v1::ListAuditResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListAudit", {Role::kAdmin},
      [&](const Principal&) -> absl::Status {
        if (request->page_size() < 0 || request->page_size() > kMaxPage) {
          return absl::InvalidArgumentError(
              absl::StrCat("page_size: must be 0 to ", kMaxPage));
        }
        absl::StatusOr<std::vector<AuditEntry>> entries = trail_->List(
            request->after_seq(),
            request->page_size() == 0 ? kDefaultPage : request->page_size());
        if (!entries.ok()) return entries.status();
        for (const AuditEntry& e : *entries) {
          zwfw::v1::AuditRecord* r = response->add_entries();
          r->set_seq(e.seq);
          *r->mutable_at() = ToProto(e.at);
          r->set_who(e.who);
          r->set_rpc(e.rpc);
          for (const std::string& k : e.keys) r->add_keys(k);
          r->set_reason(e.reason);
          r->set_prev_hash(e.prev_hash);
          r->set_hash(e.hash);
        }
        return absl::OkStatus();
      });
}

grpc::Status AuditService::VerifyAudit(
    grpc::ServerContext* context, const zwfw::v1::VerifyAuditRequest*,
    zwfw::v1::VerifyAuditResponse* response) {
  return HandleRpc(*tokens_, *context, "VerifyAudit", {Role::kAdmin},
                   [&](const Principal&) -> absl::Status {
                     absl::StatusOr<AuditVerdict> verdict = trail_->Verify();
                     if (!verdict.ok()) return verdict.status();
                     response->set_entries(verdict->entries);
                     response->set_intact(verdict->problem.empty());
                     response->set_problem(verdict->problem);
                     response->set_head_hash(verdict->head_hash);
                     return absl::OkStatus();
                   });
}

}  // namespace zwfw

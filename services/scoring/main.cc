// The scoring server: rules, adjustments, awards and monthly scorecards.
// Flags, wiring and the server; nothing else.
#include <memory>

#include "services/common/audit_service.h"
#include "services/common/auth.h"
#include "services/common/intake_client.h"
#include "services/common/server.h"
#include "services/common/store_choice.h"
#include "services/scoring/pg_scoring_store.h"
#include "services/scoring/scoring_service.h"
#include "services/scoring/sources.h"
#include "services/scoring/sqlite_scoring_store.h"

int main(int argc, char** argv) {
  zwfw::ServerConfig config =
      zwfw::ParseServerFlags(argc, argv, "scoring", "127.0.0.1:50053");
  absl::StatusOr<std::unique_ptr<zwfw::ServerHost>> host =
      zwfw::ServerHost::Create(config);
  if (!host.ok()) return zwfw::StartupFailure(host.status());
  absl::StatusOr<std::string> service_token =
      zwfw::ReadServiceToken(config.service_token_file);
  if (!service_token.ok()) return zwfw::StartupFailure(service_token.status());

  // SQLite under --data_dir, or the shared PostgreSQL of --database.
  absl::StatusOr<zwfw::OpenedStore<zwfw::scoring::ScoringStore>> store =
      zwfw::OpenStore<zwfw::scoring::ScoringStore,
                      zwfw::scoring::PgScoringStore,
                      zwfw::scoring::SqliteScoringStore>(**host, "scoring.db");
  if (!store.ok()) return zwfw::StartupFailure(store.status());
  absl::StatusOr<std::unique_ptr<zwfw::IntakeClient>> intake =
      zwfw::IntakeClient::ForServer(config, *service_token);
  if (!intake.ok()) return zwfw::StartupFailure(intake.status());
  absl::StatusOr<std::unique_ptr<zwfw::SurveyClient>> survey =
      zwfw::SurveyClient::ForServer(config, *service_token);
  if (!survey.ok()) return zwfw::StartupFailure(survey.status());
  zwfw::scoring::GrpcScoringSources sources(intake->get(), survey->get());

  zwfw::scoring::ScoringService scoring(store->store.get(), &sources,
                                        &(*host)->tokens(), (*host)->cache());
  // The audit trail of this server's database (admin only).
  zwfw::AuditService audit(&(*host)->tokens(), store->trail.get());
  return (*host)->Run({&scoring, &audit});
}

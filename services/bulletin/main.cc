// The bulletin server: drafts, renders, published versions. Flags, wiring
// and the server; nothing else.
#include <memory>

#include "absl/flags/flag.h"
#include "services/bulletin/bulletin_service.h"
#include "services/bulletin/pg_bulletin_store.h"
#include "services/bulletin/sources.h"
#include "services/bulletin/sqlite_bulletin_store.h"
#include "services/common/audit_service.h"
#include "services/common/auth.h"
#include "services/common/intake_client.h"
#include "services/common/server.h"
#include "services/common/store_choice.h"

ABSL_FLAG(std::string, pdf_body_font, "Noto Serif CJK SC",
          "PDF body font family (仿宋_GB2312 where installed)");
ABSL_FLAG(std::string, pdf_title_font, "Noto Serif CJK SC Bold",
          "PDF title and issuing-mark font (方正小标宋 where installed)");
ABSL_FLAG(std::string, pdf_heading_font, "Noto Sans CJK SC",
          "PDF heading font (黑体)");
ABSL_FLAG(std::string, pdf_lead_font, "Noto Serif CJK SC",
          "PDF font of the lead sentences (楷体)");
ABSL_FLAG(int64_t, large_class_above, 1000,
          "attachment table: the largest volume class starts above this");
ABSL_FLAG(int64_t, medium_class_above, 100,
          "attachment table: the middle volume class starts above this");

int main(int argc, char** argv) {
  zwfw::ServerConfig config =
      zwfw::ParseServerFlags(argc, argv, "bulletin", "127.0.0.1:50054");
  absl::StatusOr<std::unique_ptr<zwfw::ServerHost>> host =
      zwfw::ServerHost::Create(config);
  if (!host.ok()) return zwfw::StartupFailure(host.status());
  absl::StatusOr<std::string> service_token =
      zwfw::ReadServiceToken(config.service_token_file);
  if (!service_token.ok()) return zwfw::StartupFailure(service_token.status());

  // SQLite under --data_dir, or the shared PostgreSQL of --database.
  absl::StatusOr<zwfw::OpenedStore<zwfw::bulletin::BulletinStore>> store =
      zwfw::OpenStore<zwfw::bulletin::BulletinStore,
                      zwfw::bulletin::PgBulletinStore,
                      zwfw::bulletin::SqliteBulletinStore>(**host,
                                                           "bulletin.db");
  if (!store.ok()) return zwfw::StartupFailure(store.status());
  absl::StatusOr<std::unique_ptr<zwfw::IntakeClient>> intake =
      zwfw::IntakeClient::ForServer(config, *service_token);
  if (!intake.ok()) return zwfw::StartupFailure(intake.status());
  absl::StatusOr<std::unique_ptr<zwfw::SurveyClient>> survey =
      zwfw::SurveyClient::ForServer(config, *service_token);
  if (!survey.ok()) return zwfw::StartupFailure(survey.status());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> scoring_channel =
      zwfw::ClientChannel(config, config.scoring);
  if (!scoring_channel.ok()) {
    return zwfw::StartupFailure(scoring_channel.status());
  }
  zwfw::bulletin::GrpcBulletinSources sources(intake->get(), survey->get(),
                                              *scoring_channel, config.scoring,
                                              *service_token);
  zwfw::bulletin::BulletinOptions options;
  options.fonts.body = absl::GetFlag(FLAGS_pdf_body_font);
  options.fonts.title = absl::GetFlag(FLAGS_pdf_title_font);
  options.fonts.heading = absl::GetFlag(FLAGS_pdf_heading_font);
  options.fonts.lead = absl::GetFlag(FLAGS_pdf_lead_font);
  options.composer.volume_classes.large_above =
      absl::GetFlag(FLAGS_large_class_above);
  options.composer.volume_classes.medium_above =
      absl::GetFlag(FLAGS_medium_class_above);
  zwfw::bulletin::BulletinService bulletin(store->store.get(), &sources,
                                           &(*host)->tokens(), (*host)->cache(),
                                           options);
  // The audit trail of this server's database (admin only).
  zwfw::AuditService audit(&(*host)->tokens(), store->trail.get());
  return (*host)->Run({&bulletin, &audit});
}

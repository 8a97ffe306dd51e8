// The survey server: evaluations, return visits, rectifications and their
// statistics. Flags, wiring and the server; nothing else.
#include <memory>

#include "absl/flags/flag.h"
#include "services/common/audit_service.h"
#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/intake_client.h"
#include "services/common/server.h"
#include "services/common/store_choice.h"
#include "services/survey/pg_survey_store.h"
#include "services/survey/rating_sources.h"
#include "services/survey/sqlite_survey_store.h"
#include "services/survey/survey_rules.h"
#include "services/survey/survey_service.h"

ABSL_FLAG(int, rectification_days, 5,
          "working days a department has to rectify a bad rating");
ABSL_FLAG(std::string, satisfied_levels, "3,4,5",
          "ratings counted as satisfied in 满意率");
ABSL_FLAG(int, walk_in_daily_cap, zwfw::survey::kDefaultWalkInDailyCap,
          "walk-in ratings (without a case) one window device may submit a "
          "day (CST); 0: no cap");

int main(int argc, char** argv) {
  zwfw::ServerConfig config =
      zwfw::ParseServerFlags(argc, argv, "survey", "127.0.0.1:50052");
  absl::StatusOr<std::unique_ptr<zwfw::ServerHost>> host =
      zwfw::ServerHost::Create(config);
  if (!host.ok()) return zwfw::StartupFailure(host.status());
  absl::StatusOr<std::string> service_token =
      zwfw::ReadServiceToken(config.service_token_file);
  if (!service_token.ok()) return zwfw::StartupFailure(service_token.status());
  absl::StatusOr<zwfw::Calendar> calendar =
      zwfw::Calendar::LoadDirectory(config.calendar_dir);
  if (!calendar.ok()) return zwfw::StartupFailure(calendar.status());
  absl::StatusOr<zwfw::SatisfiedLevels> levels =
      zwfw::SatisfiedLevels::Parse(absl::GetFlag(FLAGS_satisfied_levels));
  if (!levels.ok()) return zwfw::StartupFailure(levels.status());

  // SQLite under --data_dir, or the shared PostgreSQL of --database.
  absl::StatusOr<zwfw::OpenedStore<zwfw::survey::SurveyStore>> store =
      zwfw::OpenStore<zwfw::survey::SurveyStore, zwfw::survey::PgSurveyStore,
                      zwfw::survey::SqliteSurveyStore>(**host, "survey.db");
  if (!store.ok()) return zwfw::StartupFailure(store.status());
  absl::StatusOr<std::unique_ptr<zwfw::IntakeClient>> intake =
      zwfw::IntakeClient::ForServer(config, *service_token);
  if (!intake.ok()) return zwfw::StartupFailure(intake.status());

  zwfw::survey::SurveyOptions options;
  options.rectification_days = absl::GetFlag(FLAGS_rectification_days);
  options.satisfied_levels = *levels;
  options.walk_in_daily_cap = absl::GetFlag(FLAGS_walk_in_daily_cap);
  if (options.walk_in_daily_cap < 0) {
    return zwfw::StartupFailure(absl::InvalidArgumentError(
        "--walk_in_daily_cap must be 0 (no cap) or more"));
  }
  zwfw::survey::SurveyService survey(
      intake->get(), intake->get(), intake->get(), &*calendar,
      store->store.get(), &(*host)->tokens(), options);
  // The audit trail of this server's database (admin only).
  zwfw::AuditService audit(&(*host)->tokens(), store->trail.get());
  return (*host)->Run({&survey, &audit});
}

#include "tools/migrate/service_moves.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/bulletin/pg_bulletin_store.h"
#include "services/bulletin/sqlite_bulletin_store.h"
#include "services/intake/pg_intake_store.h"
#include "services/intake/sqlite_case_store.h"
#include "services/intake/sqlite_directory_store.h"
#include "services/scoring/pg_scoring_store.h"
#include "services/scoring/sqlite_scoring_store.h"
#include "services/survey/pg_survey_store.h"
#include "services/survey/sqlite_survey_store.h"

namespace zwfw::migrate {
namespace {

template <typename Store>
class StoreTarget final : public PgTarget {
 public:
  explicit StoreTarget(std::unique_ptr<Store> store)
      : store_(std::move(store)) {}
  PgDatabase& database() override { return store_->database(); }

 private:
  std::unique_ptr<Store> store_;
};

template <typename SqliteStore>
absl::Status Upgrade(const std::string& path) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  return store.status();
}

template <typename PgStore>
absl::StatusOr<std::unique_ptr<PgTarget>> OpenTarget(const PgOptions& options) {
  absl::StatusOr<std::unique_ptr<PgStore>> store = PgStore::Open(options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<PgTarget>(new StoreTarget<PgStore>(*std::move(store)));
}

template <typename SqliteStore, typename PgStore>
ServiceMove MoveBetween(const std::string& service) {
  ServiceMove move;
  move.service = service;
  move.sqlite_file = service + ".db";
  move.upgrade_sqlite = Upgrade<SqliteStore>;
  move.open_postgres = OpenTarget<PgStore>;
  return move;
}

// Intake's SQLite file keeps the directory in tables of its parts; its
// PostgreSQL store keeps the snapshot whole in one row with its version
// (pg_intake_store.cc), and replicas reload it on the "directory" notice.
absl::StatusOr<int64_t> CopyDirectory(Database& from, PgDatabase& db,
                                      PgConnection& to) {
  absl::StatusOr<std::unique_ptr<intake::SqliteDirectoryStore>> directory =
      intake::SqliteDirectoryStore::Open(from.path());
  if (!directory.ok()) return directory.status();
  absl::StatusOr<intake::StoredDirectory> stored = (*directory)->Load();
  if (!stored.ok()) return stored.status();
  if (stored->version == 0) return 0;  // never imported
  absl::Status s = to.Run("INSERT INTO directory VALUES (1, $1, $2)",
                          PgParams()
                              .Int(stored->version)
                              .Bytes(stored->snapshot.SerializeAsString()));
  if (!s.ok()) return s;
  s = db.Notify(to, "directory");
  if (!s.ok()) return s;
  return 1;
}

ServiceMove IntakeMove() {
  ServiceMove move =
      MoveBetween<intake::SqliteCaseStore, intake::PgIntakeStore>("intake");
  for (const char* table : {"meta", "departments", "department_aliases",
                            "windows", "staff", "service_items"}) {
    move.plan.not_copied[table] =
        "the directory: carried whole into table directory";
  }
  move.plan.renamed["corrections.made_by"] = "by";
  move.plan.filled_by_step = {"directory"};
  move.plan.step = CopyDirectory;
  return move;
}

}  // namespace

const std::vector<std::string>& MovableServices() {
  static const auto* const services =
      new std::vector<std::string>{"intake", "survey", "scoring", "bulletin"};
  return *services;
}

absl::StatusOr<ServiceMove> MoveOf(absl::string_view service) {
  if (service == "intake") return IntakeMove();
  if (service == "survey") {
    return MoveBetween<survey::SqliteSurveyStore, survey::PgSurveyStore>(
        "survey");
  }
  if (service == "scoring") {
    return MoveBetween<scoring::SqliteScoringStore, scoring::PgScoringStore>(
        "scoring");
  }
  if (service == "bulletin") {
    return MoveBetween<bulletin::SqliteBulletinStore,
                       bulletin::PgBulletinStore>("bulletin");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("service \"", service, "\" is not one of ",
                   absl::StrJoin(MovableServices(), ", ")));
}

}  // namespace zwfw::migrate

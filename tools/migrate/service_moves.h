// What moving each service from SQLite to PostgreSQL takes: its SQLite
// file's name, how its server opens that file and its PostgreSQL schema
// (each store's own Open, so migrations and backfills run exactly as at a
// server's start), and the plan for CopyIntoPostgres: which SQLite tables
// are carried another way (intake's directory) and which columns changed
// name. A table added to both stores later needs nothing here; one added
// to one store only makes the copy fail, naming it, until it is.
//
//   absl::StatusOr<ServiceMove> move = MoveOf("survey");
#ifndef ZWFW_TOOLS_MIGRATE_SERVICE_MOVES_H_
#define ZWFW_TOOLS_MIGRATE_SERVICE_MOVES_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/postgres.h"
#include "tools/migrate/sqlite_to_postgres.h"

namespace zwfw::migrate {

// A service's PostgreSQL store, opened and migrated; the copy goes through
// its database.
class PgTarget {
 public:
  virtual ~PgTarget() = default;
  virtual PgDatabase& database() = 0;
};

struct ServiceMove {
  std::string service;      // also its schema: "intake"
  std::string sqlite_file;  // in the server's --data_dir: "intake.db"
  // Opens the file as the server would (rolling its schema forward), then
  // closes it.
  std::function<absl::Status(const std::string& path)> upgrade_sqlite;
  // Opens the service's PostgreSQL store (options.schema is the service's).
  std::function<absl::StatusOr<std::unique_ptr<PgTarget>>(const PgOptions&)>
      open_postgres;
  CopyPlan plan;
};

// The services, in the order a deployment moves them.
const std::vector<std::string>& MovableServices();

// INVALID_ARGUMENT naming the services for any other name.
absl::StatusOr<ServiceMove> MoveOf(absl::string_view service);

}  // namespace zwfw::migrate

#endif  // ZWFW_TOOLS_MIGRATE_SERVICE_MOVES_H_

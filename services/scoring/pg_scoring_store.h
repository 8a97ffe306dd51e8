// The store in a shared PostgreSQL database (postgres.h): the schema
// "scoring", the same tables as in SQLite. Every write runs under the
// schema's version row, so the frozen check and the write it guards are
// one step for all replicas: nothing lands in a period another replica has
// just frozen, and a period is frozen once. Thread-safe.
#ifndef ZWFW_SERVICES_SCORING_PG_SCORING_STORE_H_
#define ZWFW_SERVICES_SCORING_PG_SCORING_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/postgres.h"
#include "services/scoring/scoring_store.h"

namespace zwfw::scoring {

class PgScoringStore final : public ScoringStore {
 public:
  // Connects and migrates (postgres.h, PgDatabase::Open).
  static absl::StatusOr<std::unique_ptr<PgScoringStore>> Open(
      const PgOptions& options);

  absl::StatusOr<zwfw::v1::ScoringRules> AddRules(
      zwfw::v1::ScoringRules rules) override;
  absl::StatusOr<std::optional<zwfw::v1::ScoringRules>> GetRules(
      int64_t version) override;
  absl::StatusOr<zwfw::v1::Adjustment> AddAdjustment(
      zwfw::v1::Adjustment adjustment) override;
  absl::StatusOr<std::vector<zwfw::v1::Adjustment>> ListAdjustments(
      const std::string& period, const std::string& department_code,
      bool include_removed) override;
  absl::Status RemoveAdjustment(int64_t adjustment_id, const std::string& who,
                                absl::Time when) override;
  absl::Status SetAwards(const std::string& period, const Awards& awards,
                         const Actor& actor, absl::Time now) override;
  absl::StatusOr<Awards> GetAwards(const std::string& period) override;
  absl::StatusOr<zwfw::v1::Scorecard> Freeze(zwfw::v1::Scorecard scorecard,
                                             const Actor& actor) override;
  absl::StatusOr<std::optional<zwfw::v1::Scorecard>> GetFrozen(
      const std::string& period) override;
  absl::StatusOr<int64_t> PeriodVersion(const std::string& period) override;

  PgDatabase& database() { return *db_; }

 private:
  explicit PgScoringStore(std::unique_ptr<PgDatabase> db)
      : db_(std::move(db)) {}

  const std::unique_ptr<PgDatabase> db_;
};

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_PG_SCORING_STORE_H_

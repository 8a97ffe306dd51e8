// Where scoring keeps its rule versions, adjustments, confirmed awards and
// frozen scorecards. Once a period is frozen nothing of it changes: the
// store refuses, in the same transaction as the check.
//
// Every method is one transaction. Implementations are thread-safe:
// SqliteScoringStore (sqlite_scoring_store.h) and PgScoringStore
// (pg_scoring_store.h), which several replicas share.
#ifndef ZWFW_SERVICES_SCORING_SCORING_STORE_H_
#define ZWFW_SERVICES_SCORING_SCORING_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/audit_log.h"
#include "zwfw/v1/scoring.pb.h"

namespace zwfw::scoring {

struct Awards {
  std::vector<zwfw::v1::Award> windows, staff;
};

// What every store answers a write into a frozen period.
absl::Status FrozenPeriodError(const std::string& period);
// Awards are stored as a Scorecard holding only them.
zwfw::v1::Scorecard AwardsRecord(const Awards& awards);
Awards AwardsOf(const zwfw::v1::Scorecard& record);

class ScoringStore {
 public:
  virtual ~ScoringStore() = default;

  // Stores `rules` as the next version (version, set_at and set_by must be
  // filled by the caller except version, assigned here).
  virtual absl::StatusOr<zwfw::v1::ScoringRules> AddRules(
      zwfw::v1::ScoringRules rules) = 0;
  // A version, or the latest for 0; nullopt when there is none.
  virtual absl::StatusOr<std::optional<zwfw::v1::ScoringRules>> GetRules(
      int64_t version) = 0;

  // FAILED_PRECONDITION when the period is frozen. Assigns the id.
  virtual absl::StatusOr<zwfw::v1::Adjustment> AddAdjustment(
      zwfw::v1::Adjustment adjustment) = 0;
  // The period's adjustments in force (and, with `include_removed`, the
  // removed ones, which carry who removed them and when).
  virtual absl::StatusOr<std::vector<zwfw::v1::Adjustment>> ListAdjustments(
      const std::string& period, const std::string& department_code,
      bool include_removed) = 0;
  // Marks the adjustment removed by `who` at `when`: it stops counting but
  // stays on record. NOT_FOUND (also when already removed), or
  // FAILED_PRECONDITION when its period is frozen.
  virtual absl::Status RemoveAdjustment(int64_t adjustment_id,
                                        const std::string& who,
                                        absl::Time when) = 0;

  // FAILED_PRECONDITION when the period is frozen. Every write appends
  // its entry to the audit trail (audit_log.h) in its transaction.
  virtual absl::Status SetAwards(const std::string& period,
                                 const Awards& awards, const Actor& actor,
                                 absl::Time now) = 0;
  virtual absl::StatusOr<Awards> GetAwards(const std::string& period) = 0;

  // Stores the scorecard as the period's final one, unless one is already
  // stored: returns the stored one either way.
  virtual absl::StatusOr<zwfw::v1::Scorecard> Freeze(
      zwfw::v1::Scorecard scorecard, const Actor& actor) = 0;
  virtual absl::StatusOr<std::optional<zwfw::v1::Scorecard>> GetFrozen(
      const std::string& period) = 0;

  // Changes with every adjustment or award change of the period (for
  // cache keys).
  virtual absl::StatusOr<int64_t> PeriodVersion(const std::string& period) = 0;
};

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SCORING_STORE_H_

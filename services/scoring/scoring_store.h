// Where scoring keeps its rule versions, adjustments, confirmed awards and
// frozen scorecards. Once a period is frozen nothing of it changes: the
// store refuses, in the same transaction as the check.
#ifndef ZWFW_SERVICES_SCORING_SCORING_STORE_H_
#define ZWFW_SERVICES_SCORING_SCORING_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/sqlite.h"
#include "zwfw/v1/scoring.pb.h"

namespace zwfw::scoring {

struct Awards {
  std::vector<zwfw::v1::Award> windows, staff;
};

class ScoringStore {
 public:
  // Opens (creating and migrating) the database at `path`. Thread-safe.
  static absl::StatusOr<std::unique_ptr<ScoringStore>> Open(
      const std::string& path);

  // Stores `rules` as the next version (version, set_at and set_by must be
  // filled by the caller except version, assigned here).
  absl::StatusOr<zwfw::v1::ScoringRules> AddRules(zwfw::v1::ScoringRules rules);
  // A version, or the latest for 0; nullopt when there is none.
  absl::StatusOr<std::optional<zwfw::v1::ScoringRules>> GetRules(
      int64_t version);

  // FAILED_PRECONDITION when the period is frozen. Assigns the id.
  absl::StatusOr<zwfw::v1::Adjustment> AddAdjustment(
      zwfw::v1::Adjustment adjustment);
  // The period's adjustments in force (and, with `include_removed`, the
  // removed ones, which carry who removed them and when).
  absl::StatusOr<std::vector<zwfw::v1::Adjustment>> ListAdjustments(
      const std::string& period, const std::string& department_code,
      bool include_removed = false);
  // Marks the adjustment removed by `who` at `when`: it stops counting but
  // stays on record. NOT_FOUND (also when already removed), or
  // FAILED_PRECONDITION when its period is frozen.
  absl::Status RemoveAdjustment(int64_t adjustment_id, const std::string& who,
                                absl::Time when);

  // FAILED_PRECONDITION when the period is frozen.
  absl::Status SetAwards(const std::string& period, const Awards& awards);
  absl::StatusOr<Awards> GetAwards(const std::string& period);

  // Stores the scorecard as the period's final one, unless one is already
  // stored: returns the stored one either way.
  absl::StatusOr<zwfw::v1::Scorecard> Freeze(zwfw::v1::Scorecard scorecard);
  absl::StatusOr<std::optional<zwfw::v1::Scorecard>> GetFrozen(
      const std::string& period);

  // Changes with every adjustment or award change of the period (for
  // cache keys).
  absl::StatusOr<int64_t> PeriodVersion(const std::string& period);

 private:
  explicit ScoringStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  absl::Status CheckNotFrozen(const std::string& period)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Bump(const std::string& period)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SCORING_STORE_H_

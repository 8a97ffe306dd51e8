// The store in SQLite (one file, WAL, synchronous=FULL): one connection
// behind a mutex, so every method is one transaction that sees the last
// one's writes. Thread-safe.
#ifndef ZWFW_SERVICES_SCORING_SQLITE_SCORING_STORE_H_
#define ZWFW_SERVICES_SCORING_SQLITE_SCORING_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/sqlite.h"
#include "services/scoring/scoring_store.h"

namespace zwfw::scoring {

class SqliteScoringStore final : public ScoringStore {
 public:
  // Opens (creating and migrating when needed) the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteScoringStore>> Open(
      const std::string& path);

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

 private:
  explicit SqliteScoringStore(std::unique_ptr<Database> db)
      : db_(std::move(db)) {}
  absl::Status CheckNotFrozen(const std::string& period)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Bump(const std::string& period)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SQLITE_SCORING_STORE_H_

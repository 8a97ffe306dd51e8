// The survey store in SQLite (one file, WAL, synchronous=FULL). One
// connection behind a mutex: survey volumes are thousands a day, not
// millions. Thread-safe: every method takes the mutex for its whole
// transaction, so each sees the writes of those before it.
#ifndef ZWFW_SERVICES_SURVEY_SQLITE_SURVEY_STORE_H_
#define ZWFW_SERVICES_SURVEY_SQLITE_SURVEY_STORE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/common/sqlite.h"
#include "services/survey/survey_store.h"

namespace zwfw::survey {

class SqliteSurveyStore : public SurveyStore {
 public:
  // Opens (creating and migrating when needed) the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteSurveyStore>> Open(
      const std::string& path);

  absl::StatusOr<std::vector<WriteResult>> WriteEvaluations(
      const std::vector<PreparedEvaluation>& evaluations, const std::string& by,
      absl::Time now) override;
  absl::StatusOr<std::vector<WriteResult>> WriteReturnVisits(
      const std::vector<zwfw::v1::ReturnVisit>& visits, const std::string& by,
      absl::Time now) override;
  absl::StatusOr<std::optional<zwfw::v1::Rectification>> GetRectification(
      const std::string& evaluation_id, absl::Time now) override;
  absl::StatusOr<std::vector<zwfw::v1::Rectification>> ListRectifications(
      const RectificationQuery& query, absl::Time now) override;
  absl::StatusOr<zwfw::v1::Rectification> UpdateRectification(
      const std::string& evaluation_id,
      const zwfw::v1::RectificationEvent& event, int follow_up_rating,
      const std::function<absl::Status(const zwfw::v1::Rectification&)>& check,
      absl::Time now) override;
  absl::StatusOr<SurveyMonth> ReadMonth(const Period& period,
                                        absl::Time now) override;
  absl::StatusOr<bool> ClosePeriod(const Period& period, const std::string& by,
                                   absl::Time now) override;

 private:
  explicit SqliteSurveyStore(std::unique_ptr<Database> db)
      : db_(std::move(db)) {}

  // Helpers run inside a transaction, under mu_.
  absl::Status AddRating(const zwfw::v1::Evaluation& e, int sign)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status BumpVersion(const std::string& month)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether an evaluation of that id is stored.
  absl::StatusOr<bool> IsKnownEvaluation(const std::string& evaluation_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether `month` is closed.
  absl::StatusOr<bool> IsClosed(const std::string& month)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status AddEvent(const std::string& evaluation_id,
                        const zwfw::v1::RectificationEvent& event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::vector<zwfw::v1::Rectification>> Query(
      const std::string& where, const std::vector<std::string>& params,
      int limit, absl::Time now, bool with_events)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The statement in `slot`, prepared on first use (they run per record).
  absl::StatusOr<Statement*> Cached(std::optional<Statement>& slot,
                                    const char* sql)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
  std::optional<Statement> add_rating_ ABSL_GUARDED_BY(mu_);
  std::optional<Statement> bump_version_ ABSL_GUARDED_BY(mu_);
  std::optional<Statement> add_event_ ABSL_GUARDED_BY(mu_);
  std::optional<Statement> is_closed_ ABSL_GUARDED_BY(mu_);
  std::optional<Statement> known_evaluation_ ABSL_GUARDED_BY(mu_);
  std::optional<Statement> walk_ins_ ABSL_GUARDED_BY(mu_);
  std::optional<Statement> count_walk_in_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SQLITE_SURVEY_STORE_H_

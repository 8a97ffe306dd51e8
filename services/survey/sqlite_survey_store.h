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
  absl::StatusOr<std::vector<zwfw::v1::Evaluation>> ListEvaluations(
      const ReportPeriod& period, const std::string& department_code,
      int limit) override;
  absl::StatusOr<std::vector<zwfw::v1::ReturnVisit>> ListReturnVisits(
      const ReportPeriod& period, const std::string& department_code,
      int limit) override;
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

  // The statements of survey_writes.h, under mu_ in an open transaction.
  class Writer;
  // `work` in one transaction, committed when it returns OK.
  absl::Status InTransaction(const std::function<absl::Status(Writer&)>& work)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::StatusOr<std::vector<zwfw::v1::Rectification>> Query(
      const std::string& where, const std::vector<std::string>& params,
      int limit, absl::Time now, bool with_events)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SQLITE_SURVEY_STORE_H_

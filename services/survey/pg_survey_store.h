// The survey store in a shared PostgreSQL database (postgres.h): the schema
// "survey", the same tables as in SQLite. Every write runs under the
// schema's version row, so the decisions of survey_writes.h (is the id
// known, is the case rated, is the month closed, is the window's walk-in
// cap reached, is the rectification RECTIFIED) and the write they allow
// are one step for all replicas: a rating sent to two replicas at once is
// ACCEPTED once and DUPLICATE once. Thread-safe.
#ifndef ZWFW_SERVICES_SURVEY_PG_SURVEY_STORE_H_
#define ZWFW_SERVICES_SURVEY_PG_SURVEY_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/postgres.h"
#include "services/survey/survey_store.h"

namespace zwfw::survey {

class PgSurveyStore final : public SurveyStore {
 public:
  // Connects and migrates (postgres.h, PgDatabase::Open).
  static absl::StatusOr<std::unique_ptr<PgSurveyStore>> Open(
      const PgOptions& options);

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
  absl::StatusOr<bool> ClosePeriod(const Period& period, const std::string& by,
                                   absl::Time now) override;
  absl::StatusOr<SurveyMonth> ReadMonth(const Period& period,
                                        absl::Time now) override;

  PgDatabase& database() { return *db_; }

 private:
  explicit PgSurveyStore(std::unique_ptr<PgDatabase> db) : db_(std::move(db)) {}

  const std::unique_ptr<PgDatabase> db_;
};

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_PG_SURVEY_STORE_H_

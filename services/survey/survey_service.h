// The gRPC adapter of the Survey service: authorisation, per-record
// validation, status mapping. Rules in survey_rules.h, storage behind
// SurveyStore, the directory and case counts from intake.
#ifndef ZWFW_SERVICES_SURVEY_SURVEY_SERVICE_H_
#define ZWFW_SERVICES_SURVEY_SURVEY_SERVICE_H_

#include <functional>
#include <optional>
#include <vector>

#include "absl/time/clock.h"
#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/indicators.h"
#include "services/common/intake_client.h"
#include "services/common/rating_bands.h"
#include "services/survey/rating_sources.h"
#include "services/survey/survey_store.h"
#include "zwfw/v1/survey.grpc.pb.h"

namespace zwfw::survey {

struct SurveyOptions {
  int rectification_days = 5;        // working days to rectify
  SatisfiedLevels satisfied_levels;  // 3,4,5
  // Walk-in ratings (no case) a window device may submit a CST day.
  int walk_in_daily_cap = kDefaultWalkInDailyCap;
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class SurveyService final : public zwfw::v1::Survey::Service {
 public:
  // All must outlive the service; `case_counts` may be null, and
  // `case_facts` too, when no window device or channel rates cases (their
  // ratings of cases are then UNAVAILABLE).
  SurveyService(DirectorySource* directory, CaseCountSource* case_counts,
                CaseFactSource* case_facts, const Calendar* calendar,
                SurveyStore* store, TokenStore* tokens,
                SurveyOptions options = {})
      : directory_(directory),
        case_counts_(case_counts),
        case_facts_(case_facts),
        calendar_(calendar),
        store_(store),
        tokens_(tokens),
        options_(std::move(options)) {}

  grpc::Status SubmitEvaluations(
      grpc::ServerContext* context,
      const zwfw::v1::SubmitEvaluationsRequest* request,
      zwfw::v1::SubmitEvaluationsResponse* response) override;
  grpc::Status RecordReturnVisits(
      grpc::ServerContext* context,
      const zwfw::v1::RecordReturnVisitsRequest* request,
      zwfw::v1::RecordReturnVisitsResponse* response) override;
  grpc::Status ListEvaluations(
      grpc::ServerContext* context,
      const zwfw::v1::ListEvaluationsRequest* request,
      zwfw::v1::ListEvaluationsResponse* response) override;
  grpc::Status ListReturnVisits(
      grpc::ServerContext* context,
      const zwfw::v1::ListReturnVisitsRequest* request,
      zwfw::v1::ListReturnVisitsResponse* response) override;
  grpc::Status ListRectifications(
      grpc::ServerContext* context,
      const zwfw::v1::ListRectificationsRequest* request,
      zwfw::v1::ListRectificationsResponse* response) override;
  grpc::Status UpdateRectification(
      grpc::ServerContext* context,
      const zwfw::v1::UpdateRectificationRequest* request,
      zwfw::v1::UpdateRectificationResponse* response) override;
  grpc::Status GetSatisfactionStats(
      grpc::ServerContext* context,
      const zwfw::v1::GetSatisfactionStatsRequest* request,
      zwfw::v1::GetSatisfactionStatsResponse* response) override;
  grpc::Status ClosePeriod(grpc::ServerContext* context,
                           const zwfw::v1::ClosePeriodRequest* request,
                           zwfw::v1::ClosePeriodResponse* response) override;

 private:
  // The directory code of the department a list asks for, checked against
  // who asks (a department token: its own when none is named); "" for all.
  absl::StatusOr<std::string> ListedDepartment(const Principal& who,
                                               const std::string& requested,
                                               absl::string_view what);
  // A list's `indicator`: the records its numerator (denominator) counts,
  // with the office's satisfied levels (IndicatorPlan::SurveyRecordsBehind),
  // when a list of `kind` holds them; nullopt without one. INVALID_ARGUMENT
  // for an unknown indicator, a denominator without one, or `filters` —
  // the names of explicit filters the request also set — with one;
  // FAILED_PRECONDITION saying which list holds another kind's.
  absl::StatusOr<std::optional<IndicatorSurveyRecords>> RecordsOfIndicator(
      const std::string& indicator, bool denominator,
      IndicatorSurveyRecords::Kind kind, absl::string_view filters) const;
  // Checks the ratings of cases that need it (rating_sources.h) against
  // intake in one lookup, rejects in `response` those that fail and drops
  // them from `prepared` and `positions`.
  absl::Status CheckCases(const Principal& who,
                          std::vector<PreparedEvaluation>& prepared,
                          std::vector<int>& positions,
                          zwfw::v1::SubmitEvaluationsResponse* response);

  DirectorySource* const directory_;
  CaseCountSource* const case_counts_;
  CaseFactSource* const case_facts_;
  const Calendar* const calendar_;
  SurveyStore* const store_;
  TokenStore* const tokens_;
  const SurveyOptions options_;
};

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SURVEY_SERVICE_H_

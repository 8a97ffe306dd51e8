// What scoring reads from intake and survey, behind one interface so tests
// can serve fixed figures. GrpcScoringSources reads them through the
// clients in services/common.
#ifndef ZWFW_SERVICES_SCORING_SOURCES_H_
#define ZWFW_SERVICES_SCORING_SOURCES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/intake_client.h"
#include "services/common/period.h"
#include "services/common/survey_client.h"

namespace zwfw::scoring {

class ScoringSources {
 public:
  virtual ~ScoringSources() = default;
  virtual absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Directory() = 0;
  virtual absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const ReportPeriod& period) = 0;
  virtual absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const ReportPeriod& period) = 0;
  // The period's case sums of the measures (library indicator rules).
  virtual absl::StatusOr<zwfw::v1::GetCaseSumsResponse> CaseSums(
      const ReportPeriod& period,
      const std::vector<zwfw::v1::CaseMeasure>& measures) = 0;
  // Evidence: up to `limit` ids.
  virtual absl::StatusOr<std::vector<std::string>> OvertimeCases(
      const ReportPeriod& period, const std::string& department, int limit) = 0;
  // The month's cases whose due time an approved extension moved, every
  // department's, up to `limit`.
  virtual absl::StatusOr<std::vector<zwfw::v1::Case>> ExtendedCases(
      const ReportPeriod& period, int limit) = 0;
  // Bad ratings of the month not voided by an appeal; with `overdue_only`,
  // those whose rectification is overdue.
  virtual absl::StatusOr<std::vector<std::string>> BadRatings(
      const ReportPeriod& period, const std::string& department,
      bool overdue_only, int limit) = 0;
};

class GrpcScoringSources : public ScoringSources {
 public:
  GrpcScoringSources(IntakeClient* intake, SurveyClient* survey)
      : intake_(intake), survey_(survey) {}

  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Directory() override {
    return intake_->Current();
  }
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const ReportPeriod& period) override {
    return intake_->CaseStats(period);
  }
  absl::StatusOr<zwfw::v1::GetCaseSumsResponse> CaseSums(
      const ReportPeriod& period,
      const std::vector<zwfw::v1::CaseMeasure>& measures) override {
    return intake_->CaseSums(period, measures);
  }
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const ReportPeriod& period) override {
    return survey_->Satisfaction(period);
  }
  absl::StatusOr<std::vector<std::string>> OvertimeCases(
      const ReportPeriod& period, const std::string& department,
      int limit) override {
    return intake_->OvertimeCases(period, department, limit);
  }
  absl::StatusOr<std::vector<std::string>> BadRatings(
      const ReportPeriod& period, const std::string& department,
      bool overdue_only, int limit) override {
    return survey_->BadRatings(period, department, overdue_only, limit);
  }
  absl::StatusOr<std::vector<zwfw::v1::Case>> ExtendedCases(
      const ReportPeriod& period, int limit) override {
    return intake_->ExtendedCases(period, limit);
  }

 private:
  IntakeClient* const intake_;
  SurveyClient* const survey_;
};

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SOURCES_H_

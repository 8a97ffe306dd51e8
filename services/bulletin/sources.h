// What the bulletin reads from the other services, behind one interface so
// tests can serve fixed inputs. GrpcBulletinSources reads them with a
// service token and a deadline on every call; a service that cannot be
// read is UNAVAILABLE naming it.
#ifndef ZWFW_SERVICES_BULLETIN_SOURCES_H_
#define ZWFW_SERVICES_BULLETIN_SOURCES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/intake_client.h"
#include "services/common/period.h"
#include "services/common/survey_client.h"
#include "zwfw/v1/scoring.grpc.pb.h"

namespace zwfw::bulletin {

class BulletinSources {
 public:
  virtual ~BulletinSources() = default;
  virtual absl::StatusOr<zwfw::v1::DirectorySnapshot> Directory() = 0;
  virtual absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const Period& period) = 0;
  virtual absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const Period& period) = 0;
  // A period's case sums and satisfaction counts, for the indicators.
  virtual absl::StatusOr<zwfw::v1::GetCaseSumsResponse> CaseSums(
      const ReportPeriod& period,
      const std::vector<zwfw::v1::CaseMeasure>& measures) = 0;
  virtual absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse>
  PeriodSatisfaction(const ReportPeriod& period) = 0;
  // The frozen scorecard when there is one, else a fresh computation.
  virtual absl::StatusOr<zwfw::v1::Scorecard> Scorecard(
      const Period& period) = 0;
  virtual absl::StatusOr<zwfw::v1::Scorecard> Freeze(const Period& period) = 0;
  // Closes the period in the services that hold its records, so that its
  // figures cannot move once it is published (closed_periods.h).
  virtual absl::Status ClosePeriod(const Period& period) = 0;
};

class GrpcBulletinSources : public BulletinSources {
 public:
  GrpcBulletinSources(IntakeClient* intake, SurveyClient* survey,
                      std::shared_ptr<grpc::Channel> scoring,
                      std::string scoring_address, std::string token,
                      absl::Duration deadline = absl::Seconds(20));

  absl::StatusOr<zwfw::v1::DirectorySnapshot> Directory() override;
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const Period& period) override {
    return intake_->CaseStats(ReportPeriod::Of(period));
  }
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const Period& period) override {
    return survey_->Satisfaction(ReportPeriod::Of(period));
  }
  absl::StatusOr<zwfw::v1::GetCaseSumsResponse> CaseSums(
      const ReportPeriod& period,
      const std::vector<zwfw::v1::CaseMeasure>& measures) override {
    return intake_->CaseSums(period, measures);
  }
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> PeriodSatisfaction(
      const ReportPeriod& period) override {
    return survey_->Satisfaction(period);
  }
  absl::StatusOr<zwfw::v1::Scorecard> Scorecard(const Period& period) override;
  absl::StatusOr<zwfw::v1::Scorecard> Freeze(const Period& period) override;
  // Intake first, then survey: both before anything is read.
  absl::Status ClosePeriod(const Period& period) override {
    absl::Status s = intake_->ClosePeriod(period);
    return s.ok() ? survey_->ClosePeriod(period) : s;
  }

 private:
  std::unique_ptr<grpc::ClientContext> Context() const;

  IntakeClient* const intake_;
  SurveyClient* const survey_;
  std::unique_ptr<zwfw::v1::Scoring::Stub> scoring_;
  const std::string scoring_address_;
  const std::string token_;
  const absl::Duration deadline_;
};

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_SOURCES_H_

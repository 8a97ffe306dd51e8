// What scoring reads from intake and survey, behind one interface so tests
// can serve fixed figures. GrpcScoringSources reads them over gRPC with a
// deadline on every call; a service that cannot be read is UNAVAILABLE
// naming it.
#ifndef ZWFW_SERVICES_SCORING_SOURCES_H_
#define ZWFW_SERVICES_SCORING_SOURCES_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/intake_client.h"
#include "services/common/period.h"
#include "zwfw/v1/survey.grpc.pb.h"

namespace zwfw::scoring {

class ScoringSources {
 public:
  virtual ~ScoringSources() = default;
  virtual absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Directory() = 0;
  virtual absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const Period& period) = 0;
  virtual absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const Period& period) = 0;
  // Evidence: up to `limit` ids.
  virtual absl::StatusOr<std::vector<std::string>> OvertimeCases(
      const Period& period, const std::string& department, int limit) = 0;
  // Bad ratings of the month not voided by an appeal; with `overdue_only`,
  // those whose rectification is overdue.
  virtual absl::StatusOr<std::vector<std::string>> BadRatings(
      const Period& period, const std::string& department, bool overdue_only,
      int limit) = 0;
};

class GrpcScoringSources : public ScoringSources {
 public:
  GrpcScoringSources(IntakeClient* intake,
                     std::shared_ptr<grpc::Channel> survey,
                     std::string survey_address, std::string token,
                     absl::Duration deadline = absl::Seconds(10));

  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Directory() override;
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const Period& period) override;
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const Period& period) override;
  absl::StatusOr<std::vector<std::string>> OvertimeCases(
      const Period& period, const std::string& department, int limit) override;
  absl::StatusOr<std::vector<std::string>> BadRatings(
      const Period& period, const std::string& department, bool overdue_only,
      int limit) override;

 private:
  std::unique_ptr<grpc::ClientContext> Context() const;
  absl::Status Unavailable(const grpc::Status& s) const;

  IntakeClient* const intake_;
  std::unique_ptr<zwfw::v1::Survey::Stub> survey_;
  const std::string survey_address_;
  const std::string token_;
  const absl::Duration deadline_;
};

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SOURCES_H_

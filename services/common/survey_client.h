// What other services read from survey over gRPC, with a service token and
// a deadline on every call. A survey that cannot be reached is UNAVAILABLE
// naming it; a refusal keeps its code and says survey refused.
#ifndef ZWFW_SERVICES_COMMON_SURVEY_CLIENT_H_
#define ZWFW_SERVICES_COMMON_SURVEY_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/period.h"
#include "services/common/server.h"
#include "zwfw/v1/survey.grpc.pb.h"

namespace zwfw {

// Thread-safe: stateless but for its channel (gRPC channels are).
class SurveyClient {
 public:
  SurveyClient(std::shared_ptr<grpc::Channel> channel, std::string address,
               std::string token, absl::Duration deadline = absl::Seconds(10));
  // The survey client of a zwfw server: a channel to --survey (over TLS
  // when configured) presenting `service_token`.
  static absl::StatusOr<std::unique_ptr<SurveyClient>> ForServer(
      const ServerConfig& config, const std::string& service_token);

  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> Satisfaction(
      const ReportPeriod& period);
  // Up to `limit` evaluation ids of the period's bad ratings not voided by an
  // appeal; with `overdue_only`, those whose rectification is overdue.
  absl::StatusOr<std::vector<std::string>> BadRatings(
      const ReportPeriod& period, const std::string& department,
      bool overdue_only, int limit);
  // Closes the month to ratings and visits dated in it (Publish).
  absl::Status ClosePeriod(const Period& period);

 private:
  std::unique_ptr<grpc::ClientContext> Context() const;

  std::unique_ptr<zwfw::v1::Survey::Stub> stub_;
  const std::string address_;
  const std::string token_;
  const absl::Duration deadline_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_SURVEY_CLIENT_H_

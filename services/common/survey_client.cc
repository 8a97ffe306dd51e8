#include "services/common/survey_client.h"

#include "absl/strings/str_cat.h"
#include "services/common/bearer.h"
#include "services/common/status.h"

namespace zwfw {

SurveyClient::SurveyClient(std::shared_ptr<grpc::Channel> channel,
                           std::string address, std::string token,
                           absl::Duration deadline)
    : stub_(zwfw::v1::Survey::NewStub(channel)),
      address_(std::move(address)),
      token_(std::move(token)),
      deadline_(deadline) {}

absl::StatusOr<std::unique_ptr<SurveyClient>> SurveyClient::ForServer(
    const ServerConfig& config, const std::string& service_token) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      ClientChannel(config, config.survey);
  if (!channel.ok()) return channel.status();
  return std::make_unique<SurveyClient>(*channel, config.survey, service_token);
}

std::unique_ptr<grpc::ClientContext> SurveyClient::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  AddBearerToken(context.get(), token_);
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(deadline_));
  return context;
}

absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse>
SurveyClient::Satisfaction(const ReportPeriod& period) {
  zwfw::v1::GetSatisfactionStatsRequest request;
  request.set_period(period.ToString());
  zwfw::v1::GetSatisfactionStatsResponse stats;
  grpc::Status s =
      stub_->GetSatisfactionStats(Context().get(), request, &stats);
  if (!s.ok()) return PeerFailure("survey", address_, s);
  return stats;
}

absl::StatusOr<std::vector<std::string>> SurveyClient::BadRatings(
    const ReportPeriod& period, const std::string& department,
    bool overdue_only, int limit) {
  zwfw::v1::ListRectificationsRequest request;
  request.set_period(period.ToString());
  request.set_department_code(department);
  request.set_overdue_only(overdue_only);
  zwfw::v1::ListRectificationsResponse response;
  grpc::Status s =
      stub_->ListRectifications(Context().get(), request, &response);
  if (!s.ok()) return PeerFailure("survey", address_, s);
  std::vector<std::string> ids;
  for (const auto& r : response.rectifications()) {
    if (r.state() == zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD) continue;
    if (static_cast<int>(ids.size()) == limit) break;
    ids.push_back(r.evaluation_id());
  }
  return ids;
}

absl::Status SurveyClient::ClosePeriod(const Period& period) {
  zwfw::v1::ClosePeriodRequest request;
  request.set_period(period.ToString());
  zwfw::v1::ClosePeriodResponse response;
  grpc::Status s = stub_->ClosePeriod(Context().get(), request, &response);
  if (!s.ok()) return PeerFailure("survey", address_, s);
  return absl::OkStatus();
}

}  // namespace zwfw

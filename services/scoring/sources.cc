#include "services/scoring/sources.h"

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace zwfw::scoring {

GrpcScoringSources::GrpcScoringSources(IntakeClient* intake,
                                       std::shared_ptr<grpc::Channel> survey,
                                       std::string survey_address,
                                       std::string token,
                                       absl::Duration deadline)
    : intake_(intake),
      survey_(zwfw::v1::Survey::NewStub(survey)),
      survey_address_(std::move(survey_address)),
      token_(std::move(token)),
      deadline_(deadline) {}

std::unique_ptr<grpc::ClientContext> GrpcScoringSources::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token_);
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(deadline_));
  return context;
}

absl::Status GrpcScoringSources::Unavailable(const grpc::Status& s) const {
  return absl::UnavailableError(absl::StrCat(
      "survey at ", survey_address_, " cannot be read (",
      StatusCodeName(s.error_code()), ": ", s.error_message(), ")"));
}

absl::StatusOr<std::shared_ptr<const DirectoryIndex>>
GrpcScoringSources::Directory() {
  return intake_->Current();
}

absl::StatusOr<zwfw::v1::GetCaseStatsResponse> GrpcScoringSources::CaseStats(
    const Period& period) {
  return intake_->CaseStats(period);
}

absl::StatusOr<std::vector<std::string>> GrpcScoringSources::OvertimeCases(
    const Period& period, const std::string& department, int limit) {
  return intake_->OvertimeCases(period, department, limit);
}

absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse>
GrpcScoringSources::Satisfaction(const Period& period) {
  zwfw::v1::GetSatisfactionStatsRequest request;
  request.set_period(period.ToString());
  zwfw::v1::GetSatisfactionStatsResponse stats;
  grpc::Status s =
      survey_->GetSatisfactionStats(Context().get(), request, &stats);
  if (!s.ok()) return Unavailable(s);
  return stats;
}

absl::StatusOr<std::vector<std::string>> GrpcScoringSources::BadRatings(
    const Period& period, const std::string& department, bool overdue_only,
    int limit) {
  zwfw::v1::ListRectificationsRequest request;
  request.set_period(period.ToString());
  request.set_department_code(department);
  request.set_overdue_only(overdue_only);
  zwfw::v1::ListRectificationsResponse response;
  grpc::Status s =
      survey_->ListRectifications(Context().get(), request, &response);
  if (!s.ok()) return Unavailable(s);
  std::vector<std::string> ids;
  for (const auto& r : response.rectifications()) {
    if (r.state() == zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD) continue;
    if (static_cast<int>(ids.size()) == limit) break;
    ids.push_back(r.evaluation_id());
  }
  return ids;
}

}  // namespace zwfw::scoring

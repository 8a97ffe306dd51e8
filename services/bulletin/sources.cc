#include "services/bulletin/sources.h"

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace zwfw::bulletin {

GrpcBulletinSources::GrpcBulletinSources(
    IntakeClient* intake, std::shared_ptr<grpc::Channel> survey,
    std::string survey_address, std::shared_ptr<grpc::Channel> scoring,
    std::string scoring_address, std::string token, absl::Duration deadline)
    : intake_(intake),
      survey_(zwfw::v1::Survey::NewStub(survey)),
      survey_address_(std::move(survey_address)),
      scoring_(zwfw::v1::Scoring::NewStub(scoring)),
      scoring_address_(std::move(scoring_address)),
      token_(std::move(token)),
      deadline_(deadline) {}

std::unique_ptr<grpc::ClientContext> GrpcBulletinSources::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token_);
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(deadline_));
  return context;
}

absl::Status GrpcBulletinSources::Failed(const std::string& service,
                                         const std::string& address,
                                         const grpc::Status& s) const {
  // A refusal (no rules, a bad period) keeps its code; a transport failure
  // is UNAVAILABLE naming the service.
  const bool unreachable =
      s.error_code() == grpc::StatusCode::UNAVAILABLE ||
      s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  return absl::Status(
      unreachable ? absl::StatusCode::kUnavailable
                  : static_cast<absl::StatusCode>(s.error_code()),
      absl::StrCat(service, " at ", address,
                   unreachable ? " cannot be read (" : " refused (",
                   StatusCodeName(s.error_code()), ": ", s.error_message(),
                   ")"));
}

absl::StatusOr<zwfw::v1::DirectorySnapshot> GrpcBulletinSources::Directory() {
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> index =
      intake_->Current();
  if (!index.ok()) return index.status();
  return (*index)->snapshot();
}

absl::StatusOr<zwfw::v1::GetCaseStatsResponse> GrpcBulletinSources::CaseStats(
    const Period& period) {
  return intake_->CaseStats(period);
}

absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse>
GrpcBulletinSources::Satisfaction(const Period& period) {
  zwfw::v1::GetSatisfactionStatsRequest request;
  request.set_period(period.ToString());
  zwfw::v1::GetSatisfactionStatsResponse stats;
  grpc::Status s =
      survey_->GetSatisfactionStats(Context().get(), request, &stats);
  if (!s.ok()) return Failed("survey", survey_address_, s);
  return stats;
}

absl::StatusOr<zwfw::v1::Scorecard> GrpcBulletinSources::Scorecard(
    const Period& period) {
  zwfw::v1::GetScorecardRequest request;
  request.set_period(period.ToString());
  zwfw::v1::Scorecard card;
  grpc::Status s = scoring_->GetScorecard(Context().get(), request, &card);
  if (!s.ok()) return Failed("scoring", scoring_address_, s);
  return card;
}

absl::StatusOr<zwfw::v1::Scorecard> GrpcBulletinSources::Freeze(
    const Period& period) {
  zwfw::v1::FreezeScorecardRequest request;
  request.set_period(period.ToString());
  zwfw::v1::Scorecard card;
  grpc::Status s = scoring_->FreezeScorecard(Context().get(), request, &card);
  if (!s.ok()) return Failed("scoring", scoring_address_, s);
  return card;
}

}  // namespace zwfw::bulletin

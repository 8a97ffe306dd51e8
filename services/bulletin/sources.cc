#include "services/bulletin/sources.h"

#include "absl/strings/str_cat.h"
#include "services/common/bearer.h"
#include "services/common/status.h"

namespace zwfw::bulletin {

GrpcBulletinSources::GrpcBulletinSources(IntakeClient* intake,
                                         SurveyClient* survey,
                                         std::shared_ptr<grpc::Channel> scoring,
                                         std::string scoring_address,
                                         std::string token,
                                         absl::Duration deadline)
    : intake_(intake),
      survey_(survey),
      scoring_(zwfw::v1::Scoring::NewStub(scoring)),
      scoring_address_(std::move(scoring_address)),
      token_(std::move(token)),
      deadline_(deadline) {}

std::unique_ptr<grpc::ClientContext> GrpcBulletinSources::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  AddBearerToken(context.get(), token_);
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(deadline_));
  return context;
}

absl::StatusOr<zwfw::v1::DirectorySnapshot> GrpcBulletinSources::Directory() {
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> index =
      intake_->Current();
  if (!index.ok()) return index.status();
  return (*index)->snapshot();
}

absl::StatusOr<zwfw::v1::Scorecard> GrpcBulletinSources::Scorecard(
    const Period& period) {
  zwfw::v1::GetScorecardRequest request;
  request.set_period(period.ToString());
  zwfw::v1::Scorecard card;
  grpc::Status s = scoring_->GetScorecard(Context().get(), request, &card);
  if (!s.ok()) return PeerFailure("scoring", scoring_address_, s);
  return card;
}

absl::StatusOr<zwfw::v1::Scorecard> GrpcBulletinSources::Freeze(
    const Period& period) {
  zwfw::v1::FreezeScorecardRequest request;
  request.set_period(period.ToString());
  zwfw::v1::Scorecard card;
  grpc::Status s = scoring_->FreezeScorecard(Context().get(), request, &card);
  if (!s.ok()) return PeerFailure("scoring", scoring_address_, s);
  return card;
}

}  // namespace zwfw::bulletin

// The gRPC adapter of the Scoring service: authorisation, validation of
// requests, proto <-> domain, status mapping. Computing a scorecard (its
// inputs, evidence and cache) is in scorecard_builder.h, the arithmetic in
// scorecard.h, the rules' checks in scoring_rules.h.
#ifndef ZWFW_SERVICES_SCORING_SCORING_SERVICE_H_
#define ZWFW_SERVICES_SCORING_SCORING_SERVICE_H_

#include <functional>

#include "absl/time/clock.h"
#include "services/common/auth.h"
#include "services/common/cache.h"
#include "services/scoring/scorecard.h"
#include "services/scoring/scorecard_builder.h"
#include "services/scoring/scoring_store.h"
#include "services/scoring/sources.h"
#include "zwfw/v1/scoring.grpc.pb.h"

namespace zwfw::scoring {

struct ScoringOptions {
  std::function<absl::Time()> now = [] { return absl::Now(); };
  absl::Duration cache_ttl = absl::Hours(24);
};

class ScoringService final : public zwfw::v1::Scoring::Service {
 public:
  // All must outlive the service; `cache` may be null (no caching).
  ScoringService(ScoringStore* store, ScoringSources* sources,
                 TokenStore* tokens, Cache* cache, ScoringOptions options = {})
      : store_(store),
        sources_(sources),
        tokens_(tokens),
        options_(std::move(options)),
        scorecards_(store, sources, cache, options_.cache_ttl) {}

  grpc::Status GetRules(grpc::ServerContext* context,
                        const zwfw::v1::GetRulesRequest* request,
                        zwfw::v1::ScoringRules* response) override;
  grpc::Status SetRules(grpc::ServerContext* context,
                        const zwfw::v1::SetRulesRequest* request,
                        zwfw::v1::ScoringRules* response) override;
  grpc::Status AddAdjustment(
      grpc::ServerContext* context,
      const zwfw::v1::AddAdjustmentRequest* request,
      zwfw::v1::AddAdjustmentResponse* response) override;
  grpc::Status ListAdjustments(
      grpc::ServerContext* context,
      const zwfw::v1::ListAdjustmentsRequest* request,
      zwfw::v1::ListAdjustmentsResponse* response) override;
  grpc::Status RemoveAdjustment(
      grpc::ServerContext* context,
      const zwfw::v1::RemoveAdjustmentRequest* request,
      zwfw::v1::RemoveAdjustmentResponse* response) override;
  grpc::Status ComputeScorecard(
      grpc::ServerContext* context,
      const zwfw::v1::ComputeScorecardRequest* request,
      zwfw::v1::Scorecard* response) override;
  grpc::Status SetAwards(grpc::ServerContext* context,
                         const zwfw::v1::SetAwardsRequest* request,
                         zwfw::v1::SetAwardsResponse* response) override;
  grpc::Status FreezeScorecard(grpc::ServerContext* context,
                               const zwfw::v1::FreezeScorecardRequest* request,
                               zwfw::v1::Scorecard* response) override;
  grpc::Status GetScorecard(grpc::ServerContext* context,
                            const zwfw::v1::GetScorecardRequest* request,
                            zwfw::v1::Scorecard* response) override;

 private:
  // The frozen scorecard, or a computation (from the cache when its inputs
  // have not changed).
  grpc::Status ServeScorecard(const grpc::ServerContext& context,
                              absl::string_view rpc, const std::string& period,
                              zwfw::v1::Scorecard* response);

  ScoringStore* const store_;
  ScoringSources* const sources_;
  TokenStore* const tokens_;
  const ScoringOptions options_;
  ScorecardBuilder scorecards_;
};

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SCORING_SERVICE_H_

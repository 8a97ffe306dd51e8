// The gRPC adapter of the Bulletin service: drafts, renders, publishing,
// published versions, proto <-> domain and status mapping. Gathering the
// inputs and rendering them (cached) is bulletin_renderer.h.
#ifndef ZWFW_SERVICES_BULLETIN_BULLETIN_SERVICE_H_
#define ZWFW_SERVICES_BULLETIN_BULLETIN_SERVICE_H_

#include <functional>

#include "absl/time/clock.h"
#include "services/bulletin/bulletin_renderer.h"
#include "services/bulletin/bulletin_store.h"
#include "services/bulletin/composer.h"
#include "services/bulletin/indicator_report.h"
#include "services/bulletin/sources.h"
#include "services/bulletin/writers.h"
#include "services/common/auth.h"
#include "services/common/cache.h"
#include "services/common/indicators.h"
#include "zwfw/v1/bulletin.grpc.pb.h"

namespace zwfw::bulletin {

// What GetIndicators accepts.
inline constexpr size_t kMaxIndicators = 32;
inline constexpr int kMaxTop = 100;

// The plan of the indicators a request names; INVALID_ARGUMENT naming the
// bad one ("indicators[2]: …"), RESOURCE_EXHAUSTED over kMaxIndicators.
absl::StatusOr<IndicatorPlan> PlanIndicators(
    const std::vector<std::string>& texts,
    const SatisfiedLevels& satisfied = SatisfiedLevels());

struct BulletinOptions {
  ComposerOptions composer;
  PdfFonts fonts;
  std::function<absl::Time()> now = [] { return absl::Now(); };
  absl::Duration cache_ttl = absl::Hours(24);
};

class BulletinService final : public zwfw::v1::Bulletin::Service {
 public:
  // All must outlive the service; `cache` may be null.
  BulletinService(BulletinStore* store, BulletinSources* sources,
                  TokenStore* tokens, Cache* cache,
                  BulletinOptions options = {})
      : store_(store),
        sources_(sources),
        tokens_(tokens),
        options_(std::move(options)),
        renderer_(store, sources, cache, options_.composer, options_.fonts,
                  options_.cache_ttl) {}

  grpc::Status GetIndicators(
      grpc::ServerContext* context,
      const zwfw::v1::GetIndicatorsRequest* request,
      zwfw::v1::GetIndicatorsResponse* response) override;
  grpc::Status SetTemplate(grpc::ServerContext* context,
                           const zwfw::v1::SetTemplateRequest* request,
                           zwfw::v1::BulletinTemplate* response) override;
  grpc::Status GetTemplate(grpc::ServerContext* context,
                           const zwfw::v1::GetTemplateRequest* request,
                           zwfw::v1::BulletinTemplate* response) override;
  grpc::Status GetDraft(grpc::ServerContext* context,
                        const zwfw::v1::GetDraftRequest* request,
                        zwfw::v1::Draft* response) override;
  grpc::Status UpdateDraft(grpc::ServerContext* context,
                           const zwfw::v1::UpdateDraftRequest* request,
                           zwfw::v1::Draft* response) override;
  grpc::Status Render(grpc::ServerContext* context,
                      const zwfw::v1::RenderRequest* request,
                      zwfw::v1::RenderResponse* response) override;
  grpc::Status Publish(grpc::ServerContext* context,
                       const zwfw::v1::PublishRequest* request,
                       zwfw::v1::PublishedVersion* response) override;
  grpc::Status GetPublished(grpc::ServerContext* context,
                            const zwfw::v1::GetPublishedRequest* request,
                            zwfw::v1::RenderResponse* response) override;
  grpc::Status ListPublished(
      grpc::ServerContext* context,
      const zwfw::v1::ListPublishedRequest* request,
      zwfw::v1::ListPublishedResponse* response) override;

  // The formats Publish stores.
  static const std::vector<zwfw::v1::BulletinFormat>& PublishedFormats();

 private:
  BulletinStore* const store_;
  BulletinSources* const sources_;
  TokenStore* const tokens_;
  const BulletinOptions options_;
  BulletinRenderer renderer_;
};

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_BULLETIN_SERVICE_H_

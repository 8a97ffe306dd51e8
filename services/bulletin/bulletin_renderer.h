// The render use case: gather a period's inputs (the draft, the directory,
// intake's and survey's figures, the scorecard — frozen when publishing),
// compose the document (composer.h) and write it in a format (writers.h).
// A render is cached under the hash of everything it is made of
// (cache_keys.h), so a cached render is never stale.
//
// Concurrent renders of the same inputs and format share one computation
// (single_flight.h).
//
// Thread-safe: its only state is the single-flight table; the store, the
// sources and the cache it is given must be thread-safe (theirs are).
#ifndef ZWFW_SERVICES_BULLETIN_BULLETIN_RENDERER_H_
#define ZWFW_SERVICES_BULLETIN_BULLETIN_RENDERER_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/bulletin/bulletin_store.h"
#include "services/bulletin/composer.h"
#include "services/bulletin/sources.h"
#include "services/bulletin/writers.h"
#include "services/common/cache.h"
#include "services/common/period.h"
#include "services/common/single_flight.h"
#include "zwfw/v1/bulletin.pb.h"

namespace zwfw::bulletin {

// The aggregates of `period` an indicator plan reads (GetCaseSums,
// GetSatisfactionStats), as GetIndicators and templates use them.
absl::StatusOr<PeriodAggregates> ReadAggregates(BulletinSources& sources,
                                                const IndicatorPlan& plan,
                                                const ReportPeriod& period);

// A stored template parsed for `period`: FAILED_PRECONDITION naming it when
// it no longer parses or is not written for the period's kind.
absl::StatusOr<BulletinTemplate> ParseTemplateFor(
    const zwfw::v1::BulletinTemplate& stored, const ReportPeriod& period,
    const SatisfiedLevels& satisfied = SatisfiedLevels());

// A stored template parsed with the office's satisfied levels (survey's),
// and the aggregates of `period` — and of the previous period and the year
// before when the template, or `compare`, compares. FAILED_PRECONDITION
// when the template is not for the period's kind or no longer parses.
absl::StatusOr<TemplateInputs> ReadTemplateInputs(
    BulletinSources& sources, zwfw::v1::BulletinTemplate stored,
    const ReportPeriod& period, bool compare = false);

class BulletinRenderer {
 public:
  // All pointers must outlive the renderer; `cache` may be null.
  BulletinRenderer(BulletinStore* store, BulletinSources* sources, Cache* cache,
                   ComposerOptions composer, PdfFonts fonts,
                   absl::Duration cache_ttl)
      : store_(store),
        sources_(sources),
        cache_(cache),
        composer_(std::move(composer)),
        fonts_(std::move(fonts)),
        cache_ttl_(cache_ttl) {}

  // Everything the period's bulletin is made of: with the draft's template,
  // the template and its aggregates (any period the template is for);
  // without, the built-in monthly format's figures and scorecard
  // (FAILED_PRECONDITION for a longer period, as for a template not written
  // for the period — both before anything is closed). `freeze` (Publish) closes
  // the period's months in the services first and, for the built-in
  // format, asks scoring to freeze the scorecard. The sources' errors name
  // the service.
  absl::StatusOr<BulletinInputs> Gather(const ReportPeriod& period,
                                        bool freeze);

  // The document of `inputs` in `format`, from the cache when it holds it
  // and `use` allows. Errors: writers.h's (a missing font for PDF).
  absl::StatusOr<zwfw::v1::RenderResponse> Render(
      const BulletinInputs& inputs, zwfw::v1::BulletinFormat format,
      CacheUse use = CacheUse::kAllowed);

 private:
  BulletinStore* const store_;
  BulletinSources* const sources_;
  Cache* const cache_;
  const ComposerOptions composer_;
  const PdfFonts fonts_;
  const absl::Duration cache_ttl_;
  SingleFlight<absl::StatusOr<zwfw::v1::RenderResponse>> flights_;
};

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_BULLETIN_RENDERER_H_

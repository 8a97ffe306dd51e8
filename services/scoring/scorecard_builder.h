// The scorecard use case: a period's scorecard, frozen or computed now.
// Computing reads the month's figures from intake and survey
// (ScoringSources), the rules, adjustments and awards from the store,
// gathers the evidence behind each deduction (overtime cases, bad ratings,
// overdue rectifications), and runs the arithmetic of scorecard.h. The
// result is cached under a key naming every input (cache_keys.h), so a
// cached scorecard is never stale.
//
// Concurrent callers that miss the cache for the same inputs share one
// computation (single_flight.h).
//
// Thread-safe: its only state is the single-flight table; the store, the
// sources and the cache it is given must be thread-safe (theirs are).
#ifndef ZWFW_SERVICES_SCORING_SCORECARD_BUILDER_H_
#define ZWFW_SERVICES_SCORING_SCORECARD_BUILDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/cache.h"
#include "services/common/period.h"
#include "services/common/single_flight.h"
#include "services/scoring/scoring_store.h"
#include "services/scoring/sources.h"
#include "zwfw/v1/scoring.pb.h"

namespace zwfw::scoring {

class ScorecardBuilder {
 public:
  // All must outlive the builder; `cache` may be null (uncached).
  ScorecardBuilder(ScoringStore* store, ScoringSources* sources, Cache* cache,
                   absl::Duration cache_ttl)
      : store_(store),
        sources_(sources),
        cache_(cache),
        cache_ttl_(cache_ttl) {}

  // The scorecard of `period` ("2020-07"): the frozen one when
  // `use_frozen` and the period is frozen, otherwise computed now — or
  // taken from the cache when `use` allows (FreezeScorecard never does).
  // INVALID_ARGUMENT for a bad period, FAILED_PRECONDITION before any rules
  // are set, the sources' errors (UNAVAILABLE naming intake or survey).
  absl::StatusOr<zwfw::v1::Scorecard> Load(const std::string& period,
                                           bool use_frozen,
                                           CacheUse use = CacheUse::kAllowed);

 private:
  absl::StatusOr<zwfw::v1::Scorecard> Compute(const ReportPeriod& period,
                                              CacheUse use);

  ScoringStore* const store_;
  ScoringSources* const sources_;
  Cache* const cache_;
  const absl::Duration cache_ttl_;
  SingleFlight<absl::StatusOr<zwfw::v1::Scorecard>> flights_;
};

}  // namespace zwfw::scoring

#endif  // ZWFW_SERVICES_SCORING_SCORECARD_BUILDER_H_

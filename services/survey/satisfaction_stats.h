// Assembles GetSatisfactionStatsResponse from a month's counters: the rates
// (好评率, 差评率, 满意率, 主动评价率) per department, window and member of
// staff, with totals; a longer period's from its months' summed counts. A rate
// over nothing has denominator 0: "no data".
#ifndef ZWFW_SERVICES_SURVEY_SATISFACTION_STATS_H_
#define ZWFW_SERVICES_SURVEY_SATISFACTION_STATS_H_

#include <map>
#include <string>
#include <vector>

#include "services/common/directory_index.h"
#include "services/common/period.h"
#include "services/common/rating_bands.h"
#include "services/survey/survey_store.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::survey {

// `case_totals` (cases per department) is null when intake's counts could
// not be read: 主动评价率 is then left without data.
zwfw::v1::GetSatisfactionStatsResponse BuildSatisfactionStats(
    const ReportPeriod& period, const SurveyMonth& month,
    const DirectoryIndex& directory,
    const std::map<std::string, int64_t>* case_totals,
    const SatisfiedLevels& satisfied_levels);

// The counters of consecutive months, in order, as one period's: summed,
// `stable_until` the earliest, the data version PeriodDataVersion's.
SurveyMonth MergeMonths(std::vector<SurveyMonth> months);

// Rates and counts of one set of ratings.
zwfw::v1::SatisfactionCounters Summarize(
    const RatingCounts& counts, const SatisfiedLevels& satisfied_levels);

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SATISFACTION_STATS_H_

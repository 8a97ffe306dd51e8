// Assembles GetIndicatorsResponse: the plan's indicators (indicators.h)
// evaluated per department, per unit group and in total from one period's
// aggregates, and with a comparison, from the previous period's and the
// year before's. A group's and the total's figures are evaluated over their
// departments' summed inputs — never averaged from the departments' rates.
//
// Pure; the service gathers the aggregates (GetCaseSums,
// GetSatisfactionStats) and hands them here.
#ifndef ZWFW_SERVICES_BULLETIN_INDICATOR_REPORT_H_
#define ZWFW_SERVICES_BULLETIN_INDICATOR_REPORT_H_

#include <string>
#include <vector>

#include "services/common/indicator_inputs.h"
#include "services/common/indicators.h"
#include "services/common/period.h"
#include "zwfw/v1/bulletin.pb.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::bulletin {

// What the indicators of one period read.
struct PeriodAggregates {
  ReportPeriod period;
  zwfw::v1::GetCaseSumsResponse cases;  // empty when the plan reads none
  zwfw::v1::GetSatisfactionStatsResponse satisfaction;  // likewise
};

// `top` > 0: the rankings too (IndicatorRanking).
zwfw::v1::GetIndicatorsResponse BuildIndicatorReport(
    const IndicatorPlan& plan, const zwfw::v1::DirectorySnapshot& directory,
    const PeriodAggregates& now, const PeriodAggregates* previous,
    const PeriodAggregates* year_before, int top = 0);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_INDICATOR_REPORT_H_

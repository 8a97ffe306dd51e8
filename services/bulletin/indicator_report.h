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

// One unit's inputs, as the report and the templates use them.
struct UnitInputs {
  std::string code;   // department code, group name, "" for the total
  std::string name;
  std::string group;  // a department's unit group
  IndicatorInputs inputs;
};

// Per department (directory order, then departed ones with figures), per
// group (first appearance) and the total.
struct UnitTable {
  std::vector<UnitInputs> departments;
  std::vector<UnitInputs> groups;
  UnitInputs total;
};
UnitTable BuildUnitTable(const PeriodAggregates& aggregates,
                         const zwfw::v1::DirectorySnapshot& directory);

zwfw::v1::GetIndicatorsResponse BuildIndicatorReport(
    const IndicatorPlan& plan, const zwfw::v1::DirectorySnapshot& directory,
    const PeriodAggregates& now, const PeriodAggregates* previous,
    const PeriodAggregates* year_before);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_INDICATOR_REPORT_H_

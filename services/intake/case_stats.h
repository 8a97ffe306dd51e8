// Assembles GetCaseStatsResponse from a month's counters and the directory:
// a row for every directory department (zero rows included, directory
// order), then any department that has cases but has left the directory,
// so that the totals are always the sum of the rows. A quarter, half year
// or year is the sum of its months' counters (MergeMonths).
#ifndef ZWFW_SERVICES_INTAKE_CASE_STATS_H_
#define ZWFW_SERVICES_INTAKE_CASE_STATS_H_

#include <vector>

#include "services/common/directory_index.h"
#include "services/common/period.h"
#include "services/intake/case_store.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

zwfw::v1::GetCaseStatsResponse BuildCaseStats(const ReportPeriod& period,
                                              const MonthCounters& month,
                                              const DirectoryIndex& directory);

// The counters of consecutive months, in order, as one period's: rows and
// corrections summed and concatenated, `stable_until` the earliest, and a
// data version that changes when any month's does (a single month's as it
// is).
MonthCounters MergeMonths(std::vector<MonthCounters> months);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_STATS_H_

// Assembles GetCaseSumsResponse from a period's cells (case_store.h,
// PeriodCells): for each measure, the sums of the cells of its time basis
// whose dimensions pass its filter, per department — every directory
// department in directory order, then any department with cases that has
// left the directory — with totals that are the sums of the rows.
// `open_overdue` counts the due-basis open cases past due: all of a month
// that is over, the listed ones of a month that is not.
//
// The data version is GetCaseStats's for the same period (the months'
// MonthDataVersion, combined by PeriodDataVersion), so both change together.
#ifndef ZWFW_SERVICES_INTAKE_CASE_SUMS_H_
#define ZWFW_SERVICES_INTAKE_CASE_SUMS_H_

#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/directory_index.h"
#include "services/common/period.h"
#include "services/intake/case_store.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

// The first month of the period that is not over at `now` ("2020-07"): a
// month before it is over.
std::string FirstMonthNotOver(const ReportPeriod& period, absl::Time now);

// What GetCaseSums accepts.
inline constexpr int kMaxMeasures = 64;

// INVALID_ARGUMENT naming the field of a bad measure; RESOURCE_EXHAUSTED
// for none or more than kMaxMeasures.
absl::Status CheckMeasures(const zwfw::v1::GetCaseSumsRequest& request);

// DATA_LOSS when a stored block cannot be read.
absl::StatusOr<zwfw::v1::GetCaseSumsResponse> BuildCaseSums(
    const ReportPeriod& period,
    const google::protobuf::RepeatedPtrField<zwfw::v1::CaseMeasure>& measures,
    const PeriodCells& cells, const DirectoryIndex& directory, absl::Time now);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_SUMS_H_

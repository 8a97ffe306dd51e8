// Records that reproduce two other offices' bulletins
// (../shared/reference/bulletins/) through their templates
// (deploy/templates/): each office's directory, its cases and its ratings.
// Fed through the services they give back every figure the references
// print:
//
//   Fangchenggang 2011-03 — the city center's units (group 市本级) and four
//   counties (a group each): 受理 5610 (February 3198), 办结 5497 (3069),
//   承诺件平均办结时间 1.78 days (2.06), 实际提速 92.80% (91.70%), 评议率
//   98.90% (97.40%), 满意率 100%, no overtime; the two top-10 lists; the 12
//   units without business in directory order; the counties' lines (港口区
//   finishing 27 cases accepted in February).
//   Yongchang 2023-Q2 — the hall's windows (group 县政务服务大厅) and five
//   sub-centers: cases, votes (3811 of the hall's 3816; 3808 满意, 3
//   基本满意, 5 unrated), the top-5 windows, the window without cases.
//
// Handling times are whole multiples of a tenth of a working day laid on
// the calendar (deploy/calendar), so averages and speed-ups are exact.
#ifndef ZWFW_TOOLS_SEEDGEN_OFFICE_RECORDS_H_
#define ZWFW_TOOLS_SEEDGEN_OFFICE_RECORDS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "services/common/calendar.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::seedgen {

struct OfficeRecords {
  zwfw::v1::DirectorySnapshot directory;
  std::vector<zwfw::v1::Case> cases;
  std::vector<zwfw::v1::Evaluation> evaluations;
};

// Errors: the calendar does not cover the months.
absl::StatusOr<OfficeRecords> Fangchenggang2011(const Calendar& calendar);
absl::StatusOr<OfficeRecords> Yongchang2023(const Calendar& calendar);

}  // namespace zwfw::seedgen

#endif  // ZWFW_TOOLS_SEEDGEN_OFFICE_RECORDS_H_

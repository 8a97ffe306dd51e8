// Cases that reproduce the July 2020 bulletin of the Qijiang office
// (../shared/reference/qijiang-2020-07-bulletin.txt): fed through intake
// they give back its attachment table, its 合计 row and the figures of its
// first section (84781 cases, center 55306, same day 52740, completed in
// the center 55109, overtime 5 / 1 / 1).
#ifndef ZWFW_TOOLS_SEEDGEN_REFERENCE_CASES_H_
#define ZWFW_TOOLS_SEEDGEN_REFERENCE_CASES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::seedgen {

// One row of the attachment table (approval cases), as printed.
struct ReferenceRow {
  std::string department;  // the table's name for it
  int64_t total, instant, center, department_site, grassroots, online;
};

// The 27 rows with cases, in the table's order.
const std::vector<ReferenceRow>& July2020Rows();
// The 合计 row.
ReferenceRow July2020Total();

// The first section's figures.
inline constexpr int64_t kJuly2020Convenience = 17427;
inline constexpr int64_t kJuly2020CenterHandled = 55306;
inline constexpr int64_t kJuly2020CenterSameDay = 52740;
inline constexpr int64_t kJuly2020CenterCompleted = 55109;

// Overtime cases by table name: 区人力社保局 5, 区发改委 1, 区城市管理局 1.
const std::vector<std::pair<std::string, int>>& July2020Overtime();

// The cases, with department codes taken from `directory` (matched by name,
// table name or alias). NOT_FOUND when a table department is missing.
absl::StatusOr<std::vector<zwfw::v1::Case>> GenerateJuly2020Cases(
    const zwfw::v1::DirectorySnapshot& directory);

// 本月回访办事群众230名，满意率100%: 230 reached return visits, all rated 4
// or 5, to citizens of completed cases (every 300th case, three days
// after acceptance).
inline constexpr int kJuly2020ReturnVisits = 230;
std::vector<zwfw::v1::ReturnVisit> July2020ReturnVisits(
    const std::vector<zwfw::v1::Case>& cases);

}  // namespace zwfw::seedgen

#endif  // ZWFW_TOOLS_SEEDGEN_REFERENCE_CASES_H_

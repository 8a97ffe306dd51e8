#include "tools/seedgen/reference_cases.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/period.h"

namespace zwfw::seedgen {
namespace {

using zwfw::v1::Case;

google::protobuf::Timestamp Proto(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

// The convenience cases (all at the center) are not in the table; the
// bulletin gives only their total. They go to these departments.
const std::vector<std::pair<std::string, int64_t>>& ConvenienceSplit() {
  static const auto* const split =
      new std::vector<std::pair<std::string, int64_t>>{
          {"区人力社保局", 8000}, {"区医保局", 6000}, {"区财政局", 3427}};
  return *split;
}

// July 2020's working days (no holidays fell in July).
std::vector<absl::CivilDay> WorkingDays() {
  std::vector<absl::CivilDay> days;
  for (absl::CivilDay d(2020, 7, 1); d < absl::CivilDay(2020, 8, 1); ++d) {
    absl::Weekday w = absl::GetWeekday(d);
    if (w != absl::Weekday::saturday && w != absl::Weekday::sunday) {
      days.push_back(d);
    }
  }
  return days;
}

}  // namespace

const std::vector<ReferenceRow>& July2020Rows() {
  static const auto* const rows = new std::vector<ReferenceRow>{
      {"区公安局", 15467, 12376, 852, 9800, 4815, 15467},
      {"区税务局", 14743, 6594, 14743, 0, 0, 14743},
      {"区残联", 10983, 0, 0, 10983, 0, 0},
      {"区规划自然资源局", 6172, 749, 6172, 0, 0, 6172},
      {"区人力社保局", 5891, 5591, 5891, 0, 0, 5891},
      {"区交通局", 3944, 3842, 3944, 0, 0, 3944},
      {"区市场监督管理局", 3313, 1690, 1937, 0, 1376, 2287},
      {"区医保局", 2767, 2766, 2767, 0, 0, 2767},
      {"区民政局", 1635, 0, 774, 0, 861, 1635},
      {"区住房公积金分中心", 1444, 1309, 0, 1444, 0, 1444},
      {"区卫生健康委", 238, 55, 232, 6, 0, 118},
      {"区司法局", 230, 80, 230, 0, 0, 230},
      {"区城市管理局", 140, 140, 140, 0, 0, 140},
      {"区烟草专卖局", 118, 55, 0, 118, 0, 0},
      {"区林业局", 69, 0, 21, 0, 48, 60},
      {"区发改委", 68, 21, 68, 0, 0, 68},
      {"区住房城乡建设委", 34, 0, 34, 0, 0, 30},
      {"区退役军人事务局", 24, 22, 0, 24, 0, 0},
      {"区农业农村委", 21, 0, 21, 0, 0, 21},
      {"区生态环境局", 18, 9, 18, 0, 0, 18},
      {"区教委", 12, 12, 12, 0, 0, 12},
      {"区水利局", 6, 0, 6, 0, 0, 6},
      {"区应急管理局", 5, 0, 5, 0, 0, 5},
      {"区消防支队", 5, 0, 5, 0, 0, 5},
      {"区经济信息委", 3, 0, 3, 0, 0, 3},
      {"区文化旅游委", 2, 0, 2, 0, 0, 2},
      {"区财政局", 2, 2, 2, 0, 0, 2},
  };
  return *rows;
}

ReferenceRow July2020Total() {
  return {"合计", 67354, 35313, 37879, 22375, 7100, 55070};
}

const std::vector<std::pair<std::string, int>>& July2020Overtime() {
  static const auto* const overtime =
      new std::vector<std::pair<std::string, int>>{
          {"区人力社保局", 5}, {"区发改委", 1}, {"区城市管理局", 1}};
  return *overtime;
}

absl::StatusOr<std::vector<Case>> GenerateJuly2020Cases(
    const zwfw::v1::DirectorySnapshot& directory) {
  absl::flat_hash_map<std::string, std::string> code_of;
  for (const auto& d : directory.departments()) {
    code_of[d.code()] = d.code();
    code_of[d.name()] = d.code();
    if (!d.table_name().empty()) code_of[d.table_name()] = d.code();
    for (const auto& alias : d.aliases()) code_of[alias] = d.code();
  }
  auto code = [&](const std::string& name) -> absl::StatusOr<std::string> {
    auto it = code_of.find(name);
    if (it == code_of.end()) {
      return absl::NotFoundError(
          absl::StrCat("department ", name, " is not in the directory"));
    }
    return it->second;
  };
  absl::flat_hash_map<std::string, int> overtime_left;
  for (const auto& [name, n] : July2020Overtime()) {
    absl::StatusOr<std::string> c = code(name);
    if (!c.ok()) return c.status();
    overtime_left[*c] = n;
  }

  const absl::TimeZone cst = ChinaTimeZone();
  const std::vector<absl::CivilDay> days = WorkingDays();
  std::vector<Case> cases;
  int64_t center_index = 0;  // over all center cases, both categories
  int64_t serial = 0;

  auto add = [&](const std::string& department, zwfw::v1::ItemCategory category,
                 zwfw::v1::HandlingSite site, bool instant, bool online) {
    Case c;
    c.set_department_code(department);
    c.set_case_no(absl::StrFormat("%s-202007-%06d", department, serial));
    c.set_category(category);
    c.set_site(site);
    c.set_instant(instant);
    c.set_online(online);
    c.set_applicant_kind(serial % 3 == 0 ? zwfw::v1::APPLICANT_KIND_ORGANIZATION
                                         : zwfw::v1::APPLICANT_KIND_PERSON);
    // 09:00–16:59 CST on a working day of July.
    absl::Time accepted =
        absl::FromCivil(absl::CivilMinute(days[serial % days.size()]) + 9 * 60 +
                            (serial * 7) % 480,
                        cst);
    ++serial;
    *c.mutable_accepted_at() = Proto(accepted);
    c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
    absl::Time completed = accepted + absl::Minutes(30);  // the same day
    if (site == zwfw::v1::HANDLING_SITE_CENTER) {
      const int64_t j = center_index++;
      if (j < kJuly2020CenterSameDay) {
        c.set_completed_in_center(true);
      } else if (j < kJuly2020CenterCompleted) {
        c.set_completed_in_center(true);
        completed = accepted + absl::Hours(24);
      } else {
        c.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);  // still running
      }
    } else {
      completed = accepted + absl::Hours(24);
    }
    if (c.status() == zwfw::v1::CASE_STATUS_COMPLETED) {
      *c.mutable_completed_at() = Proto(completed);
      auto left = overtime_left.find(department);
      if (left != overtime_left.end() && left->second > 0 &&
          completed - accepted == absl::Minutes(30)) {
        // Due within the hour, finished after 30 minutes... late.
        *c.mutable_due_at() = Proto(accepted + absl::Minutes(10));
        --left->second;
      }
    }
    cases.push_back(std::move(c));
  };

  for (const ReferenceRow& row : July2020Rows()) {
    absl::StatusOr<std::string> department = code(row.department);
    if (!department.ok()) return department.status();
    for (int64_t i = 0; i < row.total; ++i) {
      zwfw::v1::HandlingSite site = i < row.center
                                        ? zwfw::v1::HANDLING_SITE_CENTER
                                    : i < row.center + row.department_site
                                        ? zwfw::v1::HANDLING_SITE_DEPARTMENT
                                        : zwfw::v1::HANDLING_SITE_GRASSROOTS;
      add(*department, zwfw::v1::ITEM_CATEGORY_APPROVAL, site, i < row.instant,
          i < row.online);
    }
  }
  for (const auto& [name, n] : ConvenienceSplit()) {
    absl::StatusOr<std::string> department = code(name);
    if (!department.ok()) return department.status();
    for (int64_t i = 0; i < n; ++i) {
      add(*department, zwfw::v1::ITEM_CATEGORY_CONVENIENCE,
          zwfw::v1::HANDLING_SITE_CENTER, true, false);
    }
  }
  for (const auto& [department, left] : overtime_left) {
    if (left > 0) {
      return absl::InternalError(absl::StrCat(
          "could not place ", left, " overtime cases for ", department));
    }
  }
  return cases;
}

std::vector<zwfw::v1::ReturnVisit> July2020ReturnVisits(
    const std::vector<Case>& cases) {
  std::vector<zwfw::v1::ReturnVisit> visits;
  for (size_t i = 0; i < cases.size() &&
                     visits.size() < static_cast<size_t>(kJuly2020ReturnVisits);
       i += 300) {
    const Case& c = cases[i];
    if (c.status() != zwfw::v1::CASE_STATUS_COMPLETED) continue;
    zwfw::v1::ReturnVisit& v = visits.emplace_back();
    v.set_visit_id(absl::StrCat("visit-", c.case_no()));
    v.set_department_code(c.department_code());
    v.set_case_no(c.case_no());
    v.mutable_visited_at()->set_seconds(
        std::min<int64_t>(c.accepted_at().seconds() + 3 * 86400,
                          1596211199));  // within July (CST)
    v.set_reached(true);
    v.set_rating(visits.size() % 4 == 0 ? 4 : 5);
  }
  return visits;
}

}  // namespace zwfw::seedgen

#include "services/bulletin/scorecard_lists.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/period.h"

namespace zwfw::bulletin {
namespace {

std::map<std::string, std::string> NamesOf(
    const google::protobuf::RepeatedPtrField<zwfw::v1::Window>& windows) {
  std::map<std::string, std::string> out;
  for (const auto& w : windows) out[w.code()] = w.name();
  return out;
}

}  // namespace

std::string AwardedStaff(const zwfw::v1::Scorecard& card,
                         const zwfw::v1::DirectorySnapshot& directory) {
  const std::map<std::string, std::string> window_name =
      NamesOf(directory.windows());
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> staff_of;
  for (const auto& m : card.staff()) {
    if (!staff_of.count(m.window_code())) order.push_back(m.window_code());
    staff_of[m.window_code()].push_back(m.name());
  }
  std::vector<std::string> groups;
  for (const std::string& w : order) {
    auto name = window_name.find(w);
    groups.push_back(absl::StrCat(
        name == window_name.end() || name->second.empty() ? w : name->second,
        absl::StrJoin(staff_of[w], "、")));
  }
  return absl::StrJoin(groups, "；");
}

std::string AwardedWindows(const zwfw::v1::Scorecard& card) {
  std::vector<std::string> names;
  for (const auto& w : card.windows()) names.push_back(w.name());
  return absl::StrJoin(names, "、");
}

std::vector<TierList> Tiers(const zwfw::v1::Scorecard& card) {
  std::vector<TierList> out;
  TierList below;
  for (const auto& s : card.departments()) {
    if (s.tier().empty()) {
      below.departments.push_back(s.department_name());
      continue;
    }
    TierList* list = nullptr;
    for (TierList& t : out) {
      if (t.tier == s.tier()) list = &t;
    }
    if (list == nullptr) {
      list = &out.emplace_back();
      list->tier = s.tier();
    }
    list->departments.push_back(s.department_name());
  }
  if (!below.departments.empty()) out.push_back(std::move(below));
  return out;
}

std::vector<std::string> CorrectionItems(
    const google::protobuf::RepeatedPtrField<zwfw::v1::CaseCorrection>&
        corrections,
    const zwfw::v1::DirectorySnapshot& directory) {
  std::map<std::string, std::string> names;
  for (const auto& d : directory.departments()) names[d.code()] = d.name();
  std::vector<std::string> items;
  for (const auto& c : corrections) {
    auto name = names.find(c.department_code());
    absl::StatusOr<Period> month = Period::Parse(c.corrected_month());
    items.push_back(absl::StrCat(
        month.ok() ? absl::StrCat(month->year(), "年", month->month_number())
                   : c.corrected_month(),
        "月份", name == names.end() ? c.department_code() : name->second,
        "办件", c.case_no(), "（", c.reason(), "）"));
  }
  return items;
}

std::string ChineseNumeral(int n) {
  static constexpr const char* kDigits[] = {"",   "一", "二", "三", "四",
                                            "五", "六", "七", "八", "九"};
  if (n <= 0 || n >= 100) return absl::StrCat(n);
  if (n < 10) return kDigits[n];
  return absl::StrCat(n >= 20 ? kDigits[n / 10] : "", "十", kDigits[n % 10]);
}

}  // namespace zwfw::bulletin

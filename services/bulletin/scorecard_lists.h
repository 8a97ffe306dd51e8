// The scorecard's and intake's lists as a bulletin words them, for the
// built-in format (composer.h) and templates (template_composer.h) alike:
// the outstanding staff grouped by window, the outstanding windows, the
// departments by tier, and the corrections of published months.
//
// Pure; thread-safe.
#ifndef ZWFW_SERVICES_BULLETIN_SCORECARD_LISTS_H_
#define ZWFW_SERVICES_BULLETIN_SCORECARD_LISTS_H_

#include <string>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/scoring.pb.h"

namespace zwfw::bulletin {

// "公安窗口李宇、雷璐；市场监管窗口敖明园": each window (the directory's
// name, else its code) with its staff, windows in order of first
// appearance; empty without staff.
std::string AwardedStaff(const zwfw::v1::Scorecard& card,
                         const zwfw::v1::DirectorySnapshot& directory);
// "公安窗口、农业农村窗口": the outstanding windows in the office's order.
std::string AwardedWindows(const zwfw::v1::Scorecard& card);

// The departments of one tier, in the scorecard's order (highest first).
struct TierList {
  std::string tier;  // its label ("100分以上"); empty: below every tier
  std::vector<std::string> departments;
};
// The tiers in order of their first department, then (when any) the
// departments below every tier as one last list with an empty label.
std::vector<TierList> Tiers(const zwfw::v1::Scorecard& card);

// "2020年7月份区公安局办件late-1（补录漏报办件）" per correction, the
// department by the directory's name (else its code).
std::vector<std::string> CorrectionItems(
    const google::protobuf::RepeatedPtrField<zwfw::v1::CaseCorrection>&
        corrections,
    const zwfw::v1::DirectorySnapshot& directory);

// 一, 二, … 十, 十一, … 九十九: a list's numbering.
std::string ChineseNumeral(int n);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_SCORECARD_LISTS_H_

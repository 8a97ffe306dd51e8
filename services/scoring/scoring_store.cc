#include "services/scoring/scoring_store.h"

#include "absl/strings/str_cat.h"

namespace zwfw::scoring {

absl::Status FrozenPeriodError(const std::string& period) {
  return absl::FailedPreconditionError(absl::StrCat(
      "period ", period, " is frozen: its scores can no longer change"));
}

zwfw::v1::Scorecard AwardsRecord(const Awards& awards) {
  zwfw::v1::Scorecard record;
  for (const auto& w : awards.windows) *record.add_windows() = w;
  for (const auto& m : awards.staff) *record.add_staff() = m;
  return record;
}

Awards AwardsOf(const zwfw::v1::Scorecard& record) {
  Awards awards;
  awards.windows.assign(record.windows().begin(), record.windows().end());
  awards.staff.assign(record.staff().begin(), record.staff().end());
  return awards;
}

}  // namespace zwfw::scoring

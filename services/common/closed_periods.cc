#include "services/common/closed_periods.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace zwfw {

absl::Status ClosedPeriodError(absl::string_view field,
                               absl::string_view month) {
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": ", month,
      " is published and closed: records dated in it are no longer "
      "accepted or changed"));
}

absl::Status ServeClosePeriod(const zwfw::v1::ClosePeriodRequest& request,
                              const Principal& who, absl::Time now,
                              absl::string_view refuses,
                              const CloseInStore& close,
                              zwfw::v1::ClosePeriodResponse* response) {
  absl::StatusOr<Period> period = Period::Parse(request.period());
  if (!period.ok()) return period.status();
  absl::StatusOr<bool> newly = close(*period, who.Who(), now);
  if (!newly.ok()) return newly.status();
  response->set_period(period->ToString());
  response->set_newly_closed(*newly);
  if (*newly) {
    LogInfo(absl::StrCat("period ", period->ToString(), " closed to ", refuses,
                         " by ", who.Who()));
  }
  return absl::OkStatus();
}

}  // namespace zwfw

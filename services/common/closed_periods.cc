#include "services/common/closed_periods.h"

#include "absl/strings/str_cat.h"

namespace zwfw {

absl::Status ClosedPeriodError(absl::string_view field,
                               absl::string_view month) {
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": ", month,
      " is published and closed: records dated in it are no longer "
      "accepted or changed"));
}

}  // namespace zwfw

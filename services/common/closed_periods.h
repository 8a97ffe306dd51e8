// A published period is closed (DESIGN.md, "Who may say what"): bulletin's
// Publish closes the month in the services that hold its records first,
// and from then on a record dated in it is refused, so the published
// figures cannot move under the version. The refusal reads the same in
// every service.
#ifndef ZWFW_SERVICES_COMMON_CLOSED_PERIODS_H_
#define ZWFW_SERVICES_COMMON_CLOSED_PERIODS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace zwfw {

// FAILED_PRECONDITION "<field>: <month> is published and closed: ...".
absl::Status ClosedPeriodError(absl::string_view field,
                               absl::string_view month);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_CLOSED_PERIODS_H_

// A published period is closed (DESIGN.md, "Who may say what"): bulletin's
// Publish closes the month in the services that hold its records first,
// and from then on a record dated in it is refused, so the published
// figures cannot move under the version. The refusal reads the same in
// every service.
#ifndef ZWFW_SERVICES_COMMON_CLOSED_PERIODS_H_
#define ZWFW_SERVICES_COMMON_CLOSED_PERIODS_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/period.h"
#include "zwfw/v1/common.pb.h"

namespace zwfw {

// FAILED_PRECONDITION "<field>: <month> is published and closed: ...".
absl::Status ClosedPeriodError(absl::string_view field,
                               absl::string_view month);

// Closes a month in a store: true when newly closed.
using CloseInStore = std::function<absl::StatusOr<bool>(
    const Period& period, const std::string& by, absl::Time now)>;

// The body of every service's ClosePeriod RPC: parses the period
// (INVALID_ARGUMENT), closes it with `close`, answers, and logs who closed
// it and what it now refuses (`refuses`: "ratings and visits").
absl::Status ServeClosePeriod(const zwfw::v1::ClosePeriodRequest& request,
                              const Principal& who, absl::Time now,
                              absl::string_view refuses,
                              const CloseInStore& close,
                              zwfw::v1::ClosePeriodResponse* response);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_CLOSED_PERIODS_H_

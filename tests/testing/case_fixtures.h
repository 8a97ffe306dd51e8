// Cases the intake tests build on.
#ifndef ZWFW_TESTS_TESTING_CASE_FIXTURES_H_
#define ZWFW_TESTS_TESTING_CASE_FIXTURES_H_

#include <string>

#include "absl/time/time.h"
#include "services/common/proto_time.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::testing {

// An approval case of `department`, accepted at the center at `accepted`
// and completed there 20 minutes later (the same CST day).
inline zwfw::v1::Case CompletedCenterCase(const std::string& department,
                                          const std::string& no,
                                          absl::Time accepted) {
  zwfw::v1::Case c;
  c.set_department_code(department);
  c.set_case_no(no);
  c.set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
  c.set_site(zwfw::v1::HANDLING_SITE_CENTER);
  c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
  *c.mutable_accepted_at() = ToProto(accepted);
  *c.mutable_completed_at() = ToProto(accepted + absl::Minutes(20));
  c.set_completed_in_center(true);
  return c;
}

}  // namespace zwfw::testing

#endif  // ZWFW_TESTS_TESTING_CASE_FIXTURES_H_

// The department a request names, resolved in the directory and checked
// against the caller, in one place: every RPC that takes a department code
// or alias and reads that department's records uses it, so the errors read
// the same everywhere.
//
// Pure; thread-safe.
#ifndef ZWFW_SERVICES_COMMON_DEPARTMENT_ACCESS_H_
#define ZWFW_SERVICES_COMMON_DEPARTMENT_ACCESS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/auth.h"
#include "services/common/directory_index.h"
#include "zwfw/v1/directory.pb.h"

namespace zwfw {

// The department `name` (a code or an alias) names: NOT_FOUND
// `department "x" not found in the directory` when there is none.
absl::StatusOr<const zwfw::v1::Department*> FindDepartmentOrNotFound(
    const DirectoryIndex& directory, absl::string_view name);

// The same, when `who` may read its `what` ("cases", "rectifications"):
// PERMISSION_DENIED `token of department:a may not read cases of
// department b` when `who` is another department's token.
absl::StatusOr<const zwfw::v1::Department*> DepartmentReadableBy(
    const DirectoryIndex& directory, absl::string_view name,
    const Principal& who, absl::string_view what);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_DEPARTMENT_ACCESS_H_

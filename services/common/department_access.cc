#include "services/common/department_access.h"

#include "absl/strings/str_cat.h"

namespace zwfw {

absl::StatusOr<const zwfw::v1::Department*> FindDepartmentOrNotFound(
    const DirectoryIndex& directory, absl::string_view name) {
  const zwfw::v1::Department* d = directory.FindDepartment(name);
  if (d == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("department \"", name, "\" not found in the directory"));
  }
  return d;
}

absl::StatusOr<const zwfw::v1::Department*> DepartmentReadableBy(
    const DirectoryIndex& directory, absl::string_view name,
    const Principal& who, absl::string_view what) {
  absl::StatusOr<const zwfw::v1::Department*> d =
      FindDepartmentOrNotFound(directory, name);
  if (!d.ok()) return d.status();
  if (!who.MayRead((*d)->code())) {
    return absl::PermissionDeniedError(
        absl::StrCat("token of ", who.RoleName(), " may not read ", what,
                     " of department ", (*d)->code()));
  }
  return d;
}

}  // namespace zwfw

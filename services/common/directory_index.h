// An immutable, validated, indexed directory snapshot: the departments,
// windows, staff and service items of a service center, with lookups by
// code and by department name or alias. Intake owns the directory; other
// services build an index from what intake's Directory service lists.
//
// Building the index is the validation: a snapshot that cannot be indexed
// (a missing or duplicate code, a colliding alias, a dangling reference, a
// bad category, kind or time limit, an oversized field) is refused with
// INVALID_ARGUMENT naming the entry and the field.
#ifndef ZWFW_SERVICES_COMMON_DIRECTORY_INDEX_H_
#define ZWFW_SERVICES_COMMON_DIRECTORY_INDEX_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zwfw/v1/directory.pb.h"

namespace zwfw {

// Bounds on a snapshot, so that no import can exhaust memory.
inline constexpr int kMaxDepartments = 10000;
inline constexpr int kMaxWindows = 100000;
inline constexpr int kMaxStaff = 200000;
inline constexpr int kMaxServiceItems = 500000;
inline constexpr int kMaxAliases = 32;
inline constexpr size_t kMaxCodeBytes = 64;
inline constexpr size_t kMaxNameBytes = 256;
inline constexpr int kMaxPromisedDays = 365;

class DirectoryIndex {
 public:
  // Validates and indexes. References to departments may use an alias; the
  // indexed snapshot stores the department's code in their place.
  static absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Build(
      zwfw::v1::DirectorySnapshot snapshot, int64_t version);

  // The snapshot as stored: departments in display order, then code.
  const zwfw::v1::DirectorySnapshot& snapshot() const { return snapshot_; }
  int64_t version() const { return version_; }

  // By code, name, table name or alias; null when unknown.
  const zwfw::v1::Department* FindDepartment(absl::string_view name) const;
  const zwfw::v1::Window* FindWindow(absl::string_view code) const;
  const zwfw::v1::Staff* FindStaff(absl::string_view code) const;
  const zwfw::v1::ServiceItem* FindServiceItem(absl::string_view code) const;

 private:
  DirectoryIndex() = default;

  zwfw::v1::DirectorySnapshot snapshot_;
  int64_t version_ = 0;
  // Values index into snapshot_'s repeated fields.
  absl::flat_hash_map<std::string, int> department_by_name_;
  absl::flat_hash_map<std::string, int> window_by_code_;
  absl::flat_hash_map<std::string, int> staff_by_code_;
  absl::flat_hash_map<std::string, int> item_by_code_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_DIRECTORY_INDEX_H_

// Volume classes of the attachment table (办件量分类), the one definition:
// departments are grouped by their approval cases of the period into
// "1000件以上" (more than `large_above`), "101-1000件" (more than
// `medium_above`), "1-100件" (at least one), and "无办件" (none). The bulletin
// takes the bounds from its flags; the CLI's `cases stats` uses the defaults.
//
// Pure and immutable; thread-safe.
#ifndef ZWFW_SERVICES_COMMON_VOLUME_CLASSES_H_
#define ZWFW_SERVICES_COMMON_VOLUME_CLASSES_H_

#include <cstdint>
#include <string>

namespace zwfw {

inline constexpr char kNoCasesClass[] = "无办件";

struct VolumeClasses {
  int64_t large_above = 1000;
  int64_t medium_above = 100;

  // The class label of a department with `total` approval cases:
  // "1000件以上", "101-1000件", "1-100件", or kNoCasesClass for 0.
  std::string LabelOf(int64_t total) const;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_VOLUME_CLASSES_H_

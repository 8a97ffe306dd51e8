#include "services/common/volume_classes.h"

#include "absl/strings/str_cat.h"

namespace zwfw {

std::string VolumeClasses::LabelOf(int64_t total) const {
  if (total <= 0) return kNoCasesClass;
  if (total > large_above) return absl::StrCat(large_above, "件以上");
  if (total > medium_above) {
    return absl::StrCat(medium_above + 1, "-", large_above, "件");
  }
  return absl::StrCat("1-", medium_above, "件");
}

}  // namespace zwfw

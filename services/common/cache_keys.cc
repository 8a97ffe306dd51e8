#include "services/common/cache_keys.h"

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"

namespace zwfw {

std::string ScorecardCacheKey(absl::string_view period,
                              absl::string_view inputs) {
  return absl::StrCat("zwfw:scorecard:", period, ":", Sha256Hex(inputs));
}

std::string RenderCacheKey(absl::string_view period, absl::string_view format,
                           absl::string_view inputs) {
  return absl::StrCat("zwfw:render:", period, ":", format, ":",
                      Sha256Hex(inputs));
}

std::string HttpCacheKey(absl::string_view rpc_full_name,
                         absl::string_view inputs) {
  return absl::StrCat("zwfw:http:", rpc_full_name, ":", Sha256Hex(inputs));
}

std::string RateLimitKey(absl::string_view caller, int64_t minute) {
  return absl::StrCat("zwfw:rate:", caller, ":", minute);
}

}  // namespace zwfw

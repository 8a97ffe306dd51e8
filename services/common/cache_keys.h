// Every Redis key zwfw uses, built here and nowhere else, one function per
// kind. A cached value's key carries a SHA-256 of everything the value was
// computed from (the data versions of the systems of record, the request,
// the caller's role...), so an entry is never stale and nothing is ever
// invalidated (DESIGN.md, "Caching"). The caller says what the inputs are;
// this file says how they become a key.
//
//   zwfw:scorecard:{period}:{sha256}        scoring's computed scorecard
//   zwfw:render:{period}:{FORMAT}:{sha256}  bulletin's rendered document
//   zwfw:http:{rpc full name}:{sha256}      the gateway's response
//   zwfw:rate:{caller}:{minute}             the gateway's rate counter
//
// Pure functions; thread-safe.
#ifndef ZWFW_SERVICES_COMMON_CACHE_KEYS_H_
#define ZWFW_SERVICES_COMMON_CACHE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace zwfw {

std::string ScorecardCacheKey(absl::string_view period,
                              absl::string_view inputs);
std::string RenderCacheKey(absl::string_view period, absl::string_view format,
                           absl::string_view inputs);
std::string HttpCacheKey(absl::string_view rpc_full_name,
                         absl::string_view inputs);
// The counter of `caller`'s requests in one minute (Unix minutes).
std::string RateLimitKey(absl::string_view caller, int64_t minute);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_CACHE_KEYS_H_

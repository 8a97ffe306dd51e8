// A JSON string literal of UTF-8 text: the quotes, backslashes and control
// characters escaped, everything else as it is. Used where JSON is built
// by hand (the gateway's error bodies, import rows turned into proto JSON).
#ifndef ZWFW_SERVICES_COMMON_JSON_STRING_H_
#define ZWFW_SERVICES_COMMON_JSON_STRING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace zwfw {

// "say \"hi\"\n" for `say "hi"` and a line break.
std::string JsonString(absl::string_view s);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_JSON_STRING_H_

#include "services/common/bearer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zwfw {
namespace {

constexpr absl::string_view kScheme = "Bearer ";

}  // namespace

std::string BearerValue(absl::string_view token) {
  return absl::StrCat(kScheme, token);
}

void AddBearerToken(grpc::ClientContext* context, absl::string_view token) {
  context->AddMetadata(kAuthorizationKey, BearerValue(token));
}

std::optional<std::string> ParseBearer(absl::string_view value) {
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  absl::string_view token =
      absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

}  // namespace zwfw

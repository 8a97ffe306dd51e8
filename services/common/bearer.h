// The bearer credential, spelled in one place: every call carries
// `authorization: Bearer <token>` (gRPC metadata, HTTP header). Clients add
// it with AddBearerToken; servers read it with ParseBearer (auth.h's
// BearerToken and the gateway).
#ifndef ZWFW_SERVICES_COMMON_BEARER_H_
#define ZWFW_SERVICES_COMMON_BEARER_H_

#include <grpcpp/client_context.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace zwfw {

// The metadata key (lower case, as gRPC requires) and HTTP header name.
inline constexpr char kAuthorizationKey[] = "authorization";

// "Bearer <token>".
std::string BearerValue(absl::string_view token);

// Adds `authorization: Bearer <token>` to a call.
void AddBearerToken(grpc::ClientContext* context, absl::string_view token);

// The token of an authorization value: the scheme "Bearer" in any case,
// one or more spaces, a non-empty token (surrounding white space dropped).
// nullopt when the value is not of that form.
std::optional<std::string> ParseBearer(absl::string_view value);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_BEARER_H_

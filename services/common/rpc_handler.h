// The frame of every unary RPC handler, written once: authorize the caller
// for the RPC's roles, run the use case with the caller's principal, convert
// its absl::Status to grpc::Status at the edge. A handler is then only the
// mapping between proto and domain:
//
//   grpc::Status ScoringService::SetRules(grpc::ServerContext* context,
//                                         const SetRulesRequest* request,
//                                         SetRulesResponse* response) {
//     return HandleRpc(*tokens_, *context, "SetRules", {Role::kAdmin},
//                      [&](const Principal& who) -> absl::Status {
//                        ...
//                        return absl::OkStatus();
//                      });
//   }
//
// UNAUTHENTICATED or PERMISSION_DENIED (auth.h's Authorize) before the use
// case runs; otherwise the use case's status, code and message unchanged.
#ifndef ZWFW_SERVICES_COMMON_RPC_HANDLER_H_
#define ZWFW_SERVICES_COMMON_RPC_HANDLER_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <initializer_list>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/auth.h"
#include "services/common/status.h"

namespace zwfw {

template <typename UseCase>
grpc::Status HandleRpc(TokenStore& tokens,
                       const grpc::ServerContextBase& context,
                       absl::string_view rpc,
                       std::initializer_list<Role> allowed,
                       UseCase&& use_case) {
  absl::StatusOr<Principal> who = Authorize(tokens, context, rpc, allowed);
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(std::forward<UseCase>(use_case)(*who));
}

// The same for the callback API, for a use case that is done when it
// returns: the call finishes with its status at once.
template <typename UseCase>
grpc::ServerUnaryReactor* HandleRpcNow(TokenStore& tokens,
                                       grpc::CallbackServerContext* context,
                                       absl::string_view rpc,
                                       std::initializer_list<Role> allowed,
                                       UseCase&& use_case) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(HandleRpc(tokens, *context, rpc, allowed,
                            std::forward<UseCase>(use_case)));
  return reactor;
}

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_RPC_HANDLER_H_

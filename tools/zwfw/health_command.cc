#include <iostream>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"

namespace zwfw::cli {

int RunHealthCommand(const ClientOptions& options,
                     const std::vector<std::string>& args) {
  if (args.size() > 1) {
    std::cerr << GroupUsage("health");
    return kExitUsage;
  }
  const std::string address =
      ServerAddress(options, args.empty() ? "intake" : args[0]);
  std::shared_ptr<grpc::Channel> channel = ConnectOrSay(options, address);
  if (channel == nullptr) return kExitUsage;
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse response;
  // Health needs no token, so load balancers can probe it.
  grpc::Status s = stub->Check(NewContext(options).get(), {}, &response);
  if (!s.ok()) return ReportRpcError(s, "health of " + address);
  std::cout << address << " "
            << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                   response.status())
            << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? kExitOk
             : kExitCallFailed;
}

}  // namespace zwfw::cli

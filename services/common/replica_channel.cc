#include "services/common/replica_channel.h"

#include <grpc/grpc.h>

namespace zwfw {

void ConfigureForReplicas(grpc::ChannelArguments& args) {
  args.SetServiceConfigJSON(kReplicaServiceConfig);
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
}

}  // namespace zwfw

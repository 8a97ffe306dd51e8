// How every zwfw client reaches a service that may run as several replicas
// (the gateway and the services calling each other, the `zwfw` CLI). The
// address is any gRPC target:
//
//   intake:50051                          one name, its first address
//   dns:///intake:50051                   every address the name resolves to
//                                         (a Kubernetes headless Service)
//   ipv4:10.0.0.1:50051,10.0.0.2:50051    a fixed list
//
// and the channel's service config (kReplicaServiceConfig) balances calls
// over the addresses round-robin, leaves out a replica whose standard health
// service does not say SERVING (a draining server says NOT_SERVING before it
// stops listening), and sends a call again — up to 3 attempts, 50 ms
// backoff doubling to 1 s — when it fails UNAVAILABLE before any answer
// came back. Such a call may have reached a replica (which then died before
// answering), so only reads and the writes idempotent by their key are
// sent again — a case by department and case_no, an evaluation or a visit
// by id (a repeat is DUPLICATE), closing a period. The office's writes that
// are not (an adjustment gets a new id, a publish a new version, a draft a
// new revision, rules and awards an audit entry) are listed without a
// retry policy, which the most specific name wins over. The config is
// fixed here, not taken from DNS (TXT records are ignored).
#ifndef ZWFW_SERVICES_COMMON_REPLICA_CHANNEL_H_
#define ZWFW_SERVICES_COMMON_REPLICA_CHANNEL_H_

#include <grpcpp/support/channel_arguments.h>

namespace zwfw {

// The help of every flag naming a service to call (--intake, --survey, ...).
inline constexpr char kServiceAddressHelp[] =
    "the service's address: HOST:PORT, or a gRPC target naming several "
    "replicas (dns:///NAME:PORT, ipv4:A:PORT,B:PORT)";

inline constexpr char kReplicaServiceConfig[] = R"json({
  "loadBalancingConfig": [{"round_robin": {}}],
  "healthCheckConfig": {"serviceName": ""},
  "methodConfig": [{
    "name": [{}],
    "retryPolicy": {
      "maxAttempts": 3,
      "initialBackoff": "0.05s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }, {
    "name": [
      {"service": "zwfw.v1.Scoring", "method": "SetRules"},
      {"service": "zwfw.v1.Scoring", "method": "AddAdjustment"},
      {"service": "zwfw.v1.Scoring", "method": "RemoveAdjustment"},
      {"service": "zwfw.v1.Scoring", "method": "SetAwards"},
      {"service": "zwfw.v1.Scoring", "method": "FreezeScorecard"},
      {"service": "zwfw.v1.Bulletin", "method": "UpdateDraft"},
      {"service": "zwfw.v1.Bulletin", "method": "Publish"},
      {"service": "zwfw.v1.Survey", "method": "UpdateRectification"},
      {"service": "zwfw.v1.Directory", "method": "ImportDirectory"}
    ]
  }]
})json";

// Sets kReplicaServiceConfig on `args`, and stops a resolver's own config
// from replacing it.
void ConfigureForReplicas(grpc::ChannelArguments& args);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_REPLICA_CHANNEL_H_

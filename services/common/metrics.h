// Prometheus metrics of a server: a registry, the /metrics endpoint, and a
// gRPC server interceptor that records every RPC:
//
//   zwfw_rpc_total{method="/zwfw.v1.Directory/ListDepartments",code="OK"}
//   zwfw_rpc_duration_seconds{method="..."}  (histogram)
#ifndef ZWFW_SERVICES_COMMON_METRICS_H_
#define ZWFW_SERVICES_COMMON_METRICS_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
class Registry;
template <typename T>
class Family;
class Counter;
class Histogram;
}  // namespace prometheus

namespace zwfw {

class Metrics {
 public:
  // Serves /metrics on `listen` ("host:port") when it is not empty;
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Metrics>> Create(
      const std::string& listen);
  ~Metrics();

  prometheus::Registry& registry() { return *registry_; }

  // Records one finished RPC.
  void RecordRpc(const std::string& method, int code, double seconds);

  // The interceptor factory to pass to ServerBuilder; it records into this.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  NewInterceptorFactory();

 private:
  Metrics();
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  prometheus::Family<prometheus::Counter>* rpc_total_;
  prometheus::Family<prometheus::Histogram>* rpc_duration_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_METRICS_H_

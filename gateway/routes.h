// The gateway's routes, read from the zwfw.v1.http option of every RPC in
// the generated descriptors: one place declares both the RPC and its URL.
#ifndef ZWFW_GATEWAY_ROUTES_H_
#define ZWFW_GATEWAY_ROUTES_H_

#include <google/protobuf/descriptor.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zwfw::gateway {

struct Route {
  std::string verb;    // "GET" or "POST"
  std::string path;    // the template, e.g. /v1/periods/{period}/case-stats
  bool body = false;   // POST body is the request
  bool cache = false;  // GET answers may be cached (HttpRule.cache)
  const google::protobuf::MethodDescriptor* method = nullptr;
  // "intake", "survey", "scoring" or "bulletin": which server serves it.
  std::string backend;
};

struct Match {
  const Route* route = nullptr;
  std::map<std::string, std::string> path_params;
};

class RouteTable {
 public:
  // Every annotated method of the zwfw.v1 services. INTERNAL for a
  // template that binds an unknown field or a repeated route.
  static absl::StatusOr<RouteTable> FromDescriptors();

  // NOT_FOUND for an unknown path; a 405-worthy FAILED_PRECONDITION when
  // the path exists with another verb.
  absl::StatusOr<Match> Find(absl::string_view verb,
                             absl::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_ROUTES_H_

// libFuzzer target: the gateway's request path, as far as it goes without
// calling a service. The first byte picks what the rest is:
//   0  the bytes a client sends: read with the server's parser and limits
//      (http_message.h), then the gateway's own handling of the request
//      (tokens, routing, path and query parameters, the JSON
//      body transcoded into the RPC's request) through HandleQuickly;
//   1  one route (the second byte picks it, so every RPC's request message
//      is reached) with its path parameters, query and JSON body as
//      '\0'-separated pieces, through BuildRequest;
//   2  one route's response message as protobuf wire bytes, transcoded to
//      the JSON reply (OkReply).
// Nothing may crash, leak or trip UBSan, and every reply must be a valid
// HTTP status with a body that says why when it is an error.
#include <google/protobuf/message.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/backends.h"
#include "gateway/gateway.h"
#include "gateway/http_message.h"
#include "gateway/routes.h"
#include "gateway/transcoder.h"
#include "services/common/auth.h"

namespace {

using zwfw::gateway::Gateway;
using zwfw::gateway::HttpReply;

// What every input shares: built once (a gateway with no services behind
// it: HandleQuickly never calls one).
struct Fixture {
  Fixture()
      : routes(*zwfw::gateway::RouteTable::FromDescriptors()),
        backends(std::map<std::string, zwfw::gateway::Backends::Backend>{}) {
    std::string file;
    for (const char* line :
         {"admin-token admin", "service-token service", "viewer-token viewer",
          "department-token department:qj-gaj", "evaluator-token evaluator:W01",
          "channel-token channel:online"}) {
      const std::vector<std::string> parts = absl::StrSplit(line, ' ');
      absl::StrAppend(&file, zwfw::Sha256Hex(parts[0]), " ", parts[1], "\n");
    }
    tokens = *zwfw::TokenStore::FromContents(file);
    zwfw::gateway::GatewayOptions options;
    options.anonymous_viewer_token = "viewer-token";
    options.tokens = tokens.get();
    gateway = std::make_unique<Gateway>(&routes, &backends, nullptr, options);
  }
  zwfw::gateway::RouteTable routes;
  zwfw::gateway::Backends backends;
  std::unique_ptr<zwfw::TokenStore> tokens;
  std::unique_ptr<Gateway> gateway;
};

void CheckReply(const HttpReply& reply) {
  if (reply.status < 200 || reply.status > 599) std::abort();
  if (reply.status >= 400 &&
      reply.body.find("\"message\"") == std::string::npos)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* const fixture = new Fixture();
  if (size < 2) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::vector<zwfw::gateway::Route>& routes = fixture->routes.routes();
  switch (data[0] % 3) {
    case 0: {
      zwfw::gateway::HttpServerOptions limits;
      limits.max_body_bytes = 64 << 10;  // the fuzzer's inputs are smaller
      absl::StatusOr<zwfw::gateway::HttpRequest> request =
          zwfw::gateway::ParseRequest(rest, limits);
      if (!request.ok()) break;
      request->client = "192.0.2.1";
      if (std::optional<HttpReply> reply =
              fixture->gateway->HandleQuickly(*request)) {
        CheckReply(*reply);
      }
      break;
    }
    case 1: {
      const zwfw::gateway::Route& route = routes[data[1] % routes.size()];
      const std::vector<std::string> pieces =
          absl::StrSplit(absl::string_view(rest).substr(1), '\0');
      zwfw::gateway::Match match;
      match.route = &route;
      size_t next = 0;
      // The template's parameters in order: /v1/periods/{period}/...
      for (size_t open = route.path.find('{'); open != std::string::npos;
           open = route.path.find('{', open + 1)) {
        const size_t close = route.path.find('}', open);
        match.path_params[route.path.substr(open + 1, close - open - 1)] =
            next < pieces.size() ? pieces[next++] : "";
      }
      const std::string query = next < pieces.size() ? pieces[next++] : "";
      const std::string body = next < pieces.size() ? pieces[next] : "";
      auto request = zwfw::gateway::BuildRequest(match, query, body);
      if (!request.ok())
        CheckReply(zwfw::gateway::ErrorReply(request.status()));
      break;
    }
    default: {
      const zwfw::gateway::Route& route = routes[data[1] % routes.size()];
      std::unique_ptr<google::protobuf::Message> response(
          google::protobuf::MessageFactory::generated_factory()
              ->GetPrototype(route.method->output_type())
              ->New());
      if (response->ParseFromString(rest.substr(1))) {
        CheckReply(zwfw::gateway::OkReply(*response));
      }
    }
  }
  return 0;
}

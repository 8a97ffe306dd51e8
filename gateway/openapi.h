// The OpenAPI 3 document of the gateway's routes, generated from the same
// declarations (the zwfw.v1.http options) the gateway routes by.
#ifndef ZWFW_GATEWAY_OPENAPI_H_
#define ZWFW_GATEWAY_OPENAPI_H_

#include <string>

#include "gateway/routes.h"

namespace zwfw::gateway {

std::string OpenApiJson(const RouteTable& routes);

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_OPENAPI_H_

#pragma once
// The OpenAPI 3.0 document of the hub, generated from the route table and the
// component schemas the API resources registered, so it always describes
// exactly the routes that are served.
#include <string>

#include "mamori/core/result.hpp"
#include "mamori/hub/http/router.hpp"

namespace mamori::hub {

// Fails if a registered schema is not valid JSON.
Result<std::string> build_openapi(const Router& router);

}  // namespace mamori::hub

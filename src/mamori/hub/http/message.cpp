#include "mamori/hub/http/message.hpp"

#include <fmt/format.h>

#include "mamori/core/json_text.hpp"

namespace mamori::hub {

Response error_response(int status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  r.body = fmt::format(R"({{"error":{{"code":{},"message":{}}}}})", json_quote(code), json_quote(message));
  return r;
}

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace mamori::hub

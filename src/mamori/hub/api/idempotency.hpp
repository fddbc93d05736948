#pragma once
// The Idempotency-Key header of a POST, scoped to the calling API key and
// bound to a hash of the request (method, path, body): a retry after a lost
// response returns the first result instead of writing twice; the same key
// with a different request is refused (409).
#include <optional>

#include "mamori/hub/http/message.hpp"
#include "mamori/store/records.hpp"

namespace mamori::hub {

Result<std::optional<store::IdempotencyKey>> idempotency_of(const Request& request);

}  // namespace mamori::hub

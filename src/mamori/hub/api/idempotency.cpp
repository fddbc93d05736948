#include "mamori/hub/api/idempotency.hpp"

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/sha256.hpp"
#include "mamori/store/validate.hpp"

namespace mamori::hub {

Result<std::optional<store::IdempotencyKey>> idempotency_of(const Request& request) {
  const std::string* key = request.header("idempotency-key");
  if (!key) return std::optional<store::IdempotencyKey>{};
  crypto::Sha256 h;
  h.update(request.method);
  h.update(std::string_view("\n", 1));
  h.update(request.path);
  h.update(std::string_view("\n", 1));
  h.update(request.body);
  store::IdempotencyKey idem{request.principal ? request.principal->key_id : std::string(), *key,
                             crypto::hex_encode(h.finish())};
  if (auto ok = store::validate_idempotency(idem); !ok) return tl::unexpected(ok.error());
  return std::optional<store::IdempotencyKey>(std::move(idem));
}

}  // namespace mamori::hub

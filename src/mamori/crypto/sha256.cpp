// The low-level SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP,
// whose per-call dispatch costs more than hashing a 65-byte node itself.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "mamori/crypto/sha256.hpp"

#include <openssl/sha.h>

#include <new>

namespace mamori::crypto {

static_assert(sizeof(SHA256_CTX) <= sizeof(std::array<unsigned char, 112>));
static_assert(alignof(SHA256_CTX) <= 8);

namespace {
SHA256_CTX* ctx(std::array<unsigned char, 112>& state) noexcept {
  return std::launder(reinterpret_cast<SHA256_CTX*>(state.data()));
}
}  // namespace

Sha256::Sha256() noexcept {
  SHA256_Init(new (state_.data()) SHA256_CTX);
}

void Sha256::update(const void* data, std::size_t size) noexcept { SHA256_Update(ctx(state_), data, size); }

Hash Sha256::finish() noexcept {
  Hash out;
  SHA256_Final(out.data(), ctx(state_));
  return out;
}

// Not OpenSSL's one-shot SHA256(): in OpenSSL 3 it fetches the algorithm on every call.
Hash sha256(ByteView data) noexcept {
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, data.data(), data.size());
  Hash out;
  SHA256_Final(out.data(), &c);
  return out;
}

}  // namespace mamori::crypto

#pragma once
// RFC 9162 §2.1 Merkle tree hashing and proof verification (stateless).
#include <cstdint>
#include <span>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/crypto/sha256.hpp"

namespace mamori::ledger {

using crypto::ByteView;
using crypto::Hash;

// SHA-256(0x00 ‖ data)
Hash hash_leaf(ByteView data) noexcept;
// SHA-256(0x01 ‖ left ‖ right)
Hash hash_children(const Hash& left, const Hash& right) noexcept;
// MTH({}) = SHA-256("")
const Hash& empty_root() noexcept;

inline ByteView view(const Hash& h) noexcept { return {h.data(), h.size()}; }

// The root implied by an inclusion proof (audit path, RFC 9162 §2.1.3.2), or
// an error for a malformed request/proof. Requires index < size.
Result<Hash> root_from_inclusion_proof(std::uint64_t index, std::uint64_t size, ByteView leaf_hash,
                                       std::span<const Hash> proof);
Status verify_inclusion(std::uint64_t index, std::uint64_t size, ByteView leaf_hash, std::span<const Hash> proof,
                        ByteView root);

// RFC 9162 §2.1.4.2. Requires 0 < size1 <= size2; equal sizes need an empty
// proof and equal roots. Roots are compared as byte strings.
Status verify_consistency(std::uint64_t size1, std::uint64_t size2, std::span<const Hash> proof, ByteView root1,
                          ByteView root2);

// Number of hashes in a correct inclusion proof (0 if index >= size).
std::size_t inclusion_proof_length(std::uint64_t index, std::uint64_t size) noexcept;

}  // namespace mamori::ledger

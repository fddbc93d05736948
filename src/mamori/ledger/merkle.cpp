#include "mamori/ledger/merkle.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "mamori/crypto/encoding.hpp"

namespace mamori::ledger {

namespace {

// An inclusion proof splits where the paths to `index` and to the last leaf
// (size - 1) diverge: below that point ("inner") siblings sit left or right
// depending on the index bits; above it ("border") the path runs along the
// right edge of the tree, so every sibling is a left one, and only levels where
// the index has a 1 bit contribute one.
struct ProofShape {
  unsigned inner;
  unsigned border;
};

ProofShape decompose(std::uint64_t index, std::uint64_t size) noexcept {
  auto inner = static_cast<unsigned>(std::bit_width(index ^ (size - 1)));
  auto border = static_cast<unsigned>(std::popcount(inner >= 64 ? 0 : index >> inner));
  return {inner, border};
}

Hash chain_inner(Hash seed, std::span<const Hash> proof, std::uint64_t index) noexcept {
  for (std::size_t i = 0; i < proof.size(); ++i)
    seed = ((index >> i) & 1) ? hash_children(proof[i], seed) : hash_children(seed, proof[i]);
  return seed;
}

// Like chain_inner but skipping right-hand siblings: the hash of the same
// subtree as it was before those siblings existed (the older tree's view).
Hash chain_inner_right(Hash seed, std::span<const Hash> proof, std::uint64_t index) noexcept {
  for (std::size_t i = 0; i < proof.size(); ++i)
    if ((index >> i) & 1) seed = hash_children(proof[i], seed);
  return seed;
}

Hash chain_border(Hash seed, std::span<const Hash> proof) noexcept {
  for (const Hash& h : proof) seed = hash_children(h, seed);
  return seed;
}

bool same(ByteView a, ByteView b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

std::string short_hex(ByteView h) { return crypto::hex_encode(h.first(std::min<std::size_t>(h.size(), 8))); }

}  // namespace

Hash hash_leaf(ByteView data) noexcept {
  crypto::Sha256 h;
  const std::uint8_t prefix = 0x00;
  h.update(&prefix, 1);
  h.update(data);
  return h.finish();
}

Hash hash_children(const Hash& left, const Hash& right) noexcept {
  std::uint8_t buf[65];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), 32);
  std::memcpy(buf + 33, right.data(), 32);
  return crypto::sha256(ByteView(buf, sizeof buf));
}

const Hash& empty_root() noexcept {
  static const Hash root = crypto::sha256(ByteView{});
  return root;
}

std::size_t inclusion_proof_length(std::uint64_t index, std::uint64_t size) noexcept {
  if (index >= size) return 0;
  auto [inner, border] = decompose(index, size);
  return inner + border;
}

Result<Hash> root_from_inclusion_proof(std::uint64_t index, std::uint64_t size, ByteView leaf_hash,
                                       std::span<const Hash> proof) {
  if (index >= size) return fail(Errc::invalid_argument, "leaf index {} is not below tree size {}", index, size);
  if (leaf_hash.size() != 32) return fail(Errc::invalid_argument, "leaf hash has {} bytes, want 32", leaf_hash.size());
  auto [inner, border] = decompose(index, size);
  if (proof.size() != inner + border)
    return fail(Errc::corrupt, "inclusion proof has {} hashes, want {} for leaf {} of {}", proof.size(), inner + border,
                index, size);
  Hash seed;
  std::memcpy(seed.data(), leaf_hash.data(), 32);
  Hash h = chain_inner(seed, proof.first(inner), index);
  return chain_border(h, proof.subspan(inner));
}

Status verify_inclusion(std::uint64_t index, std::uint64_t size, ByteView leaf_hash, std::span<const Hash> proof,
                        ByteView root) {
  auto got = root_from_inclusion_proof(index, size, leaf_hash, proof);
  if (!got) return tl::unexpected(got.error());
  if (!same(view(*got), root))
    return fail(Errc::corrupt, "inclusion proof leads to root {}…, not {}…", short_hex(view(*got)), short_hex(root));
  return {};
}

Status verify_consistency(std::uint64_t size1, std::uint64_t size2, std::span<const Hash> proof, ByteView root1,
                          ByteView root2) {
  if (size2 < size1) return fail(Errc::invalid_argument, "size2 ({}) is smaller than size1 ({})", size2, size1);
  if (size1 == 0) return fail(Errc::invalid_argument, "a consistency proof from the empty tree is meaningless");
  if (size1 == size2) {
    if (!proof.empty()) return fail(Errc::corrupt, "sizes are equal but the proof is not empty");
    if (!same(root1, root2)) return fail(Errc::corrupt, "sizes are equal but the roots differ");
    return {};
  }
  if (proof.empty()) return fail(Errc::corrupt, "consistency proof is empty");

  // The proof is the tail of the inclusion proof of leaf size1-1 in the new
  // tree, starting at the level of the largest complete subtree ending at
  // size1 (its root is proof[0], or root1 itself when size1 is a power of 2).
  auto [inner, border] = decompose(size1 - 1, size2);
  auto shift = static_cast<unsigned>(std::countr_zero(size1));
  inner -= shift;  // shift < inner because size1 < size2
  Hash seed;
  std::size_t start;
  if (size1 == (std::uint64_t{1} << shift)) {
    if (root1.size() != 32) return fail(Errc::invalid_argument, "root1 has {} bytes, want 32", root1.size());
    std::memcpy(seed.data(), root1.data(), 32);
    start = 0;
  } else {
    seed = proof[0];
    start = 1;
  }
  if (proof.size() != start + inner + border)
    return fail(Errc::corrupt, "consistency proof has {} hashes, want {} for sizes {} and {}", proof.size(),
                start + inner + border, size1, size2);
  auto rest = proof.subspan(start);
  std::uint64_t mask = (size1 - 1) >> shift;

  Hash h1 = chain_border(chain_inner_right(seed, rest.first(inner), mask), rest.subspan(inner));
  if (!same(view(h1), root1))
    return fail(Errc::corrupt, "consistency proof leads to old root {}…, not {}…", short_hex(view(h1)), short_hex(root1));
  Hash h2 = chain_border(chain_inner(seed, rest.first(inner), mask), rest.subspan(inner));
  if (!same(view(h2), root2))
    return fail(Errc::corrupt, "consistency proof leads to new root {}…, not {}…", short_hex(view(h2)), short_hex(root2));
  return {};
}

}  // namespace mamori::ledger

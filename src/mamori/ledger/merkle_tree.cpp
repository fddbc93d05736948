#include "mamori/ledger/merkle_tree.hpp"

#include <algorithm>
#include <bit>

namespace mamori::ledger {

namespace {

constexpr std::size_t kMaxCachedChunks = 8192;  // 64 MiB of node hashes

std::uint64_t cache_key(unsigned level, std::uint64_t chunk) noexcept { return std::uint64_t{level} << 58 | chunk; }

// Largest power of two strictly below n (n >= 2): the RFC 9162 split point k.
std::uint64_t split_point(std::uint64_t n) noexcept { return std::bit_floor(n - 1); }
unsigned log2_exact(std::uint64_t pow2) noexcept { return static_cast<unsigned>(std::countr_zero(pow2)); }

}  // namespace

std::uint64_t MerkleTree::resume_tail_begin(std::uint64_t size) noexcept {
  return size == 0 ? 0 : ((size - 1) >> kChunkBits) << kChunkBits;
}

Result<MerkleTree> MerkleTree::resume(std::uint64_t size, std::span<const Hash> leaf_tail, ChunkLoader loader) {
  MerkleTree t;
  t.loader_ = std::move(loader);
  t.size_ = size;
  if (size == 0) {
    if (!leaf_tail.empty()) return fail(Errc::invalid_argument, "empty tree given {} leaf hashes", leaf_tail.size());
    return t;
  }
  const std::uint64_t begin = resume_tail_begin(size);
  if (leaf_tail.size() != size - begin)
    return fail(Errc::invalid_argument, "resuming a tree of {} leaves needs leaf hashes {}..{}, got {}", size, begin, size - 1,
                leaf_tail.size());
  const auto levels = static_cast<unsigned>(std::bit_width(size));
  t.levels_.resize(levels);
  t.levels_[0].base = begin;
  t.levels_[0].nodes.assign(leaf_tail.begin(), leaf_tail.end());
  for (unsigned l = 1; l < levels; ++l) {
    const std::uint64_t count = size >> l;
    Level& lv = t.levels_[l];
    lv.base = resume_tail_begin(count);
    lv.nodes.reserve(count - lv.base);
    for (std::uint64_t i = lv.base; i < count; ++i) {
      auto left = t.node(l - 1, 2 * i);
      if (!left) return tl::unexpected(left.error());
      auto right = t.node(l - 1, 2 * i + 1);
      if (!right) return tl::unexpected(right.error());
      lv.nodes.push_back(hash_children(*left, *right));
    }
  }
  return t;
}

void MerkleTree::append(const Hash& leaf_hash) {
  Hash h = leaf_hash;
  std::uint64_t i = size_;
  for (unsigned l = 0;; ++l) {
    if (l == levels_.size()) levels_.push_back(Level{i & ~(kChunkSize - 1), {}});
    Level& lv = levels_[l];
    lv.nodes.push_back(h);
    if (((i + 1) & (kChunkSize - 1)) == 0) completed_.emplace_back(l, i >> kChunkBits);
    if ((i & 1) == 0) break;
    h = hash_children(lv.nodes[lv.nodes.size() - 2], h);
    i >>= 1;
  }
  ++size_;
}

Hash MerkleTree::root() const {
  if (size_ == 0) return empty_root();
  // Fold the frontier (always resident) from the smallest subtree upwards.
  bool have = false;
  Hash h{};
  for (unsigned l = 0; l < levels_.size(); ++l) {
    if (((size_ >> l) & 1) == 0) continue;
    Hash n = resident(l, (size_ >> l) - 1);
    h = have ? hash_children(n, h) : n;
    have = true;
  }
  return h;
}

Result<Hash> MerkleTree::root_at(std::uint64_t size) const {
  if (size > size_) return fail(Errc::invalid_argument, "tree size {} is beyond the log size {}", size, size_);
  if (size == 0) return empty_root();
  if (size == size_) return root();
  return subtree_hash(0, size);
}

Result<Hash> MerkleTree::node(unsigned level, std::uint64_t index) const {
  if (level >= levels_.size() || index >= (size_ >> level))
    return fail(Errc::invalid_argument, "node ({}, {}) is not a complete subtree of a tree of size {}", level, index, size_);
  const Level& lv = levels_[level];
  if (index >= lv.base) return lv.nodes[index - lv.base];
  const std::uint64_t chunk = index >> kChunkBits;
  const std::uint64_t key = cache_key(level, chunk);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second[index & (kChunkSize - 1)];
  if (!loader_) return fail(Errc::not_found, "node ({}, {}) is not resident and there is no store", level, index);
  auto loaded = loader_(level, chunk);
  if (!loaded) return tl::unexpected(loaded.error());
  if (loaded->size() != kChunkSize)
    return fail(Errc::corrupt, "stored tree chunk (level {}, chunk {}) has {} hashes, want {}", level, chunk, loaded->size(),
                kChunkSize);
  if (cache_.size() >= kMaxCachedChunks) cache_.clear();
  auto& hashes = cache_[key] = std::move(*loaded);
  return hashes[index & (kChunkSize - 1)];
}

// The RFC 9162 subtree hash of leaves [begin, end), where begin is a multiple
// of the smallest power of two >= end - begin: the complete subtrees it splits
// into, largest first, folded from the right.
Result<Hash> MerkleTree::subtree_hash(std::uint64_t begin, std::uint64_t end) const {
  Hash parts[64];
  unsigned n = 0;
  std::uint64_t pos = begin;
  for (std::uint64_t rest = end - begin; rest != 0;) {
    const auto level = static_cast<unsigned>(std::bit_width(rest) - 1);
    auto h = node(level, pos >> level);
    if (!h) return h;
    parts[n++] = *h;
    pos += std::uint64_t{1} << level;
    rest -= std::uint64_t{1} << level;
  }
  if (n == 0) return empty_root();
  Hash h = parts[n - 1];
  for (unsigned k = n - 1; k-- > 0;) h = hash_children(parts[k], h);
  return h;
}

Result<std::vector<Hash>> MerkleTree::inclusion_proof(std::uint64_t index, std::uint64_t size) const {
  if (size > size_) return fail(Errc::invalid_argument, "tree size {} is beyond the log size {}", size, size_);
  if (index >= size) return fail(Errc::invalid_argument, "leaf index {} is not below tree size {}", index, size);
  std::vector<Hash> proof;
  proof.reserve(64);
  std::uint64_t lo = 0, hi = size;
  while (hi - lo > 1) {
    const std::uint64_t k = split_point(hi - lo);
    if (index - lo < k) {
      auto h = subtree_hash(lo + k, hi);
      if (!h) return tl::unexpected(h.error());
      proof.push_back(*h);
      hi = lo + k;
    } else {
      const unsigned level = log2_exact(k);
      auto h = node(level, lo >> level);
      if (!h) return tl::unexpected(h.error());
      proof.push_back(*h);
      lo += k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> MerkleTree::consistency_proof(std::uint64_t size1, std::uint64_t size2) const {
  if (size2 > size_) return fail(Errc::invalid_argument, "tree size {} is beyond the log size {}", size2, size_);
  if (size1 > size2) return fail(Errc::invalid_argument, "size1 ({}) is larger than size2 ({})", size1, size2);
  if (size1 == 0) return fail(Errc::invalid_argument, "a consistency proof from the empty tree is meaningless");
  std::vector<Hash> proof;
  if (size1 == size2) return proof;
  proof.reserve(64);
  std::uint64_t lo = 0, hi = size2;
  bool whole_old_tree = true;  // RFC 9162's flag b: [lo, hi) still starts at 0
  for (;;) {
    const std::uint64_t n = hi - lo, m = size1 - lo;
    if (m == n) {
      // The old tree's own root is known to the verifier; a subtree inside it is not.
      if (!whole_old_tree) {
        auto h = subtree_hash(lo, hi);
        if (!h) return tl::unexpected(h.error());
        proof.push_back(*h);
      }
      break;
    }
    const std::uint64_t k = split_point(n);
    if (m <= k) {
      auto h = subtree_hash(lo + k, hi);
      if (!h) return tl::unexpected(h.error());
      proof.push_back(*h);
      hi = lo + k;
    } else {
      const unsigned level = log2_exact(k);
      auto h = node(level, lo >> level);
      if (!h) return tl::unexpected(h.error());
      proof.push_back(*h);
      lo += k;
      whole_old_tree = false;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

void MerkleTree::drain_completed(std::vector<TreeChunk>& out) {
  for (auto [level, chunk] : completed_) {
    const Level& lv = levels_[level];
    const std::uint64_t first = chunk << kChunkBits;
    TreeChunk c;
    c.level = level;
    c.index = chunk;
    auto from = lv.nodes.begin() + static_cast<std::ptrdiff_t>(first - lv.base);
    c.hashes.assign(from, from + static_cast<std::ptrdiff_t>(kChunkSize));
    out.push_back(std::move(c));
  }
  completed_.clear();
}

std::size_t MerkleTree::resident_nodes() const noexcept {
  std::size_t n = 0;
  for (const auto& lv : levels_) n += lv.nodes.size();
  return n;
}

void MerkleTree::release_persisted(std::size_t max_resident) {
  if (!loader_ || !completed_.empty() || resident_nodes() <= max_resident) return;
  cache_.clear();
  for (unsigned l = 0; l < levels_.size(); ++l) {
    Level& lv = levels_[l];
    const std::uint64_t count = size_ >> l;
    if (count == 0) continue;
    const std::uint64_t keep_from = resume_tail_begin(count);
    if (keep_from <= lv.base) continue;
    lv.nodes.erase(lv.nodes.begin(), lv.nodes.begin() + static_cast<std::ptrdiff_t>(keep_from - lv.base));
    lv.base = keep_from;
  }
}

}  // namespace mamori::ledger

// The tree against a direct, recursive transcription of RFC 9162 §2.1.
#include "mamori/ledger/merkle_tree.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "mamori/crypto/encoding.hpp"
#include "mamori/ledger/merkle.hpp"

namespace mamori::ledger {
namespace {

std::string leaf_data(std::uint64_t i) { return "leaf-" + std::to_string(i); }

// MTH, PATH and PROOF exactly as RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 write
// them, memoised per range so all sizes up to 300 stay fast.
class NaiveTree {
 public:
  explicit NaiveTree(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) leaves_.push_back(hash_leaf(crypto::as_bytes(leaf_data(i))));
  }
  Hash mth(std::uint64_t lo, std::uint64_t hi) {
    if (hi == lo) return empty_root();
    if (hi - lo == 1) return leaves_[lo];
    auto key = std::make_pair(lo, hi);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    std::uint64_t k = 1;
    while (k * 2 < hi - lo) k *= 2;
    Hash h = hash_children(mth(lo, lo + k), mth(lo + k, hi));
    memo_[key] = h;
    return h;
  }
  std::vector<Hash> path(std::uint64_t m, std::uint64_t lo, std::uint64_t hi) {
    if (hi - lo == 1) return {};
    std::uint64_t k = 1;
    while (k * 2 < hi - lo) k *= 2;
    std::vector<Hash> out;
    if (m < k) {
      out = path(m, lo, lo + k);
      out.push_back(mth(lo + k, hi));
    } else {
      out = path(m - k, lo + k, hi);
      out.push_back(mth(lo, lo + k));
    }
    return out;
  }
  std::vector<Hash> subproof(std::uint64_t m, std::uint64_t lo, std::uint64_t hi, bool b) {
    const std::uint64_t n = hi - lo;
    if (m == n) {
      if (b) return {};
      return {mth(lo, hi)};
    }
    std::uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    std::vector<Hash> out;
    if (m <= k) {
      out = subproof(m, lo, lo + k, b);
      out.push_back(mth(lo + k, hi));
    } else {
      out = subproof(m - k, lo + k, hi, false);
      out.push_back(mth(lo, lo + k));
    }
    return out;
  }
  const Hash& leaf(std::uint64_t i) const { return leaves_[i]; }

 private:
  std::vector<Hash> leaves_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Hash> memo_;
};

TEST(MerkleTree, EmptyTreeRootIsHashOfNothing) {
  MerkleTree t;
  EXPECT_EQ(t.root(), empty_root());
  EXPECT_EQ(crypto::base64_encode(view(t.root())), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(MerkleTree, RootsInclusionAndConsistencyMatchRfc9162ForAllSizesTo300) {
  constexpr std::uint64_t kMax = 300;
  NaiveTree naive(kMax);
  MerkleTree tree;
  std::mt19937_64 rng(9162);
  for (std::uint64_t n = 1; n <= kMax; ++n) {
    tree.append(naive.leaf(n - 1));
    const Hash root = naive.mth(0, n);
    ASSERT_EQ(tree.root(), root) << "size " << n;
    // Every earlier size is still reachable from the larger tree.
    auto again = tree.root_at(n);
    ASSERT_TRUE(again);
    ASSERT_EQ(*again, root);
  }
  for (std::uint64_t n = 1; n <= kMax; ++n) {
    auto r = tree.root_at(n);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(*r, naive.mth(0, n)) << "root_at " << n;
    // Inclusion: every index for small trees, random ones beyond.
    std::vector<std::uint64_t> indexes;
    if (n <= 64) {
      for (std::uint64_t i = 0; i < n; ++i) indexes.push_back(i);
    } else {
      indexes = {0, n - 1, n / 2};
      for (int k = 0; k < 12; ++k) indexes.push_back(rng() % n);
    }
    for (std::uint64_t i : indexes) {
      auto proof = tree.inclusion_proof(i, n);
      ASSERT_TRUE(proof) << proof.error().message;
      ASSERT_EQ(*proof, naive.path(i, 0, n)) << "PATH(" << i << ", " << n << ")";
      ASSERT_EQ(proof->size(), inclusion_proof_length(i, n));
      ASSERT_TRUE(verify_inclusion(i, n, view(naive.leaf(i)), *proof, view(*r))) << i << "/" << n;
      if (!proof->empty()) {
        auto bad = *proof;
        bad[rng() % bad.size()][0] ^= 1;
        EXPECT_FALSE(verify_inclusion(i, n, view(naive.leaf(i)), bad, view(*r)));
      }
      if (n > 1) {
        EXPECT_FALSE(verify_inclusion((i + 1) % n, n, view(naive.leaf(i)), *proof, view(*r)));
      }
    }
    // Consistency: every older size for small trees, a sample beyond.
    std::vector<std::uint64_t> olds;
    if (n <= 64) {
      for (std::uint64_t m = 1; m <= n; ++m) olds.push_back(m);
    } else {
      olds = {1, n - 1, n, n / 2};
      for (int k = 0; k < 12; ++k) olds.push_back(1 + rng() % n);
    }
    for (std::uint64_t m : olds) {
      auto proof = tree.consistency_proof(m, n);
      ASSERT_TRUE(proof) << proof.error().message;
      ASSERT_EQ(*proof, naive.subproof(m, 0, n, true)) << "PROOF(" << m << ", " << n << ")";
      const Hash old_root = naive.mth(0, m);
      ASSERT_TRUE(verify_consistency(m, n, *proof, view(old_root), view(*r))) << m << "->" << n;
      if (m < n) {
        auto bad = *proof;
        bad[rng() % bad.size()][31] ^= 0x80;
        EXPECT_FALSE(verify_consistency(m, n, bad, view(old_root), view(*r)));
        EXPECT_FALSE(verify_consistency(m, n, *proof, view(*r), view(old_root)));
      }
    }
  }
}

TEST(MerkleTree, RejectsOutOfRangeRequests) {
  MerkleTree t;
  for (int i = 0; i < 10; ++i) t.append(hash_leaf(crypto::as_bytes(leaf_data(i))));
  EXPECT_FALSE(t.inclusion_proof(10, 10));
  EXPECT_FALSE(t.inclusion_proof(0, 11));
  EXPECT_FALSE(t.consistency_proof(0, 5));
  EXPECT_FALSE(t.consistency_proof(6, 5));
  EXPECT_FALSE(t.consistency_proof(5, 11));
  EXPECT_FALSE(t.root_at(11));
  EXPECT_FALSE(t.node(0, 10));
  EXPECT_FALSE(t.node(4, 0));
  auto same = t.consistency_proof(7, 7);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->empty());
}

// Resuming from persisted chunks plus the leaf tail gives the same tree, and
// nodes that were released are reloaded through the loader.
TEST(MerkleTree, ResumesFromChunksAndReloadsReleasedNodes) {
  std::map<std::pair<unsigned, std::uint64_t>, std::vector<Hash>> stored;
  std::vector<Hash> leaves;
  MerkleTree reference;
  int loads = 0;
  auto loader = [&](unsigned level, std::uint64_t chunk) -> Result<std::vector<Hash>> {
    ++loads;
    auto it = stored.find({level, chunk});
    if (it == stored.end()) return fail(Errc::not_found, "no chunk");
    return it->second;
  };
  for (std::uint64_t size : {0ull, 1ull, 255ull, 256ull, 257ull, 1000ull, 4096ull, 5000ull}) {
    while (leaves.size() < size) {
      leaves.push_back(hash_leaf(crypto::as_bytes(leaf_data(leaves.size()))));
      reference.append(leaves.back());
      std::vector<TreeChunk> done;
      reference.drain_completed(done);
      for (auto& c : done) stored[{c.level, c.index}] = std::move(c.hashes);
    }
    const auto begin = MerkleTree::resume_tail_begin(size);
    auto resumed = MerkleTree::resume(size, std::span<const Hash>(leaves).subspan(begin), loader);
    ASSERT_TRUE(resumed) << resumed.error().message;
    EXPECT_EQ(resumed->root(), reference.root()) << size;
    for (std::uint64_t i = 0; i < size; i += 97) {
      auto a = resumed->inclusion_proof(i, size);
      auto b = reference.inclusion_proof(i, size);
      ASSERT_TRUE(a && b);
      EXPECT_EQ(*a, *b);
    }
    // Appending to the resumed tree continues identically.
    MerkleTree more = std::move(*resumed);
    MerkleTree ref_copy;
    for (std::uint64_t i = 0; i < size + 300; ++i) ref_copy.append(hash_leaf(crypto::as_bytes(leaf_data(i))));
    for (std::uint64_t i = size; i < size + 300; ++i) more.append(hash_leaf(crypto::as_bytes(leaf_data(i))));
    EXPECT_EQ(more.root(), ref_copy.root());
    auto c = more.consistency_proof(size == 0 ? 1 : size, size + 300);
    auto d = ref_copy.consistency_proof(size == 0 ? 1 : size, size + 300);
    ASSERT_TRUE(c && d);
    EXPECT_EQ(*c, *d);
  }
  // Release everything persisted, then prove old leaves: the loader supplies them.
  MerkleTree big = std::move(*MerkleTree::resume(5000, std::span<const Hash>(leaves).subspan(MerkleTree::resume_tail_begin(5000)), loader));
  loads = 0;
  big.release_persisted(0);
  auto p = big.inclusion_proof(3, 5000);
  ASSERT_TRUE(p);
  auto q = reference.inclusion_proof(3, 5000);
  EXPECT_EQ(*p, *q);
  EXPECT_GT(loads, 0);
}

}  // namespace
}  // namespace mamori::ledger

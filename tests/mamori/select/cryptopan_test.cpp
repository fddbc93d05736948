#include "mamori/select/cryptopan.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace mamori::select {
namespace {

const std::string kVectors = std::string(MAMORI_SHARED_DATA) + "/cryptopan/vectors_ipv4.csv";

// The key is in the file's comment line, so the test reads everything it checks from the file.
std::array<std::uint8_t, 32> vector_key(const std::string& header) {
  std::array<std::uint8_t, 32> key{};
  auto colon = header.find(':');
  std::stringstream ss(header.substr(colon + 1));
  std::string item;
  std::size_t i = 0;
  while (std::getline(ss, item, ',') && i < key.size()) key[i++] = static_cast<std::uint8_t>(std::stoi(item));
  EXPECT_EQ(i, key.size());
  return key;
}

TEST(CryptoPan, ReproducesReferenceVectorsExactly) {
  std::ifstream in(kVectors);
  ASSERT_TRUE(in) << kVectors;
  std::string line;
  std::array<std::uint8_t, 32> key{};
  bool have_key = false;
  std::vector<std::pair<std::string, std::string>> pairs;
  while (std::getline(in, line)) {
    if (line.rfind("# key", 0) == 0) {
      key = vector_key(line);
      have_key = true;
    } else if (!line.empty() && line[0] != '#' && line.rfind("raw,", 0) != 0) {
      auto comma = line.find(',');
      pairs.emplace_back(line.substr(0, comma), line.substr(comma + 1));
    }
  }
  ASSERT_TRUE(have_key);
  ASSERT_GE(pairs.size(), 50u);
  auto pan = CryptoPan::create(key);
  ASSERT_TRUE(pan);
  for (const auto& [raw, expected] : pairs) {
    const auto a = *IpAddress::parse(raw);
    EXPECT_EQ(pan->anonymize(a).to_string(), expected) << raw;
    EXPECT_EQ(pan->reverse(*IpAddress::parse(expected)).to_string(), raw) << expected;
  }
  // A second pass is served by the prefix caches and must agree.
  for (const auto& [raw, expected] : pairs) EXPECT_EQ(pan->anonymize(*IpAddress::parse(raw)).to_string(), expected);
  EXPECT_GT(pan->stats().cache_hits, 0u);
}

std::array<std::uint8_t, 32> test_key(std::uint8_t seed) {
  std::array<std::uint8_t, 32> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
  return k;
}

unsigned common_prefix(const IpAddress& a, const IpAddress& b) {
  const std::uint64_t hi = a.hi() ^ b.hi();
  if (hi != 0) return static_cast<unsigned>(__builtin_clzll(hi));
  const std::uint64_t lo = a.lo() ^ b.lo();
  return lo == 0 ? 128 : 64 + static_cast<unsigned>(__builtin_clzll(lo));
}

TEST(CryptoPan, PreservesPrefixesAndReversesForIpv6) {
  auto pan = CryptoPan::create(test_key(3));
  ASSERT_TRUE(pan);
  std::mt19937_64 rng(7);
  const auto base = *IpAddress::parse("2001:db8:1234::");
  for (int i = 0; i < 200; ++i) {
    // Pairs that share a random-length prefix.
    const IpAddress a(base.hi() | (rng() & 0xffff), rng());
    const unsigned keep = static_cast<unsigned>(rng() % 128);
    IpAddress b = a;
    const std::uint64_t flip = rng() | 1;
    if (keep < 64) b = IpAddress(a.hi() ^ ((flip | (1ULL << 63)) >> keep), a.lo());
    else b = IpAddress(a.hi(), a.lo() ^ ((flip | (1ULL << 63)) >> (keep - 64)));
    const auto pa = pan->anonymize(a), pb = pan->anonymize(b);
    EXPECT_EQ(common_prefix(pa, pb), common_prefix(a, b));
    EXPECT_FALSE(pa.is_v4());
    EXPECT_EQ(pan->reverse(pa), a);
  }
}

TEST(CryptoPan, IsKeyedAndPreservesIpv4Prefixes) {
  auto k1 = CryptoPan::create(test_key(1));
  auto k2 = CryptoPan::create(test_key(2));
  const auto a = *IpAddress::parse("126.10.20.30");
  const auto b = *IpAddress::parse("126.10.21.1");
  EXPECT_NE(k1->anonymize(a), k2->anonymize(a));
  EXPECT_NE(k1->anonymize(a), a);
  EXPECT_EQ(common_prefix(k1->anonymize(a), k1->anonymize(b)), common_prefix(a, b));
  EXPECT_TRUE(k1->anonymize(a).is_v4());
}

}  // namespace
}  // namespace mamori::select

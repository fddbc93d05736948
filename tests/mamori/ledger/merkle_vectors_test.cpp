// Every transparency-dev/merkle test vector, including the must-fail ones.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mamori/crypto/encoding.hpp"
#include "mamori/ledger/merkle.hpp"

namespace mamori::ledger {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kVectors = fs::path(MAMORI_SHARED_DATA) / "merkle-vectors" / "testdata";

json::value read_json(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::error_code ec;
  json::value v = json::parse(ss.str(), ec);
  EXPECT_FALSE(ec) << path << ": " << ec.message();
  return v;
}

std::vector<std::uint8_t> bytes(const json::value& v) {
  if (v.is_null()) return {};
  const auto& s = v.as_string();
  auto decoded = crypto::base64_decode(std::string_view(s.data(), s.size()));
  EXPECT_TRUE(decoded) << s;
  return decoded ? *decoded : std::vector<std::uint8_t>{};
}

// A proof element that is not 32 bytes cannot be a SHA-256 hash: such a proof
// is rejected before verification (std::nullopt).
std::optional<std::vector<Hash>> proof_hashes(const json::value& v) {
  std::vector<Hash> out;
  if (v.is_null()) return out;
  for (const auto& e : v.as_array()) {
    auto b = bytes(e);
    if (b.size() != 32) return std::nullopt;
    Hash h;
    std::copy(b.begin(), b.end(), h.begin());
    out.push_back(h);
  }
  return out;
}

std::uint64_t number(const json::value& v) { return v.to_number<std::uint64_t>(); }

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(MerkleVectors, InclusionAndConsistencyIncludingMustFail) {
  ASSERT_TRUE(fs::is_directory(kVectors)) << kVectors;
  std::size_t checked = 0, must_fail = 0;
  for (const auto& path : files_under(kVectors / "inclusion")) {
    const auto v = read_json(path).as_object();
    const bool want_err = v.at("wantErr").as_bool();
    const auto leaf = bytes(v.at("leafHash"));
    const auto root = bytes(v.at("root"));
    auto proof = proof_hashes(v.at("proof"));
    Status got = proof ? verify_inclusion(number(v.at("leafIdx")), number(v.at("treeSize")), ByteView(leaf), *proof,
                                          ByteView(root))
                       : fail(Errc::corrupt, "proof element is not a 32-byte hash");
    EXPECT_EQ(!got.has_value(), want_err)
        << path << " (" << v.at("desc").as_string() << "): " << (got ? "verified" : got.error().message);
    ++checked;
    must_fail += want_err;
  }
  for (const auto& path : files_under(kVectors / "consistency")) {
    const auto v = read_json(path).as_object();
    const bool want_err = v.at("wantErr").as_bool();
    const auto root1 = bytes(v.at("root1"));
    const auto root2 = bytes(v.at("root2"));
    auto proof = proof_hashes(v.at("proof"));
    Status got = proof ? verify_consistency(number(v.at("size1")), number(v.at("size2")), *proof, ByteView(root1),
                                            ByteView(root2))
                       : fail(Errc::corrupt, "proof element is not a 32-byte hash");
    EXPECT_EQ(!got.has_value(), want_err)
        << path << " (" << v.at("desc").as_string() << "): " << (got ? "verified" : got.error().message);
    ++checked;
    must_fail += want_err;
  }
  // A missing or emptied data directory must not pass silently.
  EXPECT_GT(checked, 150u);
  EXPECT_GT(must_fail, 100u);
  RecordProperty("vectors_checked", static_cast<int>(checked));
  std::printf("checked %zu vectors (%zu must fail)\n", checked, must_fail);
}

}  // namespace
}  // namespace mamori::ledger

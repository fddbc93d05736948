#include "mamori/crypto/key_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mamori::crypto {
namespace {

namespace fs = std::filesystem;

class LedgerKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mamori-keys-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string slurp(const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path dir_;
};

TEST_F(LedgerKeys, GeneratedKeyFileIsPrivateAndLoads) {
  auto key = SigningKey::generate("overseer.example/commission", KeyRole::overseer);
  ASSERT_TRUE(key);
  ASSERT_TRUE(write_key_files(*key, path("ov.key")));
  struct stat st {};
  ASSERT_EQ(::stat(path("ov.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = load_signing_key(path("ov.key"));
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->public_key(), key->public_key());
  EXPECT_EQ(loaded->role(), KeyRole::overseer);
  EXPECT_EQ(loaded->name(), "overseer.example/commission");

  // The .pub file holds the note key and, for the overseer, the witness key.
  const std::string pub = slurp(path("ov.key.pub"));
  EXPECT_NE(pub.find(key->verifier(kSignatureEd25519).to_string()), std::string::npos);
  EXPECT_NE(pub.find(key->verifier(kSignatureCosignatureV1).to_string()), std::string::npos);
  EXPECT_EQ(pub.find("PRIVATE"), std::string::npos);
  auto w = load_verifier_key(path("ov.key.pub"), kSignatureCosignatureV1);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->type, kSignatureCosignatureV1);
  auto n = load_verifier_key(key->verifier().to_string(), kSignatureCosignatureV1);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->id, w->id);
}

TEST_F(LedgerKeys, RefusesToOverwrite) {
  auto key = SigningKey::generate("hub", KeyRole::hub);
  ASSERT_TRUE(write_key_files(*key, path("k")));
  const std::string before = slurp(path("k"));
  auto again = write_key_files(*key, path("k"));
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("refusing to overwrite"), std::string::npos);
  EXPECT_EQ(slurp(path("k")), before);
  // An existing .pub alone also stops it, and no private key is left behind.
  { std::ofstream(path("j.pub")) << "x\n"; }
  EXPECT_FALSE(write_key_files(*key, path("j")));
  EXPECT_FALSE(fs::exists(path("j")));
}

TEST_F(LedgerKeys, RefusesGroupOrWorldReadableKeyFile) {
  auto key = SigningKey::generate("hub", KeyRole::hub);
  ASSERT_TRUE(write_key_files(*key, path("k")));
  for (mode_t mode : {0640, 0604, 0660, 0644}) {
    ASSERT_EQ(::chmod(path("k").c_str(), mode), 0);
    auto loaded = load_signing_key(path("k"));
    ASSERT_FALSE(loaded) << std::oct << mode;
    EXPECT_NE(loaded.error().message.find("chmod 600"), std::string::npos);
    // The error names the file, never its content.
    EXPECT_EQ(loaded.error().message.find("PRIVATE+KEY"), std::string::npos);
  }
  ASSERT_EQ(::chmod(path("k").c_str(), 0400), 0);
  EXPECT_TRUE(load_signing_key(path("k")));
}

TEST_F(LedgerKeys, KeyNamesFollowTheNoteRules) {
  EXPECT_TRUE(validate_key_name("overseer.example.jp/commission"));
  EXPECT_FALSE(validate_key_name(""));
  EXPECT_FALSE(validate_key_name("a+b"));
  EXPECT_FALSE(validate_key_name("a b"));
  EXPECT_FALSE(validate_key_name("a\xe3\x80\x80" "b"));  // U+3000 ideographic space
  EXPECT_FALSE(validate_key_name("a\xc2\xa0" "b"));      // U+00A0
  EXPECT_FALSE(SigningKey::generate("bad name", KeyRole::hub));
}

}  // namespace
}  // namespace mamori::crypto

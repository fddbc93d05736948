#pragma once
// Shared by the ledger tests: a private temporary directory, deterministic
// keys, and raw SQL access for tampering with a ledger file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/ledger/ledger.hpp"
#include "mamori/ledger/sqlite_store.hpp"

namespace mamori::ledger::testing {

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("mamori-ledger-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline crypto::SigningKey test_key(std::string name, std::uint8_t fill, crypto::KeyRole role) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  return std::move(*crypto::SigningKey::from_seed(std::move(name), role, seed));
}

inline Ledger open_ledger(const std::string& path, Ledger::Options options = {}) {
  SqliteLedgerStore::Options so;
  so.create = true;
  so.full_sync = false;
  auto store = SqliteLedgerStore::open(path, so);
  EXPECT_TRUE(store) << (store ? "" : store.error().message);
  auto ledger = Ledger::open(std::move(*store), options);
  EXPECT_TRUE(ledger) << (ledger ? "" : ledger.error().message);
  return std::move(*ledger);
}

inline std::string body_for(std::uint64_t i) {
  return fmt::format(R"({{"batch":{},"flows_in":{},"flows_kept":{},"output_sha256":"{:064x}"}})", i, i * 7 + 3, i * 5,
                     i * 0x9e3779b97f4a7c15ULL);
}

// Runs SQL directly on the file, as an attacker with write access would.
inline void sql(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << "\n" << statements;
  sqlite3_free(err);
  sqlite3_close(db);
}

inline std::string hex_blob(const Hash& h) { return "X'" + crypto::hex_encode(view(h)) + "'"; }

}  // namespace mamori::ledger::testing

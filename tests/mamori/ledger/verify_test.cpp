// verify() against direct SQL tampering of the ledger file.
#include "mamori/ledger/verify.hpp"

#include <gtest/gtest.h>

#include "ledger_test_support.hpp"
#include "mamori/ledger/witness.hpp"

namespace mamori::ledger {
namespace {

using namespace mamori::ledger::testing;

constexpr std::uint64_t kEntries = 600;  // two full leaf chunks and a tail
constexpr const char* kDropGuards =
    "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete; "
    "DROP TRIGGER tree_chunks_no_update; DROP TRIGGER tree_chunks_no_delete;";

class LedgerVerify : public ::testing::Test {
 protected:
  LedgerVerify()
      : log_(test_key("hub.example/log", 1, crypto::KeyRole::hub)),
        overseer_(test_key("overseer.example/witness", 2, crypto::KeyRole::overseer)) {}

  // 600 entries; checkpoints 1..3 at sizes 100, 300, 600; the overseer
  // witnesses checkpoints 2 and 3.
  void SetUp() override {
    db_ = dir_.file("ledger.db");
    Ledger::Options o;
    o.batch_size = 50;
    Ledger ledger = open_ledger(db_, o);
    for (std::uint64_t i = 0; i < kEntries; ++i) {
      ASSERT_TRUE(ledger.append("selection.batch", "carrier:c1", body_for(i), 1'700'000'000'000'000'000ULL + i * 1000));
      if (i + 1 == 100 || i + 1 == 300 || i + 1 == kEntries) {
        ASSERT_TRUE(ledger.checkpoint(log_));
        if (i + 1 != 100) {
          auto w = witness_latest_checkpoint(ledger, overseer_, log_.verifier(), 1'700'000'000 + i);
          ASSERT_TRUE(w) << w.error().message;
        }
      }
    }
  }

  VerifyReport verify() {
    auto store = SqliteLedgerStore::open(db_, {.create = false, .read_only = true, .full_sync = true});
    EXPECT_TRUE(store) << (store ? "" : store.error().message);
    VerifyOptions o;
    o.log_key = log_.verifier();
    o.witness_keys = {overseer_.verifier(crypto::kSignatureCosignatureV1)};
    auto report = verify_ledger(**store, o);
    EXPECT_TRUE(report) << (report ? "" : report.error().message);
    return std::move(*report);
  }

  static std::string describe(const VerifyReport& r) {
    std::string s = r.summary() + "\n";
    for (const auto& p : r.problems) s += fmt::format("  {} {}: {}\n", problem_kind_name(p.kind), p.index, p.detail);
    return s;
  }

  // The leaf hash an attacker would compute for a forged entry.
  static Hash leaf_for(std::uint64_t index, std::uint64_t time, const std::string& body) {
    Entry e{index, time, "selection.batch", "carrier:c1", body};
    return entry_leaf_hash(e);
  }

  TempDir dir_;
  std::string db_;
  crypto::SigningKey log_;
  crypto::SigningKey overseer_;
};

TEST_F(LedgerVerify, CleanLogVerifies) {
  auto r = verify();
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.entries, kEntries);
  EXPECT_EQ(r.checkpoints_verified, 3u);
  EXPECT_EQ(r.cosignatures_verified, 2u);
  EXPECT_GT(r.tree_chunks, 0u);
  EXPECT_EQ(r.summary().rfind("ledger OK: 600 entries", 0), 0u) << r.summary();
}

TEST_F(LedgerVerify, DetectsModifiedBody) {
  sql(db_, std::string(kDropGuards) + R"(UPDATE entries SET body = '{"batch":42,"flows_in":1}' WHERE seq = 42;)");
  auto r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.has(ProblemKind::entry_modified, 42)) << describe(r);
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::entry_modified)], 1u) << describe(r);
  EXPECT_EQ(r.first_divergence, 42u);
  // Every checkpoint covering entry 42 now fails, and says where.
  for (std::uint64_t id : {1, 2, 3}) EXPECT_TRUE(r.has(ProblemKind::checkpoint_root_mismatch, id)) << describe(r);
  EXPECT_NE(describe(r).find("diverges from it at index 42"), std::string::npos) << describe(r);
}

TEST_F(LedgerVerify, DetectsEntryRewrittenTogetherWithItsLeafHash) {
  // Under a stored leaf chunk: the chunk still holds the original hash.
  const std::string body = R"({"batch":400,"flows_in":0})";
  const std::uint64_t time = 1'700'000'000'000'000'000ULL + 400 * 1000;
  sql(db_, std::string(kDropGuards) + "UPDATE entries SET body = '" + body + "', leaf_hash = " +
               hex_blob(leaf_for(400, time, body)) + " WHERE seq = 400;");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::entry_modified, 400)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::checkpoint_root_mismatch, 3)) << describe(r);
  EXPECT_FALSE(r.has(ProblemKind::checkpoint_root_mismatch, 2)) << describe(r);
}

TEST_F(LedgerVerify, DetectsConsistentRewriteInTheUnchunkedTailThroughCheckpoints) {
  const std::string body = R"({"batch":590,"flows_in":0})";
  const std::uint64_t time = 1'700'000'000'000'000'000ULL + 590 * 1000;
  sql(db_, std::string(kDropGuards) + "UPDATE entries SET body = '" + body + "', leaf_hash = " +
               hex_blob(leaf_for(590, time, body)) + " WHERE seq = 590;");
  auto r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.has(ProblemKind::checkpoint_root_mismatch, 3)) << describe(r);
  EXPECT_NE(describe(r).find("some entry in 300..599"), std::string::npos) << describe(r);
}

TEST_F(LedgerVerify, DetectsDeletedEntry) {
  sql(db_, std::string(kDropGuards) + "DELETE FROM entries WHERE seq = 7;");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::entry_missing, 7)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::checkpoint_beyond_log, 3)) << describe(r);
  EXPECT_EQ(r.first_divergence, 7u);
}

TEST_F(LedgerVerify, DetectsDeletedEntryWithLaterOnesRenumbered) {
  sql(db_, std::string(kDropGuards) + "DELETE FROM entries WHERE seq = 7; UPDATE entries SET seq = seq - 1 WHERE seq > 7;");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::entry_missing, 7)) << describe(r);
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::entry_missing)], 1u) << describe(r);
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::entry_modified)], 0u) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::checkpoint_beyond_log, 3)) << describe(r);
  EXPECT_EQ(r.first_divergence, 7u);
}

TEST_F(LedgerVerify, DetectsSwappedEntries) {
  sql(db_, std::string(kDropGuards) +
               "UPDATE entries SET seq = -1 WHERE seq = 3; UPDATE entries SET seq = 3 WHERE seq = 9; "
               "UPDATE entries SET seq = 9 WHERE seq = -1;");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::entry_moved, 3)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::entry_moved, 9)) << describe(r);
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::entry_modified)], 0u) << describe(r);
  EXPECT_EQ(r.first_divergence, 3u);
}

TEST_F(LedgerVerify, DetectsSwappedNeighbours) {
  sql(db_, std::string(kDropGuards) +
               "UPDATE entries SET seq = -1 WHERE seq = 10; UPDATE entries SET seq = 10 WHERE seq = 11; "
               "UPDATE entries SET seq = 11 WHERE seq = -1;");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::entry_moved, 10)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::entry_moved, 11)) << describe(r);
  EXPECT_EQ(r.problem_count(), 2u + r.counts[static_cast<int>(ProblemKind::checkpoint_root_mismatch)]) << describe(r);
}

TEST_F(LedgerVerify, DetectsSwappedContents) {
  // Contents exchanged, index and leaf hash columns left in place.
  sql(db_, std::string(kDropGuards) +
               "CREATE TEMP TABLE t AS SELECT seq, time_ns, kind, actor, body FROM entries WHERE seq IN (20, 30);"
               "UPDATE entries SET (time_ns, kind, actor, body) = (SELECT time_ns, kind, actor, body FROM t "
               "WHERE t.seq = 50 - entries.seq) WHERE seq IN (20, 30);");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::entry_moved, 20)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::entry_moved, 30)) << describe(r);
}

TEST_F(LedgerVerify, DetectsInsertedEntry) {
  const std::string body = R"({"batch":9999,"flows_in":0})";
  const std::uint64_t time = 1'700'000'000'000'000'000ULL + 50 * 1000 + 1;
  sql(db_, std::string(kDropGuards) +
               "UPDATE entries SET seq = seq + 1000000 WHERE seq >= 50; "
               "UPDATE entries SET seq = seq - 999999 WHERE seq >= 1000000; "
               "INSERT INTO entries VALUES (50, " + std::to_string(time) + ", 'selection.batch', 'carrier:c1', '" + body +
               "', " + hex_blob(leaf_for(50, time, body)) + ");");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::entry_inserted, 50)) << describe(r);
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::entry_inserted)], 1u) << describe(r);
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::entry_modified)], 0u) << describe(r);
  EXPECT_EQ(r.first_divergence, 50u);
  EXPECT_TRUE(r.has(ProblemKind::checkpoint_root_mismatch, 1)) << describe(r);
}

TEST_F(LedgerVerify, DetectsAlteredCheckpointRootOrSignature) {
  // Root line inside the signed note: the signature no longer verifies.
  sql(db_, "UPDATE checkpoints SET note = replace(note, substr(note, instr(note, char(10) || '300' || char(10)) + 5, 4), "
           "'AAAA') WHERE id = 2;");
  // Signature bytes of checkpoint 3.
  sql(db_, "UPDATE checkpoints SET note = substr(note, 1, length(note) - 21) || 'AAAAAAAAAAAAAAAAAAAA' || char(10) "
           "WHERE id = 3;");
  // Only the stored root column of checkpoint 1.
  sql(db_, "UPDATE checkpoints SET root = zeroblob(32) WHERE id = 1;");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::checkpoint_signature, 2)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::checkpoint_signature, 3)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::checkpoint_record, 1)) << describe(r);
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::entry_modified)], 0u);
}

TEST_F(LedgerVerify, DetectsForgedCosignatures) {
  sql(db_, "UPDATE cosignatures SET signature = randomblob(64) WHERE checkpoint_id = 2;");
  sql(db_, "INSERT INTO cosignatures (checkpoint_id, witness, key_id, timestamp, signature) "
           "VALUES (1, 'mallory.example/witness', 305419896, 1700000000, randomblob(64));");
  sql(db_, "UPDATE cosignatures SET timestamp = timestamp + 1 WHERE checkpoint_id = 3;");
  auto r = verify();
  EXPECT_TRUE(r.has(ProblemKind::cosignature_invalid, 2)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::cosignature_invalid, 3)) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::cosignature_unknown_witness, 1)) << describe(r);
  EXPECT_EQ(r.cosignatures_verified, 0u);
}

TEST_F(LedgerVerify, DetectsDamagedOrMissingStoredTree) {
  sql(db_, std::string(kDropGuards) +
               "UPDATE tree_chunks SET hashes = zeroblob(8192) WHERE level = 1 AND chunk = 0;"
               "DELETE FROM tree_chunks WHERE level = 0 AND chunk = 1;");
  auto r = verify();
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::tree_chunk_mismatch)], 1u) << describe(r);
  EXPECT_TRUE(r.has(ProblemKind::tree_chunk_missing, 0)) << describe(r);
  EXPECT_EQ(r.counts[static_cast<int>(ProblemKind::entry_modified)], 0u) << describe(r);
}

TEST_F(LedgerVerify, WitnessRefusesARewrittenHistory) {
  // Rewrite entry 10 consistently (content and leaf hash), then sign a new
  // checkpoint over the forged tree: the witness's consistency check fails.
  const std::string body = R"({"batch":10,"flows_in":0})";
  const std::uint64_t time = 1'700'000'000'000'000'000ULL + 10 * 1000;
  sql(db_, std::string(kDropGuards) + "UPDATE entries SET body = '" + body + "', leaf_hash = " +
               hex_blob(leaf_for(10, time, body)) + " WHERE seq = 10; DELETE FROM tree_chunks;");
  // A fresh tree built from the forged entries (the attacker re-derives the stored tree).
  MerkleTree forged;
  std::vector<TreeChunk> chunks;
  {
    auto store = SqliteLedgerStore::open(db_, {.create = false, .read_only = true, .full_sync = true});
    ASSERT_TRUE((*store)->scan_entries(0, UINT64_MAX, [&](const StoredEntry& e) -> Status {
      forged.append(e.leaf_hash);
      return {};
    }));
    forged.drain_completed(chunks);
  }
  std::string inserts;
  for (const auto& c : chunks)
    inserts += fmt::format("INSERT INTO tree_chunks VALUES ({}, {}, X'{}');", c.level, c.index,
                           crypto::hex_encode(ByteView(c.hashes.front().data(), c.hashes.size() * 32)));
  sql(db_, inserts);
  Ledger ledger = open_ledger(db_);
  ASSERT_TRUE(ledger.append("selection.batch", "carrier:c1", body_for(600)));
  ASSERT_TRUE(ledger.checkpoint(log_));
  auto w = witness_latest_checkpoint(ledger, overseer_, log_.verifier(), 1'800'000'000);
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("not consistent"), std::string::npos) << w.error().message;
}

}  // namespace
}  // namespace mamori::ledger

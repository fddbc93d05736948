#include "mamori/ledger/store.hpp"

#include <gtest/gtest.h>

#include "ledger_test_support.hpp"
#include "mamori/crypto/note.hpp"

namespace mamori::ledger {
namespace {

using namespace mamori::ledger::testing;

TEST(LedgerStore, AppendReopenAndContinue) {
  TempDir dir;
  const std::string db = dir.file("l.db");
  MerkleTree reference;
  Hash root;
  {
    Ledger::Options o;
    o.batch_size = 64;
    Ledger ledger = open_ledger(db, o);
    for (std::uint64_t i = 0; i < 1000; ++i) {
      auto r = ledger.append("selection.batch", "carrier:test", body_for(i), 1'700'000'000'000'000'000ULL + i);
      ASSERT_TRUE(r) << r.error().message;
      ASSERT_EQ(r->index, i);
      reference.append(r->leaf_hash);
    }
    ASSERT_TRUE(ledger.flush());
    root = *ledger.root_at(1000);
    EXPECT_EQ(root, reference.root());
  }
  Ledger ledger = open_ledger(db);
  EXPECT_EQ(ledger.size(), 1000u);
  auto r = ledger.root_at(1000);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, root);
  for (std::uint64_t i : {0u, 255u, 256u, 511u, 999u}) {
    auto p = ledger.prove_inclusion(i, 1000);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->path, *reference.inclusion_proof(i, 1000));
    EXPECT_TRUE(verify_inclusion(i, 1000, view(p->leaf_hash), p->path, view(root)));
  }
  for (std::uint64_t i = 1000; i < 1300; ++i) {
    auto a = ledger.append("report.access", "analyst:a1", R"({"report_sha256":"00ff","purpose":"triage"})");
    ASSERT_TRUE(a);
    reference.append(a->leaf_hash);
  }
  auto c = ledger.prove_consistency(1000, 1300);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->root2, reference.root());
  EXPECT_TRUE(verify_consistency(1000, 1300, c->path, view(root), view(c->root2)));

  // Stored entries read back exactly.
  auto store = SqliteLedgerStore::open(db, {.create = false, .read_only = true, .full_sync = true});
  ASSERT_TRUE(store);
  std::uint64_t seen = 0;
  ASSERT_TRUE((*store)->scan_entries(998, 3, [&](const StoredEntry& e) -> Status {
    EXPECT_EQ(e.entry.index, 998 + seen);
    EXPECT_EQ(e.leaf_hash, entry_leaf_hash(e.entry));
    ++seen;
    return {};
  }));
  EXPECT_EQ(seen, 3u);
}

TEST(LedgerStore, BatchesCommitAtBatchSizeAndOnFlush) {
  TempDir dir;
  const std::string db = dir.file("l.db");
  Ledger::Options o;
  o.batch_size = 10;
  Ledger ledger = open_ledger(db, o);
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(ledger.append("selection.batch", "carrier:c", body_for(i)));
  auto reader = SqliteLedgerStore::open(db, {.create = false, .read_only = true, .full_sync = true});
  ASSERT_TRUE(reader);
  EXPECT_EQ(*(*reader)->next_index(), 20u);
  EXPECT_EQ(ledger.committed_size(), 20u);
  ASSERT_TRUE(ledger.flush());
  EXPECT_EQ(*(*reader)->next_index(), 25u);
}

TEST(LedgerStore, SecondWriterIsRefusedAndTheStaleLedgerStops) {
  TempDir dir;
  const std::string db = dir.file("l.db");
  Ledger a = open_ledger(db);
  Ledger b = open_ledger(db);
  ASSERT_TRUE(a.append("selection.batch", "carrier:a", body_for(1)));
  ASSERT_TRUE(a.flush());
  ASSERT_TRUE(b.append("selection.batch", "carrier:b", body_for(2)));
  auto st = b.flush();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("another writer"), std::string::npos) << st.error().message;
  EXPECT_FALSE(b.append("selection.batch", "carrier:b", body_for(3)));
}

TEST(LedgerStore, EntriesAreValidatedAndBodiesCanonical) {
  TempDir dir;
  Ledger ledger = open_ledger(dir.file("l.db"));
  auto ok = ledger.append("policy.approved", "overseer:c1", R"( { "z" : 1, "a" : {"y": [1, 2], "b": "x"}, "m": true } )");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_TRUE(ledger.flush());
  std::string body;
  ASSERT_TRUE(ledger.store().scan_entries(0, 1, [&](const StoredEntry& e) -> Status {
    body = e.entry.body;
    return {};
  }));
  EXPECT_EQ(body, R"({"a":{"b":"x","y":[1,2]},"m":true,"z":1})");

  for (const char* kind : {"", "policy", "Policy.approved", "policy..approved", "policy.", ".x", "policy.approved!", "1a.b"})
    EXPECT_FALSE(ledger.append(kind, "overseer:c1", "{}")) << kind;
  for (const char* actor : {"", "a b", "alice@example.jp", "x\n"})
    EXPECT_FALSE(ledger.append("policy.approved", actor, "{}")) << actor;
  for (const char* body_json :
       {"", "[]", "1", "{", R"({"ratio":0.5})", R"({"src":"192.0.2.1"})", R"({"net":"2001:db8::/32"})",
        R"({"who":"taro@example.jp"})", R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}})",
        R"({"bad key":1})"}) {
    auto r = ledger.append("policy.approved", "overseer:c1", body_json);
    EXPECT_FALSE(r) << body_json;
  }
  auto personal = ledger.append("report.access", "analyst:a", R"({"client":"198.51.100.7"})");
  ASSERT_FALSE(personal);
  EXPECT_NE(personal.error().message.find("not personal data"), std::string::npos);
  EXPECT_FALSE(ledger.append("report.access", "analyst:a", "{\"s\":\"" + std::string(300, 'a') + "\"}"));
  EXPECT_EQ(ledger.size(), 1u);
}

TEST(LedgerStore, CheckpointFixesOriginAndKey) {
  TempDir dir;
  Ledger ledger = open_ledger(dir.file("l.db"));
  auto log = test_key("hub.example/log", 1, crypto::KeyRole::hub);
  auto other = test_key("hub.example/other", 2, crypto::KeyRole::hub);
  ASSERT_TRUE(ledger.append("policy.approved", "overseer:c1", "{}"));
  auto cp = ledger.checkpoint(log);
  ASSERT_TRUE(cp) << cp.error().message;
  EXPECT_EQ(cp->checkpoint.origin, "hub.example/log");
  EXPECT_EQ(cp->checkpoint.size, 1u);
  auto opened = open_checkpoint(cp->note, log.verifier());
  ASSERT_TRUE(opened);
  EXPECT_FALSE(ledger.checkpoint(other));
  EXPECT_FALSE(ledger.checkpoint(log, "another-origin"));
  EXPECT_TRUE(ledger.checkpoint(log, "hub.example/log"));
  auto latest = ledger.store().latest_checkpoint();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->id, 2);
}

TEST(LedgerStore, ProofsStillWorkAfterNodesAreReleasedFromMemory) {
  TempDir dir;
  Ledger::Options o;
  o.batch_size = 100;
  o.max_resident_nodes = 600;
  Ledger ledger = open_ledger(dir.file("l.db"), o);
  MerkleTree reference;
  for (int i = 0; i < 5000; ++i) reference.append(ledger.append("selection.batch", "carrier:c", body_for(i))->leaf_hash);
  ASSERT_TRUE(ledger.flush());
  for (std::uint64_t i : {0u, 1u, 777u, 2048u, 3999u}) {
    auto p = ledger.prove_inclusion(i, 4000);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->path, *reference.inclusion_proof(i, 4000)) << i;
  }
  auto c = ledger.prove_consistency(3, 4999);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->path, *reference.consistency_proof(3, 4999));
}

TEST(LedgerStore, SchemaIsWalAndAppendOnlyBySql) {
  TempDir dir;
  const std::string db = dir.file("l.db");
  {
    Ledger ledger = open_ledger(db);
    ASSERT_TRUE(ledger.append("policy.approved", "overseer:c1", "{}"));
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  EXPECT_NE(sqlite3_exec(raw, "UPDATE entries SET body = '{}' WHERE seq = 0", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw, "DELETE FROM entries", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);

  // Not a ledger: refused with a clear message.
  sql(dir.file("other.db"), "CREATE TABLE t (x)");
  auto other = SqliteLedgerStore::open(dir.file("other.db"), {.create = true, .read_only = false, .full_sync = true});
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("not a mamori ledger"), std::string::npos);
  EXPECT_FALSE(SqliteLedgerStore::open(dir.file("missing.db"), {.create = false, .read_only = true, .full_sync = true}));
}

}  // namespace
}  // namespace mamori::ledger

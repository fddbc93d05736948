// The storage contract (store/hub_store.hpp), run against every backend:
// SQLite on a temporary file, PostgreSQL at MAMORI_TEST_PG (scripts/test.sh
// starts a throwaway PostgreSQL 15 and exports it). Each test gets a fresh
// database (a new file, or a new schema). Without MAMORI_TEST_PG the
// PostgreSQL half fails: it is never skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "mamori/store/open_store.hpp"
#include "mamori/store/postgres/postgres_hub_store.hpp"
#include "mamori/store/sqlite/sqlite_hub_store.hpp"

namespace mamori::store {
namespace {

std::atomic<int> g_serial{0};

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const int n = g_serial.fetch_add(1);
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("mamori-store-" + std::to_string(::getpid()) + "-" + std::to_string(n));
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      config_.database = (dir_ / "hub.db").string();
    } else {
      const char* pg = std::getenv("MAMORI_TEST_PG");
      ASSERT_TRUE(pg != nullptr && *pg != '\0')
          << "MAMORI_TEST_PG is not set: run scripts/test.sh, which starts PostgreSQL 15 and exports it";
      config_.database = pg;
      config_.schema = "contract_" + std::to_string(::getpid()) + "_" + std::to_string(n);
      ASSERT_TRUE(PostgresHubStore::drop_schema(config_.database, config_.schema).has_value());
    }
    auto s = open_hub_store(config_);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!config_.schema.empty()) (void)PostgresHubStore::drop_schema(config_.database, config_.schema);
  }

  static Organisation org(std::string id, std::string sector = "electricity") {
    Organisation o;
    o.id = std::move(id);
    o.name = "Org " + o.id;
    o.sector = std::move(sector);
    o.tier = 1;
    o.ministry = "METI";
    o.clearance = 2;
    o.contacts = {{"CSIRT desk", "csirt@example.jp", "+81-3-0000-0000", "CSIRT"}};
    o.ip_ranges = {"192.0.2.0/24", "2001:db8::/32"};
    o.asns = {64500};
    o.domains = {"example.jp"};
    o.created = 1'700'000'000'000'000'000ULL;
    return o;
  }

  static ApiKey key(std::string id, Role role, std::string org_id) {
    ApiKey k;
    k.id = std::move(id);
    k.secret_hash = std::string(64, 'a');
    k.role = role;
    k.org_id = std::move(org_id);
    k.name = "test key";
    k.created_by = "bootstrap";
    k.created = 1'700'000'000'000'000'000ULL;
    return k;
  }

  static FindingRecord finding(std::string endpoint, TimeNs first, TimeNs last, double score = 50) {
    FindingRecord f;
    f.kind = "beaconing";
    f.detector = "beacon";
    f.endpoint = std::move(endpoint);
    f.role = "c2_server";
    f.ports_json = "[443]";
    f.proto = 6;
    f.score = score;
    f.first_seen = first;
    f.last_seen = last;
    f.flows = 10;
    f.peers = 3;
    f.sample_peers_json = R"(["10.0.0.1"])";
    f.metrics_json = R"({"ts_skew":0.02})";
    f.summary = "periodic contacts";
    f.received = last + 1;
    return f;
  }

  IdempotencyKey idem(std::string k, std::string hash_char = "b") {
    return {"00000000000000aa", std::move(k), std::string(64, hash_char[0])};
  }

  StoreConfig config_;
  std::filesystem::path dir_;
  std::unique_ptr<HubStore> store_;
};

TEST_P(StoreContract, MigrationsApplyOnceAndReopen) {
  EXPECT_EQ(store_->backend(), GetParam() == "sqlite" ? "sqlite" : "postgres");
  auto v = store_->schema_version();
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(*v, 2);
  ASSERT_TRUE(store_->create_organisation(org("keep-me")).has_value());
  store_.reset();
  auto again = open_hub_store(config_);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(*(*again)->schema_version(), 2);
  auto got = (*again)->get_organisation("keep-me");
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->has_value());
}

TEST_P(StoreContract, OrganisationRoundTripAndCanonicalForm) {
  auto o = org("acme-power");
  o.name = "東京電力パワーグリッド";
  o.sector = "電力";  // the Japanese name is accepted and stored as the identifier
  o.ip_ranges = {"198.51.100.7/24", "192.0.2.9", "198.51.100.0/24"};
  o.domains = {"Example.JP.", "grid.example.jp"};
  o.asns = {64501, 64500, 64501};
  auto w = store_->create_organisation(o);
  ASSERT_TRUE(w.has_value()) << w.error().message;
  EXPECT_EQ(w->outcome, WriteOutcome::done);
  auto got = store_->get_organisation("acme-power");
  ASSERT_TRUE(got.has_value() && got->has_value());
  const auto& g = **got;
  EXPECT_EQ(g.name, "東京電力パワーグリッド");
  EXPECT_EQ(g.sector, "electricity");
  EXPECT_EQ(g.ip_ranges, (std::vector<std::string>{"192.0.2.9/32", "198.51.100.0/24"}));
  EXPECT_EQ(g.domains, (std::vector<std::string>{"example.jp", "grid.example.jp"}));
  EXPECT_EQ(g.asns, (std::vector<std::uint32_t>{64500, 64501}));
  ASSERT_EQ(g.contacts.size(), 1u);
  EXPECT_EQ(g.contacts[0].email, "csirt@example.jp");
  EXPECT_EQ(g.version, 1);
  EXPECT_EQ(g.created, o.created);
  EXPECT_EQ(g.updated, o.created);
  auto missing = store_->get_organisation("nobody");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreContract, CreateNeverOverwrites) {
  ASSERT_EQ(store_->create_organisation(org("dup"))->outcome, WriteOutcome::done);
  auto o = org("dup");
  o.name = "Someone else";
  ASSERT_EQ(store_->create_organisation(o)->outcome, WriteOutcome::exists);
  EXPECT_EQ((*store_->get_organisation("dup"))->name, "Org dup");
}

TEST_P(StoreContract, InvalidOrganisationsAreRefusedAndNothingIsStored) {
  auto bad = [&](auto mutate) {
    auto o = org("bad-one");
    mutate(o);
    auto w = store_->create_organisation(o);
    EXPECT_FALSE(w.has_value());
    if (!w) {
      EXPECT_EQ(w.error().code, Errc::invalid_argument);
    }
  };
  bad([](Organisation& o) { o.sector = "casino"; });
  bad([](Organisation& o) { o.tier = 0; });
  bad([](Organisation& o) { o.clearance = 9; });
  bad([](Organisation& o) { o.ip_ranges = {"300.1.1.1/8"}; });
  bad([](Organisation& o) { o.domains = {"bad domain"}; });
  bad([](Organisation& o) { o.asns = {0}; });
  bad([](Organisation& o) { o.name.clear(); });
  bad([](Organisation& o) { o.name = std::string("a\x01" "b"); });
  bad([](Organisation& o) { o.id = "Bad_ID"; });
  bad([](Organisation& o) { o.contacts = {{"x", "not-an-email", "", ""}}; });
  EXPECT_TRUE(store_->list_organisations("", 100)->empty());
}

TEST_P(StoreContract, ListPagesInIdOrderAndFiltersBySector) {
  for (auto id : {"c-org", "a-org", "b-org", "d-org"})
    ASSERT_TRUE(store_->create_organisation(org(id, std::string(id) == "b-org" ? "water" : "gas")).has_value());
  auto page1 = store_->list_organisations("", 2);
  ASSERT_TRUE(page1.has_value());
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[0].id, "a-org");
  EXPECT_EQ((*page1)[1].id, "b-org");
  auto page2 = store_->list_organisations("b-org", 2);
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ((*page2)[0].id, "c-org");
  auto water = store_->list_organisations("", 10, std::string("水道"));
  ASSERT_TRUE(water.has_value());
  ASSERT_EQ(water->size(), 1u);
  EXPECT_EQ((*water)[0].id, "b-org");
  EXPECT_FALSE(store_->list_organisations("", 10, std::string("casino")).has_value());
}

TEST_P(StoreContract, UpdateBumpsVersionAndChecksExpectedVersion) {
  ASSERT_TRUE(store_->create_organisation(org("upd")).has_value());
  auto o = org("upd");
  o.name = "Renamed";
  o.ip_ranges = {"203.0.113.0/24"};
  o.updated = o.created + 5;
  auto w = store_->update_organisation(o, 1);
  ASSERT_TRUE(w.has_value()) << w.error().message;
  EXPECT_EQ(w->outcome, WriteOutcome::done);
  auto g = **store_->get_organisation("upd");
  EXPECT_EQ(g.name, "Renamed");
  EXPECT_EQ(g.version, 2);
  EXPECT_EQ(g.created, o.created);
  EXPECT_EQ(g.updated, o.created + 5);
  EXPECT_EQ(g.ip_ranges, std::vector<std::string>{"203.0.113.0/24"});
  EXPECT_EQ(store_->update_organisation(o, 1)->outcome, WriteOutcome::stale);
  EXPECT_EQ(store_->update_organisation(o, std::nullopt)->outcome, WriteOutcome::done);
  EXPECT_EQ((**store_->get_organisation("upd")).version, 3);
  o.id = "ghost";
  EXPECT_EQ(store_->update_organisation(o, std::nullopt)->outcome, WriteOutcome::not_found);
}

TEST_P(StoreContract, IdempotencyKeyReplaysAndDetectsMisuse) {
  auto k = idem("create-1");
  auto first = store_->create_organisation(org("idem-org"), &k);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->outcome, WriteOutcome::done);
  auto again = store_->create_organisation(org("idem-org"), &k);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->outcome, WriteOutcome::replayed);
  EXPECT_EQ(again->ids, std::vector<std::string>{"idem-org"});
  auto other = idem("create-1", "c");
  EXPECT_EQ(store_->create_organisation(org("idem-org-2"), &other)->outcome, WriteOutcome::key_mismatch);
  EXPECT_FALSE(store_->get_organisation("idem-org-2")->has_value());
  // The same client key under another API key is another key.
  IdempotencyKey foreign{"00000000000000bb", "create-1", std::string(64, 'c')};
  EXPECT_EQ(store_->create_organisation(org("idem-org-3"), &foreign)->outcome, WriteOutcome::done);
}

TEST_P(StoreContract, ConcurrentIdempotentCreatesWriteOnce) {
  auto k = idem("race");
  std::atomic<int> done{0}, replayed{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      auto w = store_->create_organisation(org("raced"), &k);
      if (!w) ++errors;
      else if (w->outcome == WriteOutcome::done) ++done;
      else if (w->outcome == WriteOutcome::replayed) ++replayed;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(done.load(), 1);
  EXPECT_EQ(replayed.load(), 5);
}

TEST_P(StoreContract, ApiKeysCreateListRevoke) {
  ASSERT_TRUE(store_->create_organisation(org("keys-org")).has_value());
  EXPECT_EQ(store_->create_api_key(key("00000000000000a1", Role::operator_, "keys-org"))->outcome, WriteOutcome::done);
  EXPECT_EQ(store_->create_api_key(key("00000000000000a2", Role::analyst, ""))->outcome, WriteOutcome::done);
  EXPECT_EQ(store_->create_api_key(key("00000000000000a1", Role::admin, ""))->outcome, WriteOutcome::exists);
  EXPECT_EQ(store_->create_api_key(key("00000000000000a3", Role::carrier, "no-such-org"))->outcome,
            WriteOutcome::not_found);
  EXPECT_FALSE(store_->create_api_key(key("00000000000000a4", Role::operator_, "")).has_value());
  EXPECT_FALSE(store_->create_api_key(key("XYZ", Role::admin, "")).has_value());
  auto got = store_->get_api_key("00000000000000a1");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->role, Role::operator_);
  EXPECT_EQ((*got)->org_id, "keys-org");
  EXPECT_EQ((*got)->secret_hash, std::string(64, 'a'));
  EXPECT_EQ((*got)->revoked, 0u);
  EXPECT_EQ(store_->list_api_keys(std::nullopt)->size(), 2u);
  EXPECT_EQ(store_->list_api_keys(std::string("keys-org"))->size(), 1u);
  EXPECT_EQ(store_->revoke_api_key("00000000000000a1", 42)->outcome, WriteOutcome::done);
  EXPECT_EQ(store_->revoke_api_key("00000000000000a1", 99)->outcome, WriteOutcome::done);
  EXPECT_EQ((*store_->get_api_key("00000000000000a1"))->revoked, 42u);  // the first revocation stands
  EXPECT_EQ(store_->revoke_api_key("00000000000000ff", 42)->outcome, WriteOutcome::not_found);
}

TEST_P(StoreContract, BootstrapOnlyOnAnEmptyStore) {
  auto first = store_->bootstrap_api_key(key("00000000000000b1", Role::admin, ""));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->outcome, WriteOutcome::done);
  EXPECT_EQ(store_->bootstrap_api_key(key("00000000000000b2", Role::admin, ""))->outcome, WriteOutcome::refused);
  EXPECT_FALSE(store_->bootstrap_api_key(key("00000000000000b3", Role::analyst, "")).has_value());
  EXPECT_EQ(store_->list_api_keys(std::nullopt)->size(), 1u);
}

TEST_P(StoreContract, FindingsDeduplicateAndMerge) {
  ASSERT_TRUE(store_->create_organisation(org("carrier-a")).has_value());
  ASSERT_TRUE(store_->create_organisation(org("carrier-b")).has_value());
  auto w1 = store_->upsert_findings("carrier-a", {finding("203.0.113.5", 100, 200, 40)});
  ASSERT_TRUE(w1.has_value()) << w1.error().message;
  EXPECT_EQ(w1->created, 1);
  auto later = finding("203.0.113.5", 150, 300, 70);
  later.summary = "newer evidence";
  auto w2 = store_->upsert_findings("carrier-a", {later});
  ASSERT_TRUE(w2.has_value()) << w2.error().message;
  EXPECT_EQ(w2->created, 0);
  EXPECT_EQ(w2->ids, w1->ids);
  auto older = finding("203.0.113.5", 50, 120, 10);
  older.summary = "older evidence";
  ASSERT_TRUE(store_->upsert_findings("carrier-a", {older}).has_value());
  auto f = **store_->get_finding(std::stoll(w1->ids[0]));
  EXPECT_EQ(f.reports, 3);
  EXPECT_EQ(f.first_seen, 50u);
  EXPECT_EQ(f.last_seen, 300u);
  EXPECT_EQ(f.summary, "newer evidence");
  EXPECT_DOUBLE_EQ(f.score, 70);
  EXPECT_EQ(f.carrier_org, "carrier-a");
  EXPECT_EQ(f.status, FindingStatus::new_);
  // Another carrier, detector or kind is another finding.
  auto w3 = store_->upsert_findings("carrier-b", {finding("203.0.113.5", 100, 200)});
  EXPECT_EQ(w3->created, 1);
  auto scan = finding("203.0.113.5", 100, 200);
  scan.kind = "scanning";
  EXPECT_EQ(store_->upsert_findings("carrier-a", {scan})->created, 1);
  EXPECT_EQ(store_->list_findings({})->size(), 3u);
}

TEST_P(StoreContract, FindingBatchesAreAllOrNothing) {
  ASSERT_TRUE(store_->create_organisation(org("carrier-a")).has_value());
  auto bad = finding("not-an-address", 1, 2);
  auto w = store_->upsert_findings("carrier-a", {finding("198.51.100.1", 1, 2), bad});
  ASSERT_FALSE(w.has_value());
  EXPECT_NE(w.error().message.find("findings[1]"), std::string::npos);
  auto odd = finding("198.51.100.2", 5, 2);  // first after last
  EXPECT_FALSE(store_->upsert_findings("carrier-a", {odd}).has_value());
  auto json = finding("198.51.100.3", 1, 2);
  json.metrics_json = "[1]";
  EXPECT_FALSE(store_->upsert_findings("carrier-a", {json}).has_value());
  EXPECT_TRUE(store_->list_findings({})->empty());
  EXPECT_EQ(store_->upsert_findings("no-such-carrier", {finding("198.51.100.1", 1, 2)})->outcome, WriteOutcome::not_found);
  EXPECT_TRUE(store_->list_findings({})->empty());
}

TEST_P(StoreContract, FindingBatchWithIdempotencyKey) {
  ASSERT_TRUE(store_->create_organisation(org("carrier-a")).has_value());
  auto k = idem("batch-1");
  std::vector<FindingRecord> batch = {finding("198.51.100.1", 1, 2), finding("198.51.100.2", 1, 2)};
  auto w1 = store_->upsert_findings("carrier-a", batch, &k);
  ASSERT_TRUE(w1.has_value()) << w1.error().message;
  auto w2 = store_->upsert_findings("carrier-a", batch, &k);
  ASSERT_TRUE(w2.has_value());
  EXPECT_EQ(w2->outcome, WriteOutcome::replayed);
  EXPECT_EQ(w2->ids, w1->ids);
  const auto all = *store_->list_findings({});
  for (const auto& f : all) EXPECT_EQ(f.reports, 1);
}

TEST_P(StoreContract, ListFindingsFiltersAndPages) {
  ASSERT_TRUE(store_->create_organisation(org("carrier-a")).has_value());
  ASSERT_TRUE(store_->create_organisation(org("carrier-b")).has_value());
  std::vector<FindingRecord> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(finding("192.0.2." + std::to_string(i + 1), 100, 100 + i * 10, i * 10));
  ASSERT_TRUE(store_->upsert_findings("carrier-a", batch).has_value());
  ASSERT_TRUE(store_->upsert_findings("carrier-b", {finding("2001:DB8::1", 1, 2)}).has_value());
  FindingQuery q;
  q.limit = 4;
  auto p1 = *store_->list_findings(q);
  ASSERT_EQ(p1.size(), 4u);
  q.after_id = p1.back().id;
  auto p2 = *store_->list_findings(q);
  ASSERT_EQ(p2.size(), 4u);
  EXPECT_GT(p2.front().id, p1.back().id);
  FindingQuery by_carrier;
  by_carrier.carrier_org = "carrier-b";
  auto b = *store_->list_findings(by_carrier);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].endpoint, "2001:db8::1");  // canonical form
  FindingQuery by_endpoint;
  by_endpoint.endpoint = "192.0.2.3";
  EXPECT_EQ(store_->list_findings(by_endpoint)->size(), 1u);
  FindingQuery by_score;
  by_score.min_score = 50;
  EXPECT_EQ(store_->list_findings(by_score)->size(), 6u);  // 50..90 of carrier-a, and carrier-b's 50
  FindingQuery by_time;
  by_time.seen_after = 170;
  EXPECT_EQ(store_->list_findings(by_time)->size(), 3u);
  FindingQuery by_kind;
  by_kind.kind = "scanning";
  EXPECT_TRUE(store_->list_findings(by_kind)->empty());
}

TEST_P(StoreContract, TriageSetsStatusAndKeepsNotesUnlessGiven) {
  ASSERT_TRUE(store_->create_organisation(org("carrier-a")).has_value());
  auto w = *store_->upsert_findings("carrier-a", {finding("192.0.2.1", 1, 2)});
  const auto id = std::stoll(w.ids[0]);
  EXPECT_EQ(store_->triage_finding(id, FindingStatus::investigating, std::string("looking"), 10)->outcome,
            WriteOutcome::done);
  EXPECT_EQ(store_->triage_finding(id, FindingStatus::confirmed, std::nullopt, 20)->outcome, WriteOutcome::done);
  auto f = **store_->get_finding(id);
  EXPECT_EQ(f.status, FindingStatus::confirmed);
  EXPECT_EQ(f.notes, "looking");
  EXPECT_EQ(f.updated, 20u);
  // A repeat report keeps the triage.
  ASSERT_TRUE(store_->upsert_findings("carrier-a", {finding("192.0.2.1", 1, 5)}).has_value());
  EXPECT_EQ((**store_->get_finding(id)).status, FindingStatus::confirmed);
  FindingQuery q;
  q.status = FindingStatus::confirmed;
  EXPECT_EQ(store_->list_findings(q)->size(), 1u);
  EXPECT_EQ(store_->triage_finding(id + 1000, FindingStatus::closed, std::nullopt, 30)->outcome, WriteOutcome::not_found);
}

TEST_P(StoreContract, AccessLogAppendsAndLists) {
  for (int i = 0; i < 3; ++i) {
    AccessRecord r{0, static_cast<TimeNs>(100 + i), "00000000000000a1", "agency", i == 1 ? "other" : "acme",
                   "organisation.read", "organisations/acme", "administration"};
    auto id = store_->append_access(r);
    ASSERT_TRUE(id.has_value()) << id.error().message;
    EXPECT_GT(*id, 0);
  }
  auto acme = *store_->list_access("acme", 0, 10);
  ASSERT_EQ(acme.size(), 2u);
  EXPECT_EQ(acme[0].time, 100u);
  EXPECT_EQ(acme[1].time, 102u);
  EXPECT_EQ(acme[0].purpose, "administration");
  EXPECT_EQ(store_->list_access("acme", acme[0].id, 10)->size(), 1u);
  EXPECT_FALSE(store_->append_access(AccessRecord{0, 1, "k", "", "acme", "", "r", "p"}).has_value());
}

// Hostile strings are data: stored and returned byte for byte, nothing else changes.
TEST_P(StoreContract, InjectionStringsAreStoredAsText) {
  const std::vector<std::string> hostile = {
      "x'); DROP TABLE organisations;--", "\" OR 1=1 --", "'; DELETE FROM api_keys; SELECT '",
      "$1 $$ \\x00 ; COMMIT; BEGIN", "Robert'); DROP TABLE findings; --"};
  ASSERT_TRUE(store_->create_organisation(org("victim")).has_value());
  int n = 0;
  for (const auto& h : hostile) {
    auto o = org("inj-" + std::to_string(n++));
    o.name = h;
    o.ministry = h;
    o.contacts = {{h, "a@" + h, h, h}};
    ASSERT_TRUE(store_->create_organisation(o).has_value());
    auto g = **store_->get_organisation(o.id);
    EXPECT_EQ(g.name, h);
    EXPECT_EQ(g.ministry, h);
    EXPECT_EQ(g.contacts[0].name, h);
    auto f = finding("192.0.2.1", 1, 2);
    f.detector = h.substr(0, 60);
    f.summary = h;
    f.role = h.substr(0, 60);
    auto w = store_->upsert_findings("victim", {f});
    ASSERT_TRUE(w.has_value()) << w.error().message;
    auto got = **store_->get_finding(std::stoll(w->ids[0]));
    EXPECT_EQ(got.summary, h);
    ASSERT_EQ(store_->triage_finding(got.id, FindingStatus::closed, h, 5)->outcome, WriteOutcome::done);
    EXPECT_EQ((**store_->get_finding(got.id)).notes, h);
    FindingQuery q;
    q.carrier_org = h;
    EXPECT_TRUE(store_->list_findings(q)->empty());
    EXPECT_FALSE(store_->get_organisation(h)->has_value());
  }
  EXPECT_EQ(store_->list_organisations("", 100)->size(), hostile.size() + 1);
  EXPECT_EQ(store_->list_findings({})->size(), hostile.size());
  EXPECT_EQ(*store_->schema_version(), 2);
}

TEST_P(StoreContract, ConcurrentReportsOfOneFindingCountEveryReport) {
  ASSERT_TRUE(store_->create_organisation(org("carrier-a")).has_value());
  constexpr int kThreads = 4, kEach = 10;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i)
        if (!store_->upsert_findings("carrier-a", {finding("192.0.2.77", 1, 2)})) ++errors;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  auto all = *store_->list_findings({});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].reports, kThreads * kEach);
}

TEST_P(StoreContract, CountsCallsAndErrors) {
  ASSERT_TRUE(store_->get_organisation("abc").has_value());
  EXPECT_EQ(store_->counters(HubStore::Op::get_organisation).calls, 1u);
  EXPECT_EQ(store_->total_errors(), 0u);
}

// ---- incident reports ------------------------------------------------------

ReportRecord report_doc(std::string id, std::string incident, std::string stage, std::int64_t sequence,
                        std::string org_id = "acme-power", std::string tlp = "AMBER") {
  ReportRecord r;
  r.id = std::move(id);
  r.incident_id = std::move(incident);
  r.org_id = std::move(org_id);
  r.reporter_sector = "electricity";
  r.stage = std::move(stage);
  r.sequence = sequence;
  r.tlp = std::move(tlp);
  r.incident_type = "ransomware";
  r.aware_at = 1'700'000'000'000'000'000ULL;
  r.received = r.aware_at + 60'000'000'000ULL * (sequence + 1);
  r.document = R"({"schema":"mamori.report/v1","id":")" + r.id + R"("})";
  r.document_sha256 = std::string(64, 'd');
  for (const char* recipient : {"jp.ncs", "jp.meti"}) {
    ReportReceiptRecord rc;
    rc.recipient = recipient;
    rc.reasons_json = R"(["why"])";
    rc.sees_identity = std::string_view(recipient) == "jp.ncs";
    rc.identity_visible = rc.sees_identity;
    rc.view_sha256 = std::string(64, 'e');
    rc.signed_receipt = "mamori.report.receipt/v1\nreport " + r.id + "\n\n— hub sig\n";
    rc.time = r.received;
    r.receipts.push_back(std::move(rc));
  }
  r.indicators = {{"ipv4", "203.0.113.9"}, {"domain", "evil.example"}};
  return r;
}

IncidentRecord incident_of(const ReportRecord& r, std::optional<TimeNs> next_due) {
  IncidentRecord i;
  i.id = r.incident_id;
  i.org_id = r.org_id;
  i.reporter_sector = r.reporter_sector;
  i.incident_type = r.incident_type;
  i.latest_stage = r.stage;
  i.last_sequence = r.sequence;
  i.closed = r.stage == "final";
  i.aware_at = r.aware_at;
  i.updated = r.received;
  i.next_due = next_due;
  return i;
}

TEST_P(StoreContract, ReportChainIsStoredWholeAndContinuedInOrder) {
  ASSERT_TRUE(store_->create_organisation(org("acme-power")).has_value());
  const std::string inc = "rpt-20250301T000000Z-0000000000000001";
  auto quick = report_doc(inc, inc, "quick", 0);
  auto w = store_->submit_report(quick, incident_of(quick, 100));
  ASSERT_TRUE(w.has_value()) << w.error().message;
  EXPECT_EQ(w->outcome, WriteOutcome::done);
  // The same quick report again: the incident is open already.
  EXPECT_EQ(store_->submit_report(quick, incident_of(quick, 100))->outcome, WriteOutcome::exists);

  auto got = store_->get_report(inc);
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->document, quick.document);  // byte for byte
  ASSERT_EQ((*got)->receipts.size(), 2u);
  EXPECT_EQ((*got)->receipts[0].recipient, "jp.ncs");
  EXPECT_TRUE((*got)->receipts[0].sees_identity);
  EXPECT_FALSE((*got)->receipts[1].identity_visible);
  EXPECT_EQ((*got)->receipts[1].signed_receipt, quick.receipts[1].signed_receipt);
  EXPECT_EQ((*got)->indicators.size(), 2u);

  // A follow-up must continue from sequence 0; sequence 2 first is stale.
  auto skip = report_doc("rpt-20250301T000100Z-0000000000000002", inc, "follow_up", 2);
  EXPECT_EQ(store_->submit_report(skip, incident_of(skip, 200))->outcome, WriteOutcome::stale);
  auto one = report_doc("rpt-20250301T000100Z-0000000000000003", inc, "follow_up", 1);
  EXPECT_EQ(store_->submit_report(one, incident_of(one, 200))->outcome, WriteOutcome::done);
  auto fin = report_doc("rpt-20250301T000200Z-0000000000000004", inc, "final", 2);
  EXPECT_EQ(store_->submit_report(fin, incident_of(fin, std::nullopt))->outcome, WriteOutcome::done);
  // Nothing after the final report.
  auto late = report_doc("rpt-20250301T000300Z-0000000000000005", inc, "follow_up", 3);
  EXPECT_EQ(store_->submit_report(late, incident_of(late, 300))->outcome, WriteOutcome::stale);
  auto orphan = report_doc("rpt-20250301T000300Z-0000000000000006", "rpt-nope", "follow_up", 1);
  EXPECT_EQ(store_->submit_report(orphan, incident_of(orphan, 300))->outcome, WriteOutcome::not_found);

  auto chain = store_->incident_chain(inc);
  ASSERT_TRUE(chain.has_value());
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[0].id, quick.id);
  EXPECT_EQ((*chain)[1].id, one.id);
  EXPECT_EQ((*chain)[2].id, fin.id);
  EXPECT_EQ((*chain)[2].document, fin.document);
  auto incident = store_->get_incident(inc);
  ASSERT_TRUE(incident.has_value() && incident->has_value());
  EXPECT_TRUE((*incident)->closed);
  EXPECT_EQ((*incident)->last_sequence, 2);
  EXPECT_FALSE((*incident)->next_due.has_value());
}

TEST_P(StoreContract, ReportSubmissionIsIdempotentAndInvalidOnesStoreNothing) {
  ASSERT_TRUE(store_->create_organisation(org("acme-power")).has_value());
  auto a = report_doc("rpt-a", "rpt-a", "quick", 0);
  auto key = idem("report-1");
  EXPECT_EQ(store_->submit_report(a, incident_of(a, 5), &key)->outcome, WriteOutcome::done);
  // A retry builds a new id; the key replays the first one and writes nothing.
  auto retry = report_doc("rpt-b", "rpt-b", "quick", 0);
  auto again = store_->submit_report(retry, incident_of(retry, 5), &key);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->outcome, WriteOutcome::replayed);
  EXPECT_EQ(again->ids, std::vector<std::string>{"rpt-a"});
  EXPECT_FALSE(store_->get_report("rpt-b")->has_value());
  auto other = idem("report-1", "c");
  EXPECT_EQ(store_->submit_report(retry, incident_of(retry, 5), &other)->outcome, WriteOutcome::key_mismatch);

  auto bad = report_doc("rpt-c", "rpt-c", "quick", 0);
  bad.receipts.clear();
  EXPECT_FALSE(store_->submit_report(bad, incident_of(bad, 5)).has_value());
  auto nul = report_doc("rpt-d", "rpt-d", "quick", 0);
  nul.document = std::string("{\"x\":\"a\0b\"}", 12);
  EXPECT_FALSE(store_->submit_report(nul, incident_of(nul, 5)).has_value());
  auto bad_id = report_doc("rpt e; DROP TABLE reports;--", "rpt e; DROP TABLE reports;--", "quick", 0);
  EXPECT_FALSE(store_->submit_report(bad_id, incident_of(bad_id, 5)).has_value());
  auto unknown_org = report_doc("rpt-f", "rpt-f", "quick", 0, "nobody");
  EXPECT_EQ(store_->submit_report(unknown_org, incident_of(unknown_org, 5))->outcome,
            WriteOutcome::not_found);
  ReportQuery all;
  auto rows = store_->list_reports(all);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, "rpt-a");
}

TEST_P(StoreContract, ReportListsHonourOrganisationAndVisibility) {
  ASSERT_TRUE(store_->create_organisation(org("acme-power")).has_value());
  ASSERT_TRUE(store_->create_organisation(org("beta-gas", "gas")).has_value());
  auto a = report_doc("rpt-1", "rpt-1", "quick", 0, "acme-power", "AMBER");
  auto b = report_doc("rpt-2", "rpt-2", "quick", 0, "beta-gas", "GREEN");
  auto c = report_doc("rpt-3", "rpt-3", "quick", 0, "beta-gas", "RED");
  c.receipts.pop_back();  // jp.ncs only
  for (auto* r : {&a, &b, &c})
    ASSERT_EQ(store_->submit_report(*r, incident_of(*r, 1000))->outcome, WriteOutcome::done);
  auto ids = [&](ReportQuery q) {
    std::vector<std::string> out;
    auto rows = store_->list_reports(q);
    EXPECT_TRUE(rows.has_value());
    if (rows)
      for (const auto& r : *rows) out.push_back(r.id);
    return out;
  };
  ReportQuery own;
  own.org_id = "beta-gas";
  EXPECT_EQ(ids(own), (std::vector<std::string>{"rpt-2", "rpt-3"}));
  ReportQuery meti;
  meti.visible_to_org = "jp.meti";  // a recipient of 1 and 2; 2 is GREEN anyway
  EXPECT_EQ(ids(meti), (std::vector<std::string>{"rpt-1", "rpt-2"}));
  ReportQuery stranger;
  stranger.visible_to_org = "someone";
  EXPECT_EQ(ids(stranger), (std::vector<std::string>{"rpt-2"}));
  ReportQuery page;
  page.after_id = "rpt-1";
  page.limit = 1;
  EXPECT_EQ(ids(page), (std::vector<std::string>{"rpt-2"}));
  auto listed = store_->list_reports(ReportQuery{});
  ASSERT_TRUE(listed.has_value());
  EXPECT_TRUE((*listed)[0].document.empty());  // lists carry no content

  auto overdue = store_->list_overdue_incidents(1001, std::nullopt, 10);
  ASSERT_TRUE(overdue.has_value());
  EXPECT_EQ(overdue->size(), 3u);
  EXPECT_EQ(store_->list_overdue_incidents(1000, std::nullopt, 10)->size(), 0u);
  EXPECT_EQ(store_->list_overdue_incidents(1001, std::string("acme-power"), 10)->size(), 1u);
}

TEST_P(StoreContract, ReportAccessLogIsAppendOnly) {
  ReportAccessEntry e;
  e.time = 42;
  e.report_id = "rpt-1";
  e.incident_id = "rpt-1";
  e.reporter_org = "acme-power";
  e.reader_key_id = "00000000000000aa";
  e.reader_org = "jp.meti";
  e.reader_role = "analyst";
  e.purpose = "x'); DELETE FROM report_access; --";
  e.allowed = false;
  e.reason = "refused";
  e.ledger_index = 7;
  auto id = store_->append_report_access(e);
  ASSERT_TRUE(id.has_value()) << id.error().message;
  e.allowed = true;
  ASSERT_TRUE(store_->append_report_access(e).has_value());
  auto rows = store_->list_report_access("rpt-1", 0, 10);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].purpose, e.purpose);  // stored as text
  EXPECT_FALSE((*rows)[0].allowed);
  EXPECT_TRUE((*rows)[1].allowed);
  EXPECT_EQ((*rows)[1].ledger_index, 7);
  EXPECT_EQ(store_->list_report_access("rpt-1", (*rows)[0].id, 10)->size(), 1u);
  e.reason = std::string("bad\0reason", 10);
  EXPECT_FALSE(store_->append_report_access(e).has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace mamori::store

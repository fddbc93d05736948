// Incident reports through the hub API, in-process over real HTTP on
// 127.0.0.1: a quick report, a follow-up and the final report fan out with
// receipts that verify against what each recipient is actually served;
// purpose-bound reads are refused or allowed as the policy says, each one on
// the ledger before it is served; invalid submissions store nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "hub_test_support.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/ledger/ledger_file.hpp"
#include "mamori/report/receipt.hpp"

namespace mamori::hub {
namespace {

namespace json = boost::json;
using testing::RunningHub;

json::value parse(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return v;
}

std::string str(const json::value& v, std::string_view key) {
  return std::string(v.get_object().at(key).get_string());
}

class ReportsApi : public ::testing::Test {
 protected:
  void SetUp() override {
    HubConfig config;
    config.rate_limit = {1000, 1000};
    hub_ = RunningHub::start(config);
    ASSERT_TRUE(hub_->ok()) << hub_->error();
    admin_ = hub_->client(hub_->admin_key());
    for (auto [id, sector] :
         {std::pair{"kansai-grid", "electricity"}, std::pair{"jp.ncs", "government_services"},
          std::pair{"jp.meti", "government_services"}, std::pair{"jp.npa", "government_services"},
          std::pair{"other-gas", "gas"}})
      create_org(id, sector);
    operator_ = hub_->client(create_key("operator", "kansai-grid"));
    other_operator_ = hub_->client(create_key("operator", "other-gas"));
    ncs_ = hub_->client(create_key("analyst", "jp.ncs"));
    meti_ = hub_->client(create_key("analyst", "jp.meti"));
    npa_ = hub_->client(create_key("analyst", "jp.npa"));
  }

  std::string create_key(const std::string& role, const std::string& org) {
    json::object body{{"role", role}, {"org_id", org}};
    auto r = hub_request(admin_, "POST", "/v1/api-keys", json::serialize(body));
    EXPECT_TRUE(r.has_value());
    if (!r) return {};
    EXPECT_EQ(r->status, 201) << r->body;
    return str(parse(r->body), "key");
  }

  void create_org(const std::string& id, const std::string& sector) {
    json::object body{{"id", id}, {"name", "Org " + id}, {"sector", sector}, {"tier", 1}, {"clearance", 2}};
    auto r = hub_request(admin_, "POST", "/v1/organisations", json::serialize(body));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->status, 201) << r->body;
  }

  ClientResponse get(const ClientOptions& who, const std::string& target, const std::string& purpose = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!purpose.empty()) headers.emplace_back("X-Request-Purpose", purpose);
    auto r = hub_request(who, "GET", target, {}, headers);
    EXPECT_TRUE(r.has_value());
    return r ? *r : ClientResponse{};
  }

  ClientResponse post(const ClientOptions& who, const std::string& body, const std::string& idem = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!idem.empty()) headers.emplace_back("Idempotency-Key", idem);
    auto r = hub_request(who, "POST", "/v1/reports", body, headers);
    EXPECT_TRUE(r.has_value());
    return r ? *r : ClientResponse{};
  }

  std::size_t ledger_size() {
    auto l = ledger::open_ledger_file(hub_->hub().ledger_path(), false, true);
    EXPECT_TRUE(l.has_value());
    return l ? l->size() : 0;
  }

  std::unique_ptr<RunningHub> hub_;
  ClientOptions admin_, operator_, other_operator_, ncs_, meti_, npa_;
};

constexpr const char kQuick[] =
    R"({"incident_type":"ransomware","aware_at":"2025-03-01T02:10:00+09:00","contact":"CSIRT desk +81-6-0000-0000",)"
    R"("affected_asset":"file servers; C2 at evil[.]example.com and 203.0.113.9","service_impact":"degraded"})";

TEST_F(ReportsApi, QuickFollowUpFinalFanOutWithReceiptsThatVerifyAgainstWhatRecipientsGet) {
  auto r = post(operator_, kQuick, "quick-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto accepted = parse(r.body);
  const std::string id = str(accepted, "id");
  EXPECT_EQ(str(accepted, "incident"), id);
  EXPECT_EQ(accepted.at("indicators").as_int64(), 2);
  // The national agency, the sector ministry (electricity: METI) and, for ransomware, the police.
  std::map<std::string, json::object> receipts;
  for (const auto& rc : accepted.at("receipts").as_array()) receipts[str(rc, "recipient")] = rc.as_object();
  ASSERT_EQ(receipts.size(), 3u) << r.body;
  ASSERT_TRUE(receipts.contains("jp.ncs") && receipts.contains("jp.meti") && receipts.contains("jp.npa"));
  EXPECT_FALSE(accepted.at("deadlines").as_array().empty());

  // The retry with the same Idempotency-Key is the same report.
  auto replay = post(operator_, kQuick, "quick-1");
  ASSERT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(str(parse(replay.body), "id"), id);

  auto key = hub_request(admin_, "GET", "/v1/hub-key");
  ASSERT_TRUE(key.has_value());
  auto vkey = crypto::VerifierKey::parse(str(parse(key->body), "receipt_key"));
  ASSERT_TRUE(vkey.has_value()) << key->body;
  auto doc = get(operator_, "/v1/reports/" + id);
  ASSERT_EQ(doc.status, 200) << doc.body;
  EXPECT_EQ(*doc.header("Report-View"), "reporter");
  for (auto [client, recipient] :
       {std::pair{&ncs_, "jp.ncs"}, std::pair{&meti_, "jp.meti"}, std::pair{&npa_, "jp.npa"}}) {
    auto view = get(*client, "/v1/reports/" + id, "cybersecurity_analysis");
    ASSERT_EQ(view.status, 200) << recipient << ": " << view.body;
    const auto& rc = receipts[recipient];
    auto ok = report::verify_receipt_for(rc.at("receipt").as_string(), *vkey, recipient, doc.body, view.body);
    EXPECT_TRUE(ok.has_value()) << recipient << ": " << (ok ? "" : ok.error().message);
    // Anonymous by default: only the national agency sees who reported.
    const bool named = view.body.find("kansai-grid") != std::string::npos;
    EXPECT_EQ(named, std::string_view(recipient) == "jp.ncs") << view.body;
    EXPECT_EQ(rc.at("identity_visible").as_bool(), named);
  }
  // A receipt does not verify for another recipient's view.
  auto meti_view = get(meti_, "/v1/reports/" + id, "cybersecurity_analysis");
  EXPECT_FALSE(report::verify_receipt_for(receipts["jp.ncs"].at("receipt").as_string(), *vkey, "jp.ncs",
                                          doc.body, meti_view.body)
                   .has_value());

  const std::string follow_up =
      R"({"stage":"follow_up","incident":")" + id +
      R"(","sequence":1,"changes":"scope known","description":"two file servers encrypted"})";
  auto f = post(operator_, follow_up);
  ASSERT_EQ(f.status, 201) << f.body;
  EXPECT_EQ(parse(f.body).at("sequence").as_int64(), 1);
  // The same sequence again conflicts; so does another organisation continuing it (as if it did not exist).
  EXPECT_EQ(post(operator_, follow_up).status, 409);
  EXPECT_EQ(post(other_operator_, follow_up).status, 404);
  const std::string final_report =
      R"({"stage":"final","incident":")" + id +
      R"(","sequence":2,"description":"contained","root_cause":"unpatched VPN","remediation":"patched, keys rotated"})";
  auto fin = post(operator_, final_report);
  ASSERT_EQ(fin.status, 201) << fin.body;
  auto after =
      post(operator_, R"({"stage":"follow_up","incident":")" + id + R"(","sequence":3,"changes":"x"})");
  EXPECT_EQ(after.status, 409) << after.body;

  auto mine = get(operator_, "/v1/reports?incident=" + id);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(parse(mine.body).at("items").as_array().size(), 3u);
  auto deadlines = get(operator_, "/v1/reports/" + id + "/deadlines");
  ASSERT_EQ(deadlines.status, 200) << deadlines.body;
  EXPECT_NE(deadlines.body.find("jp-default"), std::string::npos);
}

TEST_F(ReportsApi, ReadsArePurposeBoundLoggedFirstAndOperatorsSeeOnlyTheirOwn) {
  auto r = post(operator_, kQuick);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(parse(r.body), "id");
  const std::size_t before = ledger_size();
  EXPECT_EQ(get(meti_, "/v1/reports/" + id).status, 403);                                // no purpose
  EXPECT_EQ(get(meti_, "/v1/reports/" + id, "sanctions_against_reporter").status, 403);  // forbidden purpose
  EXPECT_EQ(get(meti_, "/v1/reports/" + id, "made_up").status, 403);                     // not on the list
  auto other = get(other_operator_, "/v1/reports/" + id, "cybersecurity_analysis");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.body.find("kansai-grid"), std::string::npos);
  EXPECT_EQ(get(admin_, "/v1/reports/" + id, "cybersecurity_analysis").status,
            403);  // admins administer, not read
  auto allowed = get(meti_, "/v1/reports/" + id, "cybersecurity_analysis");
  ASSERT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.body.find("kansai-grid"), std::string::npos);
  EXPECT_EQ(allowed.body.find("CSIRT desk"), std::string::npos);  // the contact names the reporter too
  EXPECT_EQ(get(meti_, "/v1/reports/" + id + "?purpose=statistics").status, 200);
  // Every decision, refused or allowed, is one ledger entry.
  EXPECT_EQ(ledger_size(), before + 7);
  EXPECT_EQ(std::stoull(*allowed.header("Ledger-Index")), before + 5);

  auto log = get(operator_, "/v1/reports/" + id + "/access-log");
  ASSERT_EQ(log.status, 200) << log.body;
  auto reads = parse(log.body).at("reads").as_array();
  ASSERT_EQ(reads.size(), 7u) << log.body;
  EXPECT_EQ(str(reads[0], "decision"), "refused");
  EXPECT_EQ(str(reads[5], "purpose"), "cybersecurity_analysis");
  EXPECT_EQ(str(reads[5], "reader_organisation"), "jp.meti");
  EXPECT_EQ(log.body.find("\"reader_id\""), std::string::npos);  // who, as organisation and role; no key ids
  EXPECT_EQ(get(meti_, "/v1/reports/" + id + "/access-log").status, 403);
  EXPECT_EQ(get(other_operator_, "/v1/reports/" + id + "/access-log").status, 403);

  // Lists: the other operator sees nothing of it; the ministry sees it without identity.
  auto other_list = get(other_operator_, "/v1/reports");
  EXPECT_EQ(parse(other_list.body).at("items").as_array().size(), 0u);
  auto meti_list = get(meti_, "/v1/reports");
  ASSERT_EQ(parse(meti_list.body).at("items").as_array().size(), 1u);
  EXPECT_EQ(meti_list.body.find("kansai-grid"), std::string::npos);
  // Receipts: the reporter all, a recipient its own, others none.
  EXPECT_EQ(parse(get(operator_, "/v1/reports/" + id + "/receipts").body).at("receipts").as_array().size(),
            3u);
  EXPECT_EQ(parse(get(meti_, "/v1/reports/" + id + "/receipts").body).at("receipts").as_array().size(), 1u);
  EXPECT_EQ(get(other_operator_, "/v1/reports/" + id + "/receipts").status, 403);
}

TEST_F(ReportsApi, InvalidSubmissionsAre4xxAndStoreNothing) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"not json", 400},
      {"[1,2]", 400},
      {R"({"incident_type":"ransomware","aware_at":"2025-03-01T02:10:00Z"})", 400},  // no contact
      {R"({"incident_type":"zombies","aware_at":"2025-03-01T02:10:00Z","contact":"x"})", 400},
      {R"({"incident_type":"ddos","aware_at":"2025-03-01T02:10:00Z","contact":"x","colour":"red"})", 400},
      {R"({"incident_type":"ddos","aware_at":"2025-03-01T02:10:00Z","contact":"x","organisation":"other-gas"})",
       400},
      {R"({"incident_type":"ddos","aware_at":"yesterday","contact":"x"})", 400},
      {R"({"stage":"follow_up","incident":"rpt-none","sequence":1,"changes":"x"})", 404},
      {R"({"incident_type":"ddos","aware_at":"2025-03-01T02:10:00Z","contact":")" +
           std::string(2 << 20, 'a') + "\"}",
       413},
  };
  for (const auto& [body, status] : cases) {
    auto r = post(operator_, body);
    EXPECT_EQ(r.status, status) << body.substr(0, 120) << " -> " << r.body.substr(0, 300);
  }
  EXPECT_EQ(post(ncs_, kQuick).status, 403);  // analysts do not file reports
  auto none = get(admin_, "/v1/reports");
  EXPECT_EQ(parse(none.body).at("items").as_array().size(), 0u) << none.body;
}

}  // namespace
}  // namespace mamori::hub

// The hub API in-process over real HTTP on 127.0.0.1: authentication,
// authorisation, organisation isolation, error bodies, limits, and the
// OpenAPI document against the route table.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <functional>

#include "hub_test_support.hpp"

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

// Every failure carries {"error":{"code":…,"message":…}} and nothing else.
void expect_error(const Result<ClientResponse>& r, int status, std::string_view code) {
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, status) << r->body;
  auto v = parse(r->body);
  ASSERT_TRUE(v.is_object()) << r->body;
  ASSERT_EQ(v.get_object().size(), 1u) << r->body;
  const auto* e = v.get_object().if_contains("error");
  ASSERT_TRUE(e && e->is_object()) << r->body;
  ASSERT_TRUE(e->get_object().contains("message"));
  EXPECT_TRUE(e->get_object().at("message").is_string());
  EXPECT_EQ(e->get_object().at("code"), json::value(code)) << r->body;
}

class HubApi : public ::testing::Test {
 protected:
  void SetUp() override {
    HubConfig config;
    config.rate_limit = {1000, 1000};
    hub_ = RunningHub::start(config);
    ASSERT_TRUE(hub_->ok()) << hub_->error();
    admin_ = hub_->client(hub_->admin_key());
  }

  std::string create_key(const std::string& role, const std::string& org) {
    json::object body{{"role", role}};
    if (!org.empty()) body["org_id"] = org;
    auto r = hub_request(admin_, "POST", "/v1/api-keys", json::serialize(body));
    EXPECT_TRUE(r.has_value());
    if (!r) return {};
    EXPECT_EQ(r->status, 201) << r->body;
    return std::string(parse(r->body).get_object().at("key").get_string());
  }

  void create_org(const std::string& id) {
    auto r = hub_request(admin_, "POST", "/v1/organisations",
                         R"({"id":")" + id + R"(","name":"Org )" + id + R"(","sector":"gas","ip_ranges":["198.51.100.0/24"]})");
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->status, 201) << r->body;
  }

  std::unique_ptr<RunningHub> hub_;
  ClientOptions admin_;
};

TEST_F(HubApi, MissingWrongOrRevokedKeysAre401) {
  ClientOptions none = hub_->client("");
  expect_error(hub_request(none, "GET", "/v1/organisations"), 401, "unauthorized");
  expect_error(hub_request(hub_->client("mk_0000000000000000_" + std::string(64, '0')), "GET", "/v1/organisations"), 401,
               "unauthorized");
  expect_error(hub_request(hub_->client("not a key"), "GET", "/v1/organisations"), 401, "unauthorized");
  std::string wrong_secret = hub_->admin_key();
  wrong_secret.back() = wrong_secret.back() == '0' ? '1' : '0';
  expect_error(hub_request(hub_->client(wrong_secret), "GET", "/v1/organisations"), 401, "unauthorized");
  // Revocation takes effect at once.
  create_org("acme");
  const auto key = create_key("operator", "acme");
  auto ok = hub_request(hub_->client(key), "GET", "/v1/organisations/acme");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  const auto id = key.substr(3, 16);
  auto revoked = hub_request(admin_, "DELETE", "/v1/api-keys/" + id);
  ASSERT_TRUE(revoked.has_value());
  EXPECT_EQ(revoked->status, 200) << revoked->body;
  expect_error(hub_request(hub_->client(key), "GET", "/v1/organisations/acme"), 401, "unauthorized");
  // Public routes need no key.
  auto health = hub_request(none, "GET", "/healthz");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, 200);
}

TEST_F(HubApi, RolesAndOrganisationsAreEnforced) {
  create_org("acme");
  create_org("other");
  const auto op = hub_->client(create_key("operator", "acme"));
  const auto carrier = hub_->client(create_key("carrier", "other"));
  const auto analyst = hub_->client(create_key("analyst", ""));
  // Operators never see another organisation.
  expect_error(hub_request(op, "GET", "/v1/organisations/other"), 403, "forbidden");
  auto list = hub_request(op, "GET", "/v1/organisations");
  ASSERT_TRUE(list.has_value());
  auto items = parse(list->body).get_object().at("items").get_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].get_object().at("id"), json::value("acme"));
  expect_error(hub_request(op, "PATCH", "/v1/organisations/other", R"({"name":"mine now"})"), 403, "forbidden");
  // ...may update their own registrations, but not what the agency assigns.
  auto upd = hub_request(op, "PATCH", "/v1/organisations/acme", R"({"domains":["acme.example.jp"]})");
  ASSERT_TRUE(upd.has_value());
  EXPECT_EQ(upd->status, 200) << upd->body;
  expect_error(hub_request(op, "PATCH", "/v1/organisations/acme", R"({"tier":1})"), 403, "forbidden");
  // Role checks.
  expect_error(hub_request(op, "POST", "/v1/organisations", R"({"name":"x","sector":"gas"})"), 403, "forbidden");
  expect_error(hub_request(op, "POST", "/v1/api-keys", R"({"role":"admin"})"), 403, "forbidden");
  expect_error(hub_request(op, "GET", "/v1/findings"), 403, "forbidden");
  expect_error(hub_request(analyst, "POST", "/v1/findings", R"({})"), 403, "forbidden");
  expect_error(hub_request(carrier, "PATCH", "/v1/findings/1", R"({"status":"closed"})"), 403, "forbidden");
  // A cross-organisation read by the agency is logged with its purpose and visible to the organisation.
  auto read = hub_request(analyst, "GET", "/v1/organisations/acme?purpose=early_warning");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->status, 200);
  expect_error(hub_request(analyst, "GET", "/v1/organisations/acme?purpose=curiosity"), 400, "invalid_request");
  auto log = hub_request(op, "GET", "/v1/organisations/acme/access-log");
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->status, 200) << log->body;
  auto entries = parse(log->body).get_object().at("items").get_array();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].get_object().at("purpose"), json::value("early_warning"));
  expect_error(hub_request(op, "GET", "/v1/organisations/other/access-log"), 403, "forbidden");
}

TEST_F(HubApi, MalformedAndOversizedRequestsAre4xxAndStoreNothing) {
  expect_error(hub_request(admin_, "POST", "/v1/organisations", "{not json"), 400, "invalid_json");
  expect_error(hub_request(admin_, "POST", "/v1/organisations", "[1,2]"), 400, "invalid_json");
  expect_error(hub_request(admin_, "POST", "/v1/organisations", R"({"name":"x"})"), 400, "invalid_request");
  expect_error(hub_request(admin_, "POST", "/v1/organisations", R"({"name":"x","sector":"gas","tier":"one"})"), 400,
               "invalid_request");
  expect_error(hub_request(admin_, "POST", "/v1/organisations", R"({"name":"x","sector":"gas","colour":"red"})"), 400,
               "invalid_request");
  expect_error(hub_request(admin_, "POST", "/v1/organisations", R"({"name":"x","sector":"gas","ip_ranges":["10.0.0.0/99"]})"),
               400, "invalid_request");
  expect_error(hub_request(admin_, "POST", "/v1/organisations", R"({"name":"x","sector":"gas"})",
                           {{"Content-Type", "text/plain"}}),
               415, "unsupported_media_type");
  const std::string huge = R"({"name":")" + std::string(2 * 1024 * 1024, 'a') + R"(","sector":"gas"})";
  expect_error(hub_request(admin_, "POST", "/v1/organisations", huge), 413, "payload_too_large");
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "[";
  expect_error(hub_request(admin_, "POST", "/v1/organisations", deep), 400, "invalid_json");
  auto list = hub_request(admin_, "GET", "/v1/organisations");
  ASSERT_TRUE(list.has_value());
  EXPECT_TRUE(parse(list->body).get_object().at("items").get_array().empty());
  expect_error(hub_request(admin_, "GET", "/v1/nowhere"), 404, "not_found");
  auto not_allowed = hub_request(admin_, "PUT", "/v1/organisations");
  expect_error(not_allowed, 405, "method_not_allowed");
  ASSERT_NE(not_allowed->header("Allow"), nullptr);
  expect_error(hub_request(admin_, "GET", "/v1/organisations/none"), 404, "not_found");
  create_org("dup");
  expect_error(hub_request(admin_, "POST", "/v1/organisations", R"({"id":"dup","name":"x","sector":"gas"})"), 409,
               "conflict");
}

TEST_F(HubApi, FindingsSubmitDeduplicateTriageWithLedgerEntry) {
  create_org("carrier-a");
  const auto carrier = hub_->client(create_key("carrier", "carrier-a"));
  const auto analyst = hub_->client(create_key("analyst", ""));
  const std::string finding =
      R"({"kind":"beaconing","detector":"beacon","endpoint":"203.0.113.5","role":"c2_server","ports":[443],"proto":6,)"
      R"("score":87.5,"first_seen":"2026-11-01T00:00:00Z","last_seen":"2026-11-01T06:00:00Z","flows":120,"peers":4,)"
      R"("sample_peers":["10.1.2.3"],"metrics":[["ts_skew",0.02]],"summary":"every 60 s"})";
  auto first = hub_request(carrier, "POST", "/v1/findings", finding);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->status, 201) << first->body;
  auto again = hub_request(carrier, "POST", "/v1/findings", "[" + finding + "]");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(parse(again->body).get_object().at("merged"), json::value(1));
  auto list = hub_request(analyst, "GET", "/v1/findings?kind=beaconing&min_score=50");
  ASSERT_TRUE(list.has_value());
  auto items = parse(list->body).get_object().at("items").get_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].get_object().at("reports"), json::value(2));
  const auto id = items[0].get_object().at("id").as_int64();
  auto triage = hub_request(analyst, "PATCH", "/v1/findings/" + std::to_string(id),
                            R"({"status":"confirmed","notes":"C2 of a known botnet"})");
  ASSERT_TRUE(triage.has_value());
  ASSERT_EQ(triage->status, 200) << triage->body;
  ASSERT_NE(triage->header("Ledger-Index"), nullptr);
  EXPECT_EQ(*triage->header("Ledger-Index"), "0");
  EXPECT_EQ(parse(triage->body).get_object().at("status"), json::value("confirmed"));
  expect_error(hub_request(analyst, "PATCH", "/v1/findings/" + std::to_string(id), R"({"status":"solved"})"), 400,
               "invalid_request");
  expect_error(hub_request(analyst, "PATCH", "/v1/findings/999999", R"({"status":"closed"})"), 404, "not_found");
  // Schema-invalid findings store nothing, whole batch.
  expect_error(hub_request(carrier, "POST", "/v1/findings",
                           "[" + finding + R"(,{"kind":"beaconing","detector":"b","endpoint":"nope","score":1,"first_seen":1,"last_seen":2}])"),
               400, "invalid_request");
  expect_error(hub_request(carrier, "POST", "/v1/findings", R"({"kind":"beaconing","detector":"b","endpoint":"192.0.2.1","score":101,"first_seen":1,"last_seen":2})"),
               400, "invalid_request");
  auto after = hub_request(analyst, "GET", "/v1/findings");
  EXPECT_EQ(parse(after->body).get_object().at("items").get_array().size(), 1u);
}

TEST_F(HubApi, IdempotencyKeyReplaysOrganisationCreation) {
  const std::vector<std::pair<std::string, std::string>> idem = {{"Idempotency-Key", "create-acme-1"}};
  auto first = hub_request(admin_, "POST", "/v1/organisations", R"({"name":"Acme","sector":"finance"})", idem);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->status, 201) << first->body;
  auto second = hub_request(admin_, "POST", "/v1/organisations", R"({"name":"Acme","sector":"finance"})", idem);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(parse(first->body).get_object().at("id"), parse(second->body).get_object().at("id"));
  expect_error(hub_request(admin_, "POST", "/v1/organisations", R"({"name":"Other","sector":"finance"})", idem), 409,
               "idempotency_key_reused");
  auto list = hub_request(admin_, "GET", "/v1/organisations");
  EXPECT_EQ(parse(list->body).get_object().at("items").get_array().size(), 1u);
}

TEST(HubRateLimit, ExcessRequestsAre429WithRetryAfter) {
  HubConfig config;
  config.rate_limit = {0.5, 3};
  auto hub = RunningHub::start(config);
  ASSERT_TRUE(hub->ok()) << hub->error();
  const auto admin = hub->client(hub->admin_key());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(hub_request(admin, "GET", "/v1/organisations")->status, 200);
  auto limited = hub_request(admin, "GET", "/v1/organisations");
  expect_error(limited, 429, "rate_limited");
  ASSERT_NE(limited->header("Retry-After"), nullptr);
  EXPECT_EQ(*limited->header("Retry-After"), "2");
  auto metrics = hub_request(hub->client(""), "GET", "/metrics");
  ASSERT_TRUE(metrics.has_value());
  EXPECT_NE(metrics->body.find("mamori_hub_rate_limited_total 1"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find(R"(mamori_hub_requests_total{route="organisations.list",method="GET",status="429"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("mamori_hub_request_seconds_bucket{route=\"organisations.list\",le=\"+Inf\"} 4"),
            std::string::npos);
}

// The served OpenAPI document describes every registered route, with its
// path parameters, security and schemas that resolve.
TEST(HubOpenApi, DescribesEveryRegisteredRoute) {
  auto hub = RunningHub::start();
  ASSERT_TRUE(hub->ok()) << hub->error();
  auto r = hub_request(hub->client(""), "GET", "/openapi.json");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->status, 200);
  auto doc = parse(r->body).get_object();
  EXPECT_EQ(doc.at("openapi"), json::value("3.0.3"));
  const auto& paths = doc.at("paths").get_object();
  const auto& schemas = doc.at("components").get_object().at("schemas").get_object();
  std::size_t operations = 0;
  for (const auto& route : hub->hub().router().routes()) {
    SCOPED_TRACE(route.method + " " + route.pattern);
    ASSERT_TRUE(paths.contains(route.pattern));
    std::string method = route.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto* op = paths.at(route.pattern).get_object().if_contains(method);
    ASSERT_NE(op, nullptr);
    const auto& o = op->get_object();
    EXPECT_EQ(o.at("operationId"), json::value(route.name));
    EXPECT_FALSE(route.summary.empty());
    EXPECT_EQ(o.at("security").get_array().empty(), route.roles.empty());
    EXPECT_TRUE(o.at("responses").get_object().contains(std::to_string(route.success_status)));
    if (!route.roles.empty()) {
      EXPECT_TRUE(o.at("responses").get_object().contains("401"));
      EXPECT_TRUE(o.at("responses").get_object().contains("403"));
    }
    for (auto seg : split_path(route.pattern)) {
      if (seg.front() == '{') {
        bool declared = false;
        for (const auto& p : o.at("parameters").get_array())
          declared |= p.get_object().at("name") == json::value(seg.substr(1, seg.size() - 2));
        EXPECT_TRUE(declared) << seg;
      }
    }
    for (const auto& name : {route.request_schema, route.response_schema}) {
      if (!name.empty()) {
        EXPECT_TRUE(schemas.contains(name)) << name;
      }
    }
    ++operations;
  }
  std::size_t documented = 0;
  for (const auto& p : paths) documented += p.value().get_object().size();
  EXPECT_EQ(documented, operations);  // nothing described that is not served
  // Every $ref in the document resolves.
  std::function<void(const json::value&)> check = [&](const json::value& v) {
    if (v.is_object()) {
      for (const auto& kv : v.get_object()) {
        if (kv.key() == "$ref") {
          const std::string ref(kv.value().get_string());
          ASSERT_TRUE(ref.starts_with("#/components/schemas/")) << ref;
          EXPECT_TRUE(schemas.contains(ref.substr(21))) << ref;
        } else {
          check(kv.value());
        }
      }
    } else if (v.is_array()) {
      for (const auto& x : v.get_array()) check(x);
    }
  };
  check(json::value(doc));
}

// SIGTERM-style stop: a request being handled is answered, then the server returns.
TEST(HttpServerStop, FinishesInFlightRequests) {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.handle_signals = false;
  std::atomic<bool> entered{false};
  auto server = HttpServer::listen(options, [&](Request&) {
    entered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return json_response(200, R"({"done":true})");
  });
  ASSERT_TRUE(server.has_value()) << server.error().message;
  std::thread runner([&] { (*server)->run(); });
  ClientOptions client;
  client.url = "http://127.0.0.1:" + std::to_string((*server)->port());
  Result<ClientResponse> answer = fail(Errc::io_error, "not sent");
  std::thread caller([&] { answer = hub_request(client, "GET", "/slow"); });
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto stop_at = std::chrono::steady_clock::now();
  (*server)->stop();
  caller.join();
  runner.join();
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, R"({"done":true})");
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, std::chrono::seconds(5));
  // Nothing listens any more.
  EXPECT_FALSE(hub_request(client, "GET", "/slow").has_value());
}

TEST(HubConfigFile, ExampleParsesToTheDefaults) {
  const auto example = std::filesystem::path(__FILE__).parent_path() / "../../../config/hub.example.toml";
  auto c = load_hub_config(example.string());
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const HubConfig defaults;
  EXPECT_EQ(c->server.host, "127.0.0.1");
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->server.max_body_bytes, defaults.server.max_body_bytes);
  EXPECT_EQ(c->server.read_timeout, defaults.server.read_timeout);
  EXPECT_EQ(c->server.idle_timeout, defaults.server.idle_timeout);
  EXPECT_EQ(c->storage.database, defaults.storage.database);
  EXPECT_EQ(c->storage.pool_size, defaults.storage.pool_size);
  EXPECT_EQ(c->rate_limit.rate, defaults.rate_limit.rate);
  EXPECT_EQ(c->rate_limit.burst, defaults.rate_limit.burst);
  EXPECT_TRUE(c->log_requests);
  EXPECT_EQ(c->key_cache_ttl, defaults.key_cache_ttl);
  EXPECT_EQ(ledger_path_for(*c), "hub.db.ledger");
  ServerOptions s;
  EXPECT_TRUE(parse_listen("[::1]:8443", s).has_value());
  EXPECT_EQ(s.host, "::1");
  EXPECT_EQ(s.port, 8443);
  EXPECT_FALSE(parse_listen("localhost", s).has_value());
  EXPECT_FALSE(parse_listen("h:70000", s).has_value());
}

}  // namespace
}  // namespace mamori::hub

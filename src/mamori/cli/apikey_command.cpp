// `mamori apikey create|list|revoke`: API keys through the hub API, and the
// bootstrap admin key of an empty store (`create --role admin --bootstrap`).
// A key's token is printed once, on stdout, when it is created; never again.
#include <cstdio>
#include <string>

#include "mamori/cli/command.hpp"
#include "mamori/cli/hub_client_options.hpp"
#include "mamori/hub/hub.hpp"

namespace mamori::cli {

namespace {

namespace json = boost::json;

struct KeyOptions {
  hub::ClientOptions client;
  std::string role, org, name, id, db, db_schema;
  bool bootstrap = false;
  bool json_output = false;
};

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

int run_bootstrap(const KeyOptions& o) {
  if (o.role != "admin") return report_error("--bootstrap creates an admin key: use --role admin", 2);
  if (o.db.empty()) return report_error("--bootstrap works on the store directly: pass --db", 2);
  store::StoreConfig config;
  config.database = o.db;
  config.schema = o.db_schema;
  auto s = store::open_hub_store(config);
  if (!s) return report_error(s.error().message);
  auto token = hub::bootstrap_admin_key(**s, o.name.empty() ? "bootstrap admin" : o.name);
  if (!token) return report_error(token.error().message);
  std::printf("%s\n", token->c_str());
  std::fprintf(stderr, "mamori: created the bootstrap admin key; store it now, it is not shown again\n");
  return 0;
}

int run_create(const KeyOptions& o) {
  if (o.bootstrap) return run_bootstrap(o);
  json::object body{{"role", o.role}};
  if (!o.org.empty()) body["org_id"] = o.org;
  if (!o.name.empty()) body["name"] = o.name;
  int code = 0;
  auto v = call_hub(o.client, "POST", "/v1/api-keys", json::serialize(body), code);
  if (!v) return code;
  if (!v->is_object() || !v->get_object().contains("key")) return report_error("unexpected answer from the hub");
  const auto& k = v->get_object();
  std::printf("%s\n", str(k, "key").c_str());
  std::fprintf(stderr, "mamori: created key %s (role %s, organisation %s); the key above is not shown again\n",
               str(k, "id").c_str(), str(k, "role").c_str(), str(k, "org_id").c_str());
  return 0;
}

int run_list(const KeyOptions& o) {
  int code = 0;
  std::string target = "/v1/api-keys";
  if (!o.org.empty()) target += "?org_id=" + url_encode(o.org);
  auto v = call_hub(o.client, "GET", target, {}, code);
  if (!v) return code;
  if (o.json_output) {
    std::printf("%s\n", json::serialize(*v).c_str());
    return 0;
  }
  const auto* items = v->is_object() ? v->get_object().if_contains("items") : nullptr;
  if (!items || !items->is_array()) return report_error("unexpected answer from the hub");
  std::printf("%-16s %-9s %-24s %-32s %s\n", "ID", "ROLE", "ORGANISATION", "REVOKED", "NAME");
  for (const auto& item : items->get_array()) {
    if (!item.is_object()) continue;
    const auto& k = item.get_object();
    std::printf("%-16s %-9s %-24s %-32s %s\n", str(k, "id").c_str(), str(k, "role").c_str(), str(k, "org_id").c_str(),
                str(k, "revoked").c_str(), str(k, "name").c_str());
  }
  return 0;
}

int run_revoke(const KeyOptions& o) {
  int code = 0;
  auto v = call_hub(o.client, "DELETE", "/v1/api-keys/" + url_encode(o.id), {}, code);
  if (!v) return code;
  std::fprintf(stderr, "mamori: revoked key %s\n", o.id.c_str());
  return 0;
}

}  // namespace

void register_apikey_commands(CommandSet& commands) {
  CLI::App& group = commands.group("apikey", "API keys of the hub (admin)");
  auto o = std::make_shared<KeyOptions>();
  CLI::App& create = commands.verb(group, "create", "Create a key; its token is printed once on stdout",
                                   [o] { return run_create(*o); });
  add_client_options(create, o->client);
  create.add_option("--role", o->role, "operator, analyst, carrier, overseer or admin")
      ->required()
      ->check(CLI::IsMember({"operator", "analyst", "carrier", "overseer", "admin"}));
  create.add_option("--org", o->org, "Organisation of the key (required for operator and carrier)");
  create.add_option("--name", o->name, "What the key is for");
  create.add_flag("--bootstrap", o->bootstrap, "First admin key of an empty store, written directly (needs --db)");
  create.add_option("--db", o->db, "With --bootstrap: the hub's database (SQLite path or postgresql:// URL)");
  create.add_option("--db-schema", o->db_schema, "With --bootstrap: PostgreSQL schema");
  CLI::App& list = commands.verb(group, "list", "List keys (never their secrets)", [o] { return run_list(*o); });
  add_client_options(list, o->client);
  list.add_option("--org", o->org, "Only keys of this organisation");
  list.add_flag("--json", o->json_output, "Print the API's JSON");
  CLI::App& revoke = commands.verb(group, "revoke", "Revoke a key by id; it stops working at once", [o] { return run_revoke(*o); });
  add_client_options(revoke, o->client);
  revoke.add_option("id", o->id, "Key id (16 hex digits)")->required();
}

}  // namespace mamori::cli

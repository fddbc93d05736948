// `mamori org create|list|show|update`: registered organisations, through the
// hub API (an admin key creates; an operator key reads and updates its own).
#include <cstdio>
#include <string>
#include <vector>

#include "mamori/cli/command.hpp"
#include "mamori/cli/hub_client_options.hpp"

namespace mamori::cli {

namespace {

namespace json = boost::json;

struct OrgOptions {
  hub::ClientOptions client;
  std::string id, name, sector, ministry, from_json, idempotency_key, after;
  std::optional<int> tier, clearance;
  std::optional<std::int64_t> version;
  std::vector<std::string> contacts, ip_ranges, domains;
  std::vector<std::uint32_t> asns;
  bool json_output = false;
  int limit = 100;
};

// "name=CSIRT desk;email=csirt@example.jp;phone=+81-...;role=CSIRT"
std::optional<json::object> parse_contact(const std::string& text, int& exit_code) {
  json::object c;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    const auto part = rest.substr(0, semi);
    const auto eq = part.find('=');
    const auto key = part.substr(0, eq);
    if (eq == std::string_view::npos || (key != "name" && key != "email" && key != "phone" && key != "role")) {
      exit_code = report_error("--contact takes name=...;email=...;phone=...;role=...", 2);
      return std::nullopt;
    }
    c[key] = part.substr(eq + 1);
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return c;
}

std::optional<std::string> build_body(const OrgOptions& o, bool create, int& exit_code) {
  json::object body;
  if (!o.from_json.empty()) {
    auto text = read_document(o.from_json, exit_code);
    if (!text) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    if (ec || !v.is_object()) {
      exit_code = report_error(o.from_json + ": not a JSON object", 2);
      return std::nullopt;
    }
    body = std::move(v.get_object());
  }
  if (create && !o.id.empty()) body["id"] = o.id;
  if (!o.name.empty()) body["name"] = o.name;
  if (!o.sector.empty()) body["sector"] = o.sector;
  if (!o.ministry.empty()) body["ministry"] = o.ministry;
  if (o.tier) body["tier"] = *o.tier;
  if (o.clearance) body["clearance"] = *o.clearance;
  if (o.version) body["version"] = *o.version;
  if (!o.contacts.empty()) {
    json::array a;
    for (const auto& c : o.contacts) {
      auto contact = parse_contact(c, exit_code);
      if (!contact) return std::nullopt;
      a.push_back(std::move(*contact));
    }
    body["contacts"] = std::move(a);
  }
  if (!o.ip_ranges.empty()) {
    json::array a;
    for (const auto& r : o.ip_ranges) a.push_back(json::string(r));
    body["ip_ranges"] = std::move(a);
  }
  if (!o.domains.empty()) {
    json::array a;
    for (const auto& d : o.domains) a.push_back(json::string(d));
    body["domains"] = std::move(a);
  }
  if (!o.asns.empty()) {
    json::array a;
    for (auto n : o.asns) a.push_back(static_cast<std::uint64_t>(n));
    body["asns"] = std::move(a);
  }
  return json::serialize(body);
}

int print_json(const json::value& v) {
  std::printf("%s\n", json::serialize(v).c_str());
  return 0;
}

int run_create(const OrgOptions& o) {
  int code = 0;
  auto body = build_body(o, true, code);
  if (!body) return code;
  std::vector<std::pair<std::string, std::string>> headers;
  if (!o.idempotency_key.empty()) headers.emplace_back("Idempotency-Key", o.idempotency_key);
  auto v = call_hub(o.client, "POST", "/v1/organisations", *body, code, headers);
  return v ? print_json(*v) : code;
}

int run_update(const OrgOptions& o) {
  int code = 0;
  auto body = build_body(o, false, code);
  if (!body) return code;
  auto v = call_hub(o.client, "PATCH", "/v1/organisations/" + url_encode(o.id), *body, code);
  return v ? print_json(*v) : code;
}

int run_show(const OrgOptions& o) {
  int code = 0;
  auto v = call_hub(o.client, "GET", "/v1/organisations/" + url_encode(o.id), {}, code);
  return v ? print_json(*v) : code;
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return "";
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

int run_list(const OrgOptions& o) {
  int code = 0;
  std::string target = fmt::format("/v1/organisations?limit={}", o.limit);
  if (!o.sector.empty()) target += "&sector=" + url_encode(o.sector);
  if (!o.after.empty()) target += "&after=" + url_encode(o.after);
  auto v = call_hub(o.client, "GET", target, {}, code);
  if (!v) return code;
  if (o.json_output) return print_json(*v);
  const auto* items = v->is_object() ? v->get_object().if_contains("items") : nullptr;
  if (!items || !items->is_array()) return report_error("unexpected answer from the hub");
  std::printf("%-24s %-26s %-4s %-10s %s\n", "ID", "SECTOR", "TIER", "CLEARANCE", "NAME");
  for (const auto& item : items->get_array()) {
    if (!item.is_object()) continue;
    const auto& org = item.get_object();
    std::printf("%-24s %-26s %-4s %-10s %s\n", str(org, "id").c_str(), str(org, "sector").c_str(),
                str(org, "tier").c_str(), str(org, "clearance").c_str(), str(org, "name").c_str());
  }
  if (const auto* next = v->get_object().if_contains("next"); next && next->is_string())
    std::fprintf(stderr, "mamori: more: --after %s\n", std::string(next->get_string()).c_str());
  return 0;
}

void add_fields(CLI::App& cmd, OrgOptions& o) {
  cmd.add_option("--name", o.name, "Organisation name");
  cmd.add_option("--sector", o.sector, "Sector: information_communication, finance, aviation, airport, railway, "
                                       "electricity, gas, government_services, medical, water, logistics, chemical, "
                                       "credit, petroleum, port, other (or the Japanese name)");
  cmd.add_option("--tier", o.tier, "Criticality tier, 1 (most critical) to 3")->check(CLI::Range(1, 3));
  cmd.add_option("--ministry", o.ministry, "Sector ministry (default from the sector)");
  cmd.add_option("--clearance", o.clearance, "Clearance level 0 to 3")->check(CLI::Range(0, 3));
  cmd.add_option("--contact", o.contacts, "Contact 'name=...;email=...;phone=...;role=...' (repeatable; replaces the list)");
  cmd.add_option("--ip-range", o.ip_ranges, "Registered CIDR (repeatable; replaces the list)");
  cmd.add_option("--asn", o.asns, "Registered AS number (repeatable; replaces the list)");
  cmd.add_option("--domain", o.domains, "Registered domain (repeatable; replaces the list)");
  cmd.add_option("--from-json", o.from_json, "Start from this JSON document (FILE or - for stdin); options override it");
}

}  // namespace

void register_org_commands(CommandSet& commands) {
  CLI::App& group = commands.group("org", "Registered organisations, through the hub API");
  auto o = std::make_shared<OrgOptions>();
  CLI::App& create = commands.verb(group, "create", "Register an organisation (admin key)", [o] { return run_create(*o); });
  add_client_options(create, o->client);
  add_fields(create, *o);
  create.add_option("--id", o->id, "Organisation id [a-z0-9-] (default: generated)");
  create.add_option("--idempotency-key", o->idempotency_key, "Retry-safe key: repeating the command does not register twice");
  CLI::App& list = commands.verb(group, "list", "List organisations (operators see their own)", [o] { return run_list(*o); });
  add_client_options(list, o->client);
  list.add_option("--sector", o->sector, "Only this sector");
  list.add_option("--limit", o->limit, "Page size 1..1000")->check(CLI::Range(1, 1000));
  list.add_option("--after", o->after, "Start after this id (paging)");
  list.add_flag("--json", o->json_output, "Print the API's JSON");
  CLI::App& show = commands.verb(group, "show", "Show one organisation as JSON", [o] { return run_show(*o); });
  add_client_options(show, o->client);
  show.add_option("id", o->id, "Organisation id")->required();
  CLI::App& update = commands.verb(group, "update", "Change fields of an organisation", [o] { return run_update(*o); });
  add_client_options(update, o->client);
  update.add_option("id", o->id, "Organisation id")->required();
  add_fields(update, *o);
  update.add_option("--version", o->version, "Fail unless the stored version is this one");
}

}  // namespace mamori::cli

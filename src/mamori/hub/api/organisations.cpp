// /v1/organisations: registered organisations (事業者, carriers, agencies),
// their sector, criticality tier, sector ministry, contacts, clearance level
// and registered IP ranges, ASNs and domains. Admins create and update any;
// operators and carriers read and update their own (not sector, tier,
// ministry or clearance, which the agency assigns).
#include <openssl/rand.h>

#include <array>
#include <charconv>

#include "mamori/core/json_text.hpp"
#include "mamori/crypto/encoding.hpp"
#include "mamori/hub/api/api_context.hpp"
#include "mamori/hub/api/json_fields.hpp"
#include "mamori/hub/api/organisation_json.hpp"
#include "mamori/hub/api/idempotency.hpp"
#include "mamori/store/validate.hpp"
#include "mamori/store/sector.hpp"

namespace mamori::hub {

namespace {

using store::Role;

Status read_org_fields(const json::object& o, store::Organisation& org, bool create) {
  if (auto ok = only_fields(o, create ? std::initializer_list<std::string_view>{"id", "name", "sector", "tier", "ministry",
                                                                                "clearance", "contacts", "ip_ranges",
                                                                                "asns", "domains"}
                                      : std::initializer_list<std::string_view>{"name", "sector", "tier", "ministry",
                                                                                "clearance", "contacts", "ip_ranges",
                                                                                "asns", "domains", "version"});
      !ok)
    return ok;
  auto name = read_string(o, "name", create);
  if (!name) return tl::unexpected(name.error());
  if (*name) org.name = **name;
  auto sector = read_string(o, "sector", create);
  if (!sector) return tl::unexpected(sector.error());
  if (*sector) org.sector = **sector;
  auto tier = read_int(o, "tier", 1, 3);
  if (!tier) return tl::unexpected(tier.error());
  if (*tier) org.tier = static_cast<int>(**tier);
  auto ministry = read_string(o, "ministry");
  if (!ministry) return tl::unexpected(ministry.error());
  if (*ministry) org.ministry = **ministry;
  auto clearance = read_int(o, "clearance", 0, 3);
  if (!clearance) return tl::unexpected(clearance.error());
  if (*clearance) org.clearance = static_cast<int>(**clearance);
  if (const auto* c = o.if_contains("contacts")) {
    if (!c->is_array()) return fail(Errc::invalid_argument, "field 'contacts' must be an array of objects");
    org.contacts.clear();
    for (const auto& item : c->get_array()) {
      if (!item.is_object()) return fail(Errc::invalid_argument, "field 'contacts' must be an array of objects");
      const auto& co = item.get_object();
      if (auto ok = only_fields(co, {"name", "email", "phone", "role"}, "contacts[]."); !ok) return ok;
      store::Contact contact;
      for (auto [key, slot] : {std::pair{"name", &contact.name}, std::pair{"email", &contact.email},
                               std::pair{"phone", &contact.phone}, std::pair{"role", &contact.role}}) {
        auto v = read_string(co, key);
        if (!v) return fail(Errc::invalid_argument, "contacts[].{}", v.error().message);
        if (*v) *slot = **v;
      }
      org.contacts.push_back(std::move(contact));
    }
  }
  auto ranges = read_string_array(o, "ip_ranges", store::kMaxListSize, 64);
  if (!ranges) return tl::unexpected(ranges.error());
  if (*ranges) org.ip_ranges = std::move(**ranges);
  auto domains = read_string_array(o, "domains", store::kMaxListSize, 253);
  if (!domains) return tl::unexpected(domains.error());
  if (*domains) org.domains = std::move(**domains);
  if (const auto* a = o.if_contains("asns")) {
    if (!a->is_array()) return fail(Errc::invalid_argument, "field 'asns' must be an array of integers");
    org.asns.clear();
    for (const auto& item : a->get_array()) {
      if (!(item.is_int64() || item.is_uint64())) return fail(Errc::invalid_argument, "field 'asns' must be an array of integers");
      const auto n = item.is_int64() ? item.get_int64() : static_cast<std::int64_t>(item.get_uint64() & 0x7fffffffffffffffULL);
      if (n < 1 || n > 4294967294LL) return fail(Errc::invalid_argument, "asns: {} is not an AS number", n);
      org.asns.push_back(static_cast<std::uint32_t>(n));
    }
  }
  return {};
}

std::string new_org_id() {
  std::array<std::uint8_t, 5> r{};
  RAND_bytes(r.data(), static_cast<int>(r.size()));
  return "org-" + crypto::hex_encode(r);
}

Response create(ApiContext& ctx, Request& req) {
  auto body = parse_json_object(req.body);
  if (!body) return error_response(400, "invalid_json", body.error().message);
  store::Organisation org;
  org.tier = 3;
  if (auto ok = read_org_fields(*body, org, true); !ok) return error_response(400, "invalid_request", ok.error().message);
  auto id = read_string(*body, "id");
  org.id = (id && *id) ? **id : new_org_id();
  if (org.ministry.empty())
    if (auto s = store::parse_sector(org.sector))
      for (const auto& info : store::sectors())
        if (info.id == *s) org.ministry = std::string(info.ministry);
  org.created = now_ns();
  auto idem = idempotency_of(req);
  if (!idem) return error_response(400, "invalid_request", idem.error().message);
  auto w = ctx.store.create_organisation(org, idem->has_value() ? &**idem : nullptr);
  if (!w) return store_failure(w.error());
  if (w->outcome != store::WriteOutcome::done && w->outcome != store::WriteOutcome::replayed)
    return outcome_failure(w->outcome, fmt::format("organisation '{}'", org.id));
  auto stored = ctx.store.get_organisation(w->ids.empty() ? org.id : w->ids[0]);
  if (!stored) return store_failure(stored.error());
  if (!*stored) return error_response(500, "internal", "organisation vanished after create");
  Response r = json_response(w->outcome == store::WriteOutcome::done ? 201 : 200, organisation_to_json(**stored));
  r.headers.emplace_back("Location", "/v1/organisations/" + (*stored)->id);
  if (w->outcome == store::WriteOutcome::replayed) r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

// A read of another organisation's record is logged with its declared purpose.
Status log_cross_read(ApiContext& ctx, const Request& req, const std::string& org_id, std::string_view action) {
  const auto& who = *req.principal;
  if (who.org_id == org_id) return {};
  auto purpose = read_purpose(req);
  if (!purpose) return tl::unexpected(purpose.error());
  store::AccessRecord rec{0, now_ns(), who.key_id, who.org_id, org_id, std::string(action),
                          "organisations/" + org_id, *purpose};
  auto id = ctx.store.append_access(rec);
  if (!id) return tl::unexpected(id.error());
  return {};
}

Response get(ApiContext& ctx, Request& req) {
  const auto& id = req.params["id"];
  if (!may_see_org(*req.principal, id))
    return error_response(403, "forbidden", "you may read only your own organisation");
  if (auto ok = read_purpose(req); !ok) return error_response(400, "invalid_request", ok.error().message);
  auto org = ctx.store.get_organisation(id);
  if (!org) return store_failure(org.error());
  if (!*org) return error_response(404, "not_found", fmt::format("organisation '{}' not found", id));
  if (auto ok = log_cross_read(ctx, req, id, "organisation.read"); !ok) return store_failure(ok.error());
  return json_response(200, organisation_to_json(**org));
}

Response list(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  auto limit = read_limit(req);
  if (!limit) return error_response(400, "invalid_request", limit.error().message);
  std::string items = "[";
  std::string next;
  if (!sees_all_organisations(who.role)) {
    // Operators and carriers: a list of one, their own.
    if (!who.org_id.empty()) {
      auto org = ctx.store.get_organisation(who.org_id);
      if (!org) return store_failure(org.error());
      if (*org) items += organisation_to_json(**org);
    }
  } else {
    std::optional<std::string> sector;
    if (const auto* s = req.query_param("sector")) sector = *s;
    const std::string* after = req.query_param("after");
    auto orgs = ctx.store.list_organisations(after ? *after : std::string(), *limit, sector);
    if (!orgs) return store_failure(orgs.error());
    for (std::size_t i = 0; i < orgs->size(); ++i) {
      if (i) items += ',';
      items += organisation_to_json((*orgs)[i]);
    }
    if (static_cast<int>(orgs->size()) == *limit) next = orgs->back().id;
  }
  items += ']';
  return json_response(200, "{\"items\":" + items + ",\"next\":" + (next.empty() ? "null" : json_quote(next)) + "}");
}

Response update(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  const auto& id = req.params["id"];
  if (who.role != Role::admin && who.org_id != id)
    return error_response(403, "forbidden", "you may update only your own organisation");
  auto body = parse_json_object(req.body);
  if (!body) return error_response(400, "invalid_json", body.error().message);
  if (who.role != Role::admin)
    for (auto field : {"sector", "tier", "ministry", "clearance"})
      if (body->contains(field))
        return error_response(403, "forbidden", fmt::format("only an admin may change '{}'", field));
  auto current = ctx.store.get_organisation(id);
  if (!current) return store_failure(current.error());
  if (!*current) return error_response(404, "not_found", fmt::format("organisation '{}' not found", id));
  store::Organisation org = **current;
  if (auto ok = read_org_fields(*body, org, false); !ok) return error_response(400, "invalid_request", ok.error().message);
  auto version = read_int(*body, "version", 1, INT64_MAX);
  if (!version) return error_response(400, "invalid_request", version.error().message);
  org.updated = now_ns();
  // Without an explicit version the update still applies only to what was read.
  auto w = ctx.store.update_organisation(org, version->value_or(current->value().version));
  if (!w) return store_failure(w.error());
  if (w->outcome != store::WriteOutcome::done) return outcome_failure(w->outcome, fmt::format("organisation '{}'", id));
  auto stored = ctx.store.get_organisation(id);
  if (!stored) return store_failure(stored.error());
  if (!*stored) return error_response(404, "not_found", fmt::format("organisation '{}' not found", id));
  return json_response(200, organisation_to_json(**stored));
}

Response access_log(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  const auto& id = req.params["id"];
  if (who.role != Role::admin && who.role != Role::overseer && who.org_id != id)
    return error_response(403, "forbidden", "you may read only your own organisation's access log");
  auto limit = read_limit(req);
  if (!limit) return error_response(400, "invalid_request", limit.error().message);
  std::int64_t after = 0;
  if (const auto* a = req.query_param("after")) {
    auto [ptr, ec] = std::from_chars(a->data(), a->data() + a->size(), after);
    if (ec != std::errc() || ptr != a->data() + a->size()) return error_response(400, "invalid_request", "after must be an integer");
  }
  auto records = ctx.store.list_access(id, after, *limit);
  if (!records) return store_failure(records.error());
  std::string items = "[";
  for (std::size_t i = 0; i < records->size(); ++i) {
    const auto& r = (*records)[i];
    if (i) items += ',';
    items += fmt::format(R"({{"id":{},"time":{},"key_id":{},"actor_org":{},"action":{},"resource":{},"purpose":{}}})",
                         r.id, json_quote(format_rfc3339(r.time)), json_quote(r.key_id), json_quote(r.actor_org),
                         json_quote(r.action), json_quote(r.resource), json_quote(r.purpose));
  }
  items += ']';
  const std::string next = static_cast<int>(records->size()) == *limit ? std::to_string(records->back().id) : "null";
  return json_response(200, "{\"items\":" + items + ",\"next\":" + next + "}");
}

}  // namespace

void register_organisation_routes(Router& router, ApiContext& ctx) {
  router.add_schema("Organisation", std::string(organisation_schema()));
  router.add_schema("OrganisationInput", std::string(organisation_input_schema()));
  router.add_schema("OrganisationPatch", std::string(organisation_patch_schema()));
  router.add_schema("OrganisationList", R"({"type":"object","required":["items","next"],"properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Organisation"}},"next":{"type":"string","nullable":true,"description":"pass as ?after= for the next page"}}})");
  router.add_schema("AccessLog", R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"},"time":{"type":"string","format":"date-time"},"key_id":{"type":"string"},"actor_org":{"type":"string"},"action":{"type":"string"},"resource":{"type":"string"},"purpose":{"type":"string"}}}},"next":{"type":"integer","nullable":true}}})");
  const std::vector<Role> everyone = {Role::admin, Role::analyst, Role::overseer, Role::operator_, Role::carrier};
  router.add({"POST", "/v1/organisations", "organisations.create",
              "Register an organisation (admin). Honours Idempotency-Key.", {Role::admin}, "OrganisationInput",
              "Organisation", 201, {}, true, [&ctx](Request& r) { return create(ctx, r); }});
  router.add({"GET", "/v1/organisations", "organisations.list",
              "List organisations; operators and carriers see only their own.", everyone, "", "OrganisationList", 200,
              {{"sector", "string", "sector identifier or Japanese name"},
               {"after", "string", "id of the last item of the previous page"},
               {"limit", "integer", "1..1000, default 100"}},
              false, [&ctx](Request& r) { return list(ctx, r); }});
  router.add({"GET", "/v1/organisations/{id}", "organisations.get",
              "Read one organisation; reads of another organisation are logged with their purpose.", everyone, "",
              "Organisation", 200,
              {{"purpose", "string",
                "declared purpose of a cross-organisation read (or header X-Request-Purpose): administration, "
                "incident_response, early_warning, threat_analysis, oversight"}},
              false, [&ctx](Request& r) { return get(ctx, r); }});
  router.add({"PATCH", "/v1/organisations/{id}", "organisations.update",
              "Update fields of an organisation; operators their own, and not sector/tier/ministry/clearance.",
              {Role::admin, Role::operator_, Role::carrier}, "OrganisationPatch", "Organisation", 200, {}, false,
              [&ctx](Request& r) { return update(ctx, r); }});
  router.add({"GET", "/v1/organisations/{id}/access-log", "organisations.access_log",
              "Who read this organisation's records, when and why (the organisation itself, admins, overseers).",
              everyone, "", "AccessLog", 200,
              {{"after", "integer", "id of the last record of the previous page"}, {"limit", "integer", "1..1000"}},
              false, [&ctx](Request& r) { return access_log(ctx, r); }});
}

}  // namespace mamori::hub

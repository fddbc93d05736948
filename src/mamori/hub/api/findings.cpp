// /v1/findings: what carriers' sensors report (detect::Finding as JSON),
// de-duplicated per (carrier, detector, endpoint, kind); analysts list and
// triage them, and every triage is written to the ledger before it is stored.
#include <charconv>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/json_text.hpp"
#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/sha256.hpp"
#include "mamori/detect/finding.hpp"
#include "mamori/hub/api/api_context.hpp"
#include "mamori/hub/api/idempotency.hpp"
#include "mamori/hub/api/json_fields.hpp"
#include "mamori/ledger/entry.hpp"
#include "mamori/store/validate.hpp"

namespace mamori::hub {

namespace {

using store::Role;

Result<store::FindingRecord> read_finding(const json::object& o) {
  if (auto ok = only_fields(o, {"kind",    "detector", "endpoint",      "role",         "ports",
                                "proto",   "score",    "first_seen",    "last_seen",    "flows",
                                "packets", "bytes",    "peers",         "sample_peers", "sample_times",
                                "metrics", "summary",  "first_seen_ns", "last_seen_ns", "attributes"});
      !ok)
    return tl::unexpected(ok.error());
  store::FindingRecord f;
  auto kind = read_string(o, "kind", true);
  if (!kind) return tl::unexpected(kind.error());
  f.kind = **kind;
  auto detector = read_string(o, "detector", true);
  if (!detector) return tl::unexpected(detector.error());
  f.detector = **detector;
  auto endpoint = read_string(o, "endpoint", true);
  if (!endpoint) return tl::unexpected(endpoint.error());
  f.endpoint = **endpoint;
  auto role = read_string(o, "role");
  if (!role) return tl::unexpected(role.error());
  f.role = role->value_or("");
  auto summary = read_string(o, "summary");
  if (!summary) return tl::unexpected(summary.error());
  f.summary = summary->value_or("");
  auto proto = read_int(o, "proto", 0, 255);
  if (!proto) return tl::unexpected(proto.error());
  f.proto = static_cast<int>(proto->value_or(0));
  auto score = read_number(o, "score", true);
  if (!score) return tl::unexpected(score.error());
  f.score = **score;
  auto first = read_time(o, "first_seen", true);
  if (!first) return tl::unexpected(first.error());
  auto last = read_time(o, "last_seen", true);
  if (!last) return tl::unexpected(last.error());
  f.first_seen = **first;
  f.last_seen = **last;
  for (auto [key, slot] : {std::pair{"flows", &f.flows}, std::pair{"packets", &f.packets}, std::pair{"bytes", &f.bytes},
                           std::pair{"peers", &f.peers}}) {
    auto n = read_int(o, key, 0, INT64_MAX);
    if (!n) return tl::unexpected(n.error());
    *slot = static_cast<std::uint64_t>(n->value_or(0));
  }
  json::array ports;
  if (const auto* p = o.if_contains("ports")) {
    if (!p->is_array() || p->get_array().size() > 64)
      return fail(Errc::invalid_argument, "field 'ports' must be an array of at most 64 port numbers");
    for (const auto& v : p->get_array()) {
      const auto n = v.is_int64() ? v.get_int64() : v.is_uint64() ? static_cast<std::int64_t>(v.get_uint64() & 0xffffff) : -1;
      if (n < 0 || n > 65535) return fail(Errc::invalid_argument, "field 'ports' must hold port numbers 0..65535");
      ports.push_back(n);
    }
  }
  f.ports_json = json::serialize(ports);
  auto peers = read_string_array(o, "sample_peers", 32, 64);
  if (!peers) return tl::unexpected(peers.error());
  json::array sample;
  for (const auto& s : peers->value_or(std::vector<std::string>{})) sample.push_back(json::string(s));
  f.sample_peers_json = json::serialize(sample);
  if (const auto* t = o.if_contains("sample_times"); t && !t->is_array() && !t->is_null())
    return fail(Errc::invalid_argument, "field 'sample_times' must be an array");
  // mamori detect's JSON lines as they are: the _ns twins of the times (they
  // must agree) and textual attributes (accepted, not stored).
  for (auto [key, t] : {std::pair{"first_seen_ns", f.first_seen}, std::pair{"last_seen_ns", f.last_seen}}) {
    auto ns = read_int(o, key, 0, INT64_MAX);
    if (!ns) return tl::unexpected(ns.error());
    if (*ns && static_cast<TimeNs>(**ns) != t)
      return fail(Errc::invalid_argument, "field '{}' does not agree with the RFC 3339 time", key);
  }
  if (const auto* a = o.if_contains("attributes"); a && !a->is_object() && !a->is_null())
    return fail(Errc::invalid_argument, "field 'attributes' must be an object");
  json::object metrics;
  if (const auto* m = o.if_contains("metrics"); m && !m->is_null()) {
    // Accepts {"name": number} or the [["name", number], ...] pairs of detect::Finding.
    auto add = [&](std::string_view name, const json::value& v) -> Status {
      if (name.empty() || name.size() > 64) return fail(Errc::invalid_argument, "metric names must be 1..64 bytes");
      if (!v.is_number()) return fail(Errc::invalid_argument, "metric '{}' must be a number", name);
      metrics[name] = v;
      return {};
    };
    if (m->is_object()) {
      for (const auto& kv : m->get_object())
        if (auto ok = add(kv.key(), kv.value()); !ok) return tl::unexpected(ok.error());
    } else if (m->is_array()) {
      for (const auto& pair : m->get_array()) {
        if (!pair.is_array() || pair.get_array().size() != 2 || !pair.get_array()[0].is_string())
          return fail(Errc::invalid_argument, "field 'metrics' must be an object of numbers or [name, number] pairs");
        if (auto ok = add(pair.get_array()[0].get_string(), pair.get_array()[1]); !ok) return tl::unexpected(ok.error());
      }
    } else {
      return fail(Errc::invalid_argument, "field 'metrics' must be an object of numbers");
    }
    if (metrics.size() > 64) return fail(Errc::invalid_argument, "at most 64 metrics");
  }
  f.metrics_json = json::serialize(metrics);
  return f;
}

std::string finding_to_json(const store::FindingRecord& f) {
  return fmt::format(
      R"({{"id":{},"carrier_org":{},"kind":{},"detector":{},"endpoint":{},"role":{},"ports":{},"proto":{},"score":{},)"
      R"("first_seen":{},"last_seen":{},"flows":{},"packets":{},"bytes":{},"peers":{},"sample_peers":{},"metrics":{},)"
      R"("summary":{},"status":{},"notes":{},"reports":{},"received":{},"updated":{}}})",
      f.id, json_quote(f.carrier_org), json_quote(f.kind), json_quote(f.detector), json_quote(f.endpoint),
      json_quote(f.role), f.ports_json, f.proto, f.score, json_quote(format_rfc3339(f.first_seen)),
      json_quote(format_rfc3339(f.last_seen)), f.flows, f.packets, f.bytes, f.peers, f.sample_peers_json,
      f.metrics_json, json_quote(f.summary), json_quote(store::finding_status_name(f.status)), json_quote(f.notes),
      f.reports, json_quote(format_rfc3339(f.received)), json_quote(format_rfc3339(f.updated)));
}

Response submit(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  auto body = parse_json_body(req.body);
  if (!body) return error_response(400, "invalid_json", body.error().message);
  const json::array* items = nullptr;
  json::array single;
  if (body->is_array()) {
    items = &body->get_array();
  } else if (body->is_object() && body->get_object().contains("findings")) {
    const auto& o = body->get_object();
    if (auto ok = only_fields(o, {"findings"}); !ok) return error_response(400, "invalid_request", ok.error().message);
    if (!o.at("findings").is_array()) return error_response(400, "invalid_request", "field 'findings' must be an array");
    items = &o.at("findings").get_array();
  } else if (body->is_object()) {
    single.push_back(*body);
    items = &single;
  } else {
    return error_response(400, "invalid_request", "body must be a finding, an array of findings or {\"findings\":[...]}");
  }
  if (items->empty()) return error_response(400, "invalid_request", "no findings in the request");
  if (items->size() > store::kMaxFindingsPerBatch)
    return error_response(400, "invalid_request", fmt::format("at most {} findings per request", store::kMaxFindingsPerBatch));
  std::vector<store::FindingRecord> findings;
  findings.reserve(items->size());
  const TimeNs now = now_ns();
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (!(*items)[i].is_object())
      return error_response(400, "invalid_request", fmt::format("findings[{}] must be an object", i));
    auto f = read_finding((*items)[i].get_object());
    if (!f) return error_response(400, "invalid_request", fmt::format("findings[{}]: {}", i, f.error().message));
    f->received = now;
    findings.push_back(std::move(*f));
  }
  auto idem = idempotency_of(req);
  if (!idem) return error_response(400, "invalid_request", idem.error().message);
  auto w = ctx.store.upsert_findings(who.org_id, std::move(findings), idem->has_value() ? &**idem : nullptr);
  if (!w) return store_failure(w.error());
  if (w->outcome == store::WriteOutcome::not_found)
    return error_response(403, "forbidden", "the carrier organisation of this key does not exist");
  if (w->outcome != store::WriteOutcome::done && w->outcome != store::WriteOutcome::replayed)
    return outcome_failure(w->outcome, "findings");
  std::string ids = "[";
  for (std::size_t i = 0; i < w->ids.size(); ++i) ids += (i ? "," : "") + w->ids[i];
  ids += ']';
  const bool replay = w->outcome == store::WriteOutcome::replayed;
  Response r = json_response(!replay && w->created > 0 ? 201 : 200,
                             fmt::format(R"({{"ids":{},"created":{},"merged":{},"replayed":{}}})", ids, w->created,
                                         static_cast<std::int64_t>(w->ids.size()) - w->created, replay));
  if (replay) r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

Result<std::int64_t> parse_id(const std::string& text) {
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0)
    return fail(Errc::invalid_argument, "'{}' is not a finding id", text);
  return id;
}

Response list(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  store::FindingQuery q;
  auto limit = read_limit(req);
  if (!limit) return error_response(400, "invalid_request", limit.error().message);
  q.limit = *limit;
  if (who.role == Role::carrier) q.carrier_org = who.org_id;  // carriers see what they sent
  else if (const auto* c = req.query_param("carrier")) q.carrier_org = *c;
  if (const auto* k = req.query_param("kind")) {
    if (!detect::parse_finding_kind(*k)) return error_response(400, "invalid_request", fmt::format("unknown kind '{}'", *k));
    q.kind = *k;
  }
  if (const auto* e = req.query_param("endpoint")) {
    auto a = IpAddress::parse(*e);
    if (!a) return error_response(400, "invalid_request", fmt::format("endpoint '{}' is not an IP address", *e));
    q.endpoint = a->to_string();
  }
  if (const auto* s = req.query_param("status")) {
    q.status = store::parse_finding_status(*s);
    if (!q.status) return error_response(400, "invalid_request", fmt::format("unknown status '{}'", *s));
  }
  if (const auto* m = req.query_param("min_score")) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(m->data(), m->data() + m->size(), v);
    if (ec != std::errc() || ptr != m->data() + m->size()) return error_response(400, "invalid_request", "min_score must be a number");
    q.min_score = v;
  }
  if (const auto* t = req.query_param("seen_after")) {
    auto v = parse_rfc3339(*t);
    if (!v) return error_response(400, "invalid_request", "seen_after must be an RFC 3339 time");
    q.seen_after = *v;
  }
  if (const auto* a = req.query_param("after")) {
    auto v = parse_id(*a);
    if (!v) return error_response(400, "invalid_request", "after must be a finding id");
    q.after_id = *v;
  }
  auto rows = ctx.store.list_findings(q);
  if (!rows) return store_failure(rows.error());
  std::string out = "{\"items\":[";
  for (std::size_t i = 0; i < rows->size(); ++i) {
    if (i) out += ',';
    out += finding_to_json((*rows)[i]);
  }
  out += "],\"next\":";
  out += static_cast<int>(rows->size()) == q.limit ? std::to_string(rows->back().id) : "null";
  out += '}';
  return json_response(200, std::move(out));
}

Response get(ApiContext& ctx, Request& req) {
  auto id = parse_id(req.params["id"]);
  if (!id) return error_response(404, "not_found", id.error().message);
  auto f = ctx.store.get_finding(*id);
  if (!f) return store_failure(f.error());
  if (!*f || (req.principal->role == Role::carrier && (*f)->carrier_org != req.principal->org_id))
    return error_response(404, "not_found", fmt::format("finding {} not found", *id));
  return json_response(200, finding_to_json(**f));
}

std::string hex_sha256(std::string_view text) { return crypto::hex_encode(crypto::sha256(text)); }

Response triage(ApiContext& ctx, Request& req) {
  auto id = parse_id(req.params["id"]);
  if (!id) return error_response(404, "not_found", id.error().message);
  auto body = parse_json_object(req.body);
  if (!body) return error_response(400, "invalid_json", body.error().message);
  if (auto ok = only_fields(*body, {"status", "notes"}); !ok) return error_response(400, "invalid_request", ok.error().message);
  auto status_text = read_string(*body, "status", true);
  if (!status_text) return error_response(400, "invalid_request", status_text.error().message);
  auto status = store::parse_finding_status(**status_text);
  if (!status)
    return error_response(400, "invalid_request",
                          fmt::format("status '{}' is not one of new, investigating, confirmed, false_positive, closed",
                                      **status_text));
  auto notes = read_string(*body, "notes");
  if (!notes) return error_response(400, "invalid_request", notes.error().message);
  if (*notes && (*notes)->size() > store::kMaxTextSize)
    return error_response(400, "invalid_request", "notes is longer than 4096 bytes");
  auto current = ctx.store.get_finding(*id);
  if (!current) return store_failure(current.error());
  if (!*current) return error_response(404, "not_found", fmt::format("finding {} not found", *id));
  // The ledger holds hashes and counts only: the endpoint and notes as SHA-256.
  std::string entry = fmt::format(
      R"({{"carrier":{},"endpoint_sha256":{},"finding_id":{},"kind":{},"notes_sha256":{},"previous_status":{},"status":{}}})",
      json_quote((*current)->carrier_org), json_quote(hex_sha256((*current)->endpoint)), *id,
      json_quote((*current)->kind), json_quote(*notes ? hex_sha256(**notes) : std::string()),
      json_quote(store::finding_status_name((*current)->status)), json_quote(store::finding_status_name(*status)));
  auto recorded = ctx.ledger.record(ledger::kinds::analysis_finding, "analyst:" + req.principal->key_id, entry);
  if (!recorded) return store_failure(Error{Errc::io_error, "ledger: " + recorded.error().message});
  auto w = ctx.store.triage_finding(*id, *status, *notes, now_ns());
  if (!w) return store_failure(w.error());
  if (w->outcome != store::WriteOutcome::done) return outcome_failure(w->outcome, fmt::format("finding {}", *id));
  auto f = ctx.store.get_finding(*id);
  if (!f) return store_failure(f.error());
  if (!*f) return error_response(404, "not_found", fmt::format("finding {} not found", *id));
  Response r = json_response(200, finding_to_json(**f));
  r.headers.emplace_back("Ledger-Index", std::to_string(*recorded));
  return r;
}

}  // namespace

void register_finding_routes(Router& router, ApiContext& ctx) {
  router.add_schema(
      "FindingInput",
      R"({"type":"object","required":["kind","detector","endpoint","score","first_seen","last_seen"],"additionalProperties":false,"properties":{"kind":{"type":"string","enum":["indicator","beaconing","fan_in","scanning","brute_force","reflection","ddos_controller","long_connection","rare_server"]},"detector":{"type":"string","maxLength":64},"endpoint":{"type":"string","description":"IPv4 or IPv6 address of the suspected infrastructure"},"role":{"type":"string","maxLength":64},"ports":{"type":"array","maxItems":64,"items":{"type":"integer","minimum":0,"maximum":65535}},"proto":{"type":"integer","minimum":0,"maximum":255},"score":{"type":"number","minimum":0,"maximum":100},"first_seen":{"oneOf":[{"type":"string","format":"date-time"},{"type":"integer","description":"ns since the epoch"}]},"last_seen":{"oneOf":[{"type":"string","format":"date-time"},{"type":"integer"}]},"flows":{"type":"integer","minimum":0},"packets":{"type":"integer","minimum":0},"bytes":{"type":"integer","minimum":0},"peers":{"type":"integer","minimum":0},"sample_peers":{"type":"array","maxItems":32,"items":{"type":"string"},"description":"pseudonymised as in the selected data"},"sample_times":{"type":"array","description":"accepted, not stored"},"first_seen_ns":{"type":"integer","description":"mamori detect output: must equal first_seen"},"last_seen_ns":{"type":"integer","description":"must equal last_seen"},"attributes":{"type":"object","description":"accepted, not stored"},"metrics":{"oneOf":[{"type":"object","additionalProperties":{"type":"number"}},{"type":"array","items":{"type":"array"}}]},"summary":{"type":"string","maxLength":4096}}})");
  router.add_schema("FindingSubmission", R"({"oneOf":[{"$ref":"#/components/schemas/FindingInput"},{"type":"array","maxItems":1000,"items":{"$ref":"#/components/schemas/FindingInput"}},{"type":"object","required":["findings"],"properties":{"findings":{"type":"array","maxItems":1000,"items":{"$ref":"#/components/schemas/FindingInput"}}}}]})");
  router.add_schema("FindingReceipt", R"({"type":"object","properties":{"ids":{"type":"array","items":{"type":"integer"}},"created":{"type":"integer"},"merged":{"type":"integer"},"replayed":{"type":"boolean"}}})");
  router.add_schema("Finding", R"({"type":"object","properties":{"id":{"type":"integer"},"carrier_org":{"type":"string"},"kind":{"type":"string"},"detector":{"type":"string"},"endpoint":{"type":"string"},"role":{"type":"string"},"ports":{"type":"array","items":{"type":"integer"}},"proto":{"type":"integer"},"score":{"type":"number"},"first_seen":{"type":"string","format":"date-time"},"last_seen":{"type":"string","format":"date-time"},"flows":{"type":"integer"},"packets":{"type":"integer"},"bytes":{"type":"integer"},"peers":{"type":"integer"},"sample_peers":{"type":"array","items":{"type":"string"}},"metrics":{"type":"object"},"summary":{"type":"string"},"status":{"type":"string","enum":["new","investigating","confirmed","false_positive","closed"]},"notes":{"type":"string"},"reports":{"type":"integer","description":"how many times the carrier reported it"},"received":{"type":"string","format":"date-time"},"updated":{"type":"string","format":"date-time"}}})");
  router.add_schema("FindingList", R"({"type":"object","properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Finding"}},"next":{"type":"integer","nullable":true}}})");
  router.add_schema("FindingTriage", R"({"type":"object","required":["status"],"additionalProperties":false,"properties":{"status":{"type":"string","enum":["new","investigating","confirmed","false_positive","closed"]},"notes":{"type":"string","maxLength":4096}}})");
  const std::vector<Role> readers = {Role::analyst, Role::overseer, Role::admin, Role::carrier};
  router.add({"POST", "/v1/findings", "findings.submit",
              "Submit one finding or a batch (carrier); de-duplicated by (carrier, detector, endpoint, kind). "
              "Honours Idempotency-Key.",
              {Role::carrier}, "FindingSubmission", "FindingReceipt", 201, {}, true,
              [&ctx](Request& r) { return submit(ctx, r); }});
  router.add({"GET", "/v1/findings", "findings.list", "List findings with filters; carriers see their own.", readers, "",
              "FindingList", 200,
              {{"carrier", "string", "carrier organisation id"},
               {"kind", "string", "finding kind"},
               {"endpoint", "string", "IP address"},
               {"status", "string", "triage status"},
               {"min_score", "number", "lowest score"},
               {"seen_after", "string", "RFC 3339; last_seen at or after"},
               {"after", "integer", "id of the last item of the previous page"},
               {"limit", "integer", "1..1000, default 100"}},
              false, [&ctx](Request& r) { return list(ctx, r); }});
  router.add({"GET", "/v1/findings/{id}", "findings.get", "Read one finding.", readers, "", "Finding", 200, {}, false,
              [&ctx](Request& r) { return get(ctx, r); }});
  router.add({"PATCH", "/v1/findings/{id}", "findings.triage",
              "Triage a finding (analyst): status and notes; recorded in the ledger (analysis.finding) first.",
              {Role::analyst}, "FindingTriage", "Finding", 200, {}, false,
              [&ctx](Request& r) { return triage(ctx, r); }});
}

}  // namespace mamori::hub

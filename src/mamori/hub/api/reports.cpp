// /v1/reports: incident reports (R-RPT) through the report library
// (src/mamori/report/, docs/reporting.md "What the hub calls").
//
//  * POST /v1/reports (operator): a quick report opens an incident, a
//    follow-up or final report continues it; the hub parses and validates it,
//    fans it out to every required recipient with a signed receipt each,
//    extracts indicators, computes the incident's deadlines and stores it all
//    in one transaction (Idempotency-Key honoured).
//  * GET /v1/reports/{id} and /deadlines: purpose-bound. The reporting
//    organisation reads freely; anyone else declares a purpose
//    (X-Request-Purpose or ?purpose=) that report::decide_access checks against
//    the access policy and the reporter's handling. Operators and carriers
//    never read another organisation's reports. Every decision, allowed or
//    refused, goes to the ledger (report.access) and then to the report access
//    log before anything is served.
//  * GET /v1/reports: the reporter's own documents (operators), or what the
//    caller could be shown, without the reporter's identity.
//  * GET /v1/reports/{id}/receipts, /access-log; GET /v1/reports/overdue;
//    GET /v1/hub-key (the receipts' verifier key).
#include <algorithm>
#include <variant>

#include "mamori/core/json_text.hpp"
#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/sha256.hpp"
#include "mamori/hub/api/api_context.hpp"
#include "mamori/hub/api/idempotency.hpp"
#include "mamori/hub/api/json_fields.hpp"
#include "mamori/ledger/entry.hpp"
#include "mamori/report/access.hpp"
#include "mamori/report/deadlines.hpp"
#include "mamori/report/fanout.hpp"
#include "mamori/report/incident.hpp"
#include "mamori/report/indicators.hpp"
#include "mamori/report/recipient_view.hpp"
#include "mamori/report/report_json.hpp"

namespace mamori::hub {

namespace {

using store::Role;

std::string hex(const crypto::Hash& h) {
  return crypto::hex_encode(h);
}

// What routing and deadlines know about an organisation. Registered
// organisations are Japanese operators; tier 1 is the designated
// essential-infrastructure tier (基幹インフラ).
report::ReporterProfile profile_of(const store::Organisation& org) {
  report::ReporterProfile p;
  p.organisation = org.id;
  p.sector = org.sector;
  p.jurisdictions = {"JP"};
  p.essential_infrastructure = org.tier == 1;
  return p;
}

report::ReaderRole reader_role(Role role) noexcept {
  switch (role) {
    case Role::operator_:
      return report::ReaderRole::operator_;
    case Role::analyst:
      return report::ReaderRole::analyst;
    case Role::carrier:
      return report::ReaderRole::carrier;
    case Role::overseer:
      return report::ReaderRole::overseer;
    case Role::admin:
      return report::ReaderRole::admin;
  }
  return report::ReaderRole::analyst;
}

// The access facts of a stored report: its recipients are those it has receipts for.
report::ReportAccessInfo access_info(const store::ReportRecord& rec, const report::Report& doc) {
  report::ReportAccessInfo info;
  info.report_id = rec.id;
  info.incident_id = rec.incident_id;
  info.reporter_organisation = rec.org_id;
  info.handling = doc.handling;
  for (const auto& r : rec.receipts) {
    info.recipient_organisations.push_back(r.recipient);
    if (r.sees_identity) info.identity_visible_organisations.push_back(r.recipient);
  }
  return info;
}

std::optional<TimeNs> next_due(const std::vector<report::Deadline>& deadlines) {
  std::optional<TimeNs> due;
  for (const auto& d : deadlines)
    if (!d.met_at && (!due || d.due < *due)) due = d.due;
  return due;
}

std::string receipts_json(const store::ReportRecord& rec, std::string_view only_recipient = {}) {
  std::string out = "[";
  bool first = true;
  for (const auto& r : rec.receipts) {
    if (!only_recipient.empty() && r.recipient != only_recipient) continue;
    if (!first) out += ',';
    first = false;
    out += fmt::format(
        R"({{"recipient":{},"reasons":{},"identity_visible":{},"view_sha256":{},"time":{},"receipt":{}}})",
        json_quote(r.recipient), r.reasons_json, r.identity_visible, json_quote(r.view_sha256),
        json_quote(format_rfc3339(r.time)), json_quote(r.signed_receipt));
  }
  out += ']';
  return out;
}

// The answer to a submission (and to its replay): the stored document, the
// receipts, the incident's deadlines and how many indicators were extracted.
std::string submission_json(const store::ReportRecord& rec, std::string_view deadlines_json) {
  return fmt::format(
      R"({{"id":{},"incident":{},"stage":{},"sequence":{},"received_at":{},"document_sha256":{},"indicators":{},)"
      R"("receipts":{},"deadlines":{},"document":{}}})",
      json_quote(rec.id), json_quote(rec.incident_id), json_quote(rec.stage), rec.sequence,
      json_quote(format_rfc3339(rec.received)), json_quote(rec.document_sha256), rec.indicators.size(),
      receipts_json(rec), deadlines_json, rec.document);
}

// Rebuilds an incident from its stored documents.
Result<report::IncidentState> load_incident(ApiContext& ctx, std::string_view incident_id) {
  auto chain = ctx.store.incident_chain(incident_id);
  if (!chain) return tl::unexpected(chain.error());
  if (chain->empty()) return fail(Errc::not_found, "incident {} not found", incident_id);
  std::vector<report::Report> docs;
  docs.reserve(chain->size());
  for (const auto& rec : *chain) {
    auto doc = report::parse_report_document(rec.document);
    if (!doc) return fail(Errc::corrupt, "stored report {}: {}", rec.id, doc.error().message);
    docs.push_back(std::move(*doc));
  }
  return report::replay_incident(docs);
}

Response failure(const Error& e) {
  if (e.code == Errc::not_found) return error_response(404, "not_found", e.message);
  return store_failure(e.code == Errc::invalid_argument ? Error{Errc::io_error, e.message} : e);
}

Response replay(ApiContext& ctx, const store::WriteResult& w, const report::ReporterProfile& profile,
                TimeNs now) {
  if (w.outcome == store::WriteOutcome::key_mismatch) return outcome_failure(w.outcome, "report");
  // The key is claimed but the first request has not committed yet: it is still running.
  if (w.ids.empty() || w.ids.front().empty())
    return error_response(409, "conflict", "this Idempotency-Key is still in use");
  auto first = ctx.store.get_report(w.ids.front());
  if (!first) return store_failure(first.error());
  if (!*first) return store_failure(Error{Errc::io_error, "replayed report vanished"});
  auto first_state = load_incident(ctx, (*first)->incident_id);
  if (!first_state) return failure(first_state.error());
  const auto first_deadlines = report::compute_deadlines(ctx.reporting.deadlines, profile, *first_state);
  Response r = json_response(200, submission_json(**first, report::deadlines_to_json(first_deadlines, now)));
  r.headers.emplace_back("Idempotent-Replayed", "true");
  r.headers.emplace_back("Location", "/v1/reports/" + (*first)->id);
  return r;
}

Response submit(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  auto idem = idempotency_of(req);
  if (!idem) return error_response(400, "invalid_request", idem.error().message);
  // A first look at the body: which stage, and for a follow-up which incident
  // (its handling is inherited when the follow-up states none).
  auto body = parse_json_body(req.body);
  if (!body) return error_response(400, "invalid_json", body.error().message);
  if (!body->is_object()) return error_response(400, "invalid_request", "a report must be a JSON object");
  const auto& o = body->get_object();
  std::string stage = "quick";
  if (const auto* s = o.if_contains("stage"); s && s->is_string()) stage = std::string(s->get_string());
  const TimeNs now = now_ns();
  auto org = ctx.store.get_organisation(who.org_id);
  if (!org) return store_failure(org.error());
  if (!*org) return error_response(403, "forbidden", "the organisation of this key does not exist");
  const report::ReporterProfile profile = profile_of(**org);
  // A retry of a request that went through (its response was lost) gets the
  // first answer, before any check its own success would now fail (the
  // sequence has moved on, the incident is closed).
  if (*idem) {
    auto used = ctx.store.lookup_idempotency(**idem);
    if (!used) return store_failure(used.error());
    if (*used) return replay(ctx, **used, profile, now);
  }

  std::optional<report::IncidentState> previous;
  if (stage != "quick") {
    const auto* inc = o.if_contains("incident");
    if (!inc || !inc->is_string())
      return error_response(400, "invalid_request",
                            "report: incident: is required for a follow-up or final report");
    auto incident = ctx.store.get_incident(inc->get_string());
    if (!incident) return store_failure(incident.error());
    // Another organisation's incident is as unknown as a missing one.
    if (!*incident || (*incident)->org_id != who.org_id)
      return error_response(404, "not_found",
                            fmt::format("incident {} not found", std::string(inc->get_string())));
    if ((*incident)->closed)
      return error_response(
          409, "conflict",
          fmt::format("incident {}: the final report has been filed; no further reports are accepted",
                      (*incident)->id));
    auto state = load_incident(ctx, (*incident)->id);
    if (!state) return failure(state.error());
    previous = std::move(*state);
  }
  report::SubmissionContext sc{report::generate_report_id(now), who.org_id, now,
                               previous ? &previous->handling : nullptr};
  auto parsed = report::parse_submission(req.body, sc);
  if (!parsed)
    return error_response(400, parsed.error().code == Errc::parse_error ? "invalid_json" : "invalid_request",
                          parsed.error().message);
  report::Report doc = std::move(*parsed);
  report::IncidentState state;
  if (!previous) {
    if (doc.stage != report::Stage::quick)
      return error_response(400, "invalid_request", "report: stage: must be quick without an incident");
    auto started = report::start_incident(doc);
    if (!started) return error_response(400, "invalid_request", started.error().message);
    state = std::move(*started);
  } else {
    if (doc.follow_up.sequence != previous->last_sequence + 1)
      return error_response(
          409, "conflict",
          fmt::format("incident {}: sequence {} does not follow {} (expected {})", previous->incident_id,
                      doc.follow_up.sequence, previous->last_sequence, previous->last_sequence + 1));
    auto applied = report::apply_follow_up(*previous, doc);
    if (!applied) return error_response(400, "invalid_request", applied.error().message);
    state = std::move(applied->state);
    doc = std::move(applied->report);
  }
  auto out = report::fan_out(doc, state, profile, ctx.reporting.fanout, ctx.receipt_key, now);
  if (!out) return store_failure(Error{Errc::io_error, "fan-out: " + out.error().message});
  const auto deadlines = report::compute_deadlines(ctx.reporting.deadlines, profile, state);

  store::ReportRecord rec;
  rec.id = doc.id;
  rec.incident_id = doc.incident_id();
  rec.org_id = who.org_id;
  rec.reporter_sector = profile.sector;
  rec.stage = std::string(report::stage_name(doc.stage));
  rec.sequence = doc.stage == report::Stage::quick ? 0 : doc.follow_up.sequence;
  rec.tlp = std::string(report::tlp_name(doc.handling.tlp));
  rec.incident_type = std::string(report::incident_type_name(state.current.incident_type));
  rec.aware_at = state.current.aware_at;
  rec.received = now;
  rec.document = out->document;
  rec.document_sha256 = hex(out->document_sha256);
  for (const auto& d : out->deliveries) {
    store::ReportReceiptRecord r;
    r.recipient = d.route.recipient.id;
    json::array reasons;
    for (const auto& why : d.route.reasons) reasons.push_back(json::string(why));
    r.reasons_json = json::serialize(reasons);
    r.sees_identity = d.route.recipient.sees_reporter_identity;
    r.identity_visible = d.identity_visible;
    r.view_sha256 = hex(d.view_sha256);
    r.signed_receipt = d.signed_receipt;
    r.time = d.receipt.time;
    rec.receipts.push_back(std::move(r));
  }
  const auto indicators = report::report_indicators(doc);
  for (const auto& i : indicators.indicators())
    rec.indicators.push_back({std::string(report::indicator_type_name(i.type)), i.value});

  store::IncidentRecord inc;
  inc.id = rec.incident_id;
  inc.org_id = who.org_id;
  inc.reporter_sector = profile.sector;
  inc.incident_type = rec.incident_type;
  inc.latest_stage = rec.stage;
  inc.last_sequence = rec.sequence;
  inc.closed = doc.stage == report::Stage::final;
  inc.aware_at = state.current.aware_at;
  inc.updated = now;
  inc.next_due = next_due(deadlines);

  auto w = ctx.store.submit_report(rec, inc, idem->has_value() ? &**idem : nullptr);
  if (!w) return store_failure(w.error());
  using store::WriteOutcome;
  switch (w->outcome) {
    case WriteOutcome::done: {
      Response r = json_response(201, submission_json(rec, report::deadlines_to_json(deadlines, now)));
      r.headers.emplace_back("Location", "/v1/reports/" + rec.id);
      return r;
    }
    case WriteOutcome::replayed:
    case WriteOutcome::key_mismatch:
      return replay(ctx, *w, profile, now);
    case WriteOutcome::stale:
      return error_response(
          409, "conflict",
          fmt::format("incident {} moved on while this report was filed; read it and send the next "
                      "sequence number",
                      rec.incident_id));
    case WriteOutcome::not_found:
      if (!w->ids.empty() && w->ids.front() == who.org_id)
        return error_response(403, "forbidden", "the organisation of this key does not exist");
      return error_response(404, "not_found", fmt::format("incident {} not found", rec.incident_id));
    default:
      return outcome_failure(w->outcome, "report");
  }
}

// One read of a report: decided, written to the ledger, then to the access log.
struct ReadDecision {
  store::ReportRecord rec;
  report::Report doc;
  report::AccessDecision decision;
  std::uint64_t ledger_index = 0;
};

// The declared purpose: X-Request-Purpose or ?purpose= (empty when none).
std::string declared_purpose(const Request& req) {
  if (const auto* p = req.header("x-request-purpose")) return *p;
  if (const auto* p = req.query_param("purpose")) return *p;
  return {};
}

// Returns the decision (allowed or refused) once it is recorded, or the response to send instead.
std::variant<ReadDecision, Response> decide_read(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  auto rec = ctx.store.get_report(req.params["id"]);
  if (!rec) return store_failure(rec.error());
  if (!*rec) return error_response(404, "not_found", fmt::format("report {} not found", req.params["id"]));
  auto doc = report::parse_report_document((*rec)->document);
  if (!doc)
    return store_failure(
        Error{Errc::corrupt, fmt::format("stored report {}: {}", (*rec)->id, doc.error().message)});
  ReadDecision out{std::move(**rec), std::move(*doc), {}, 0};
  const bool reporter = !who.org_id.empty() && who.org_id == out.rec.org_id;
  std::string purpose = declared_purpose(req);
  if (purpose.size() > 64) purpose.resize(64);  // recorded as sent, within reason
  if (!reporter && (who.role == Role::operator_ || who.role == Role::carrier)) {
    // Operators and carriers read their own organisation's reports only,
    // whatever purpose they declare; the attempt is still recorded.
    auto& d = out.decision;
    d.allowed = false;
    d.reason = "operators and carriers read only their own organisation's reports";
    d.record = {out.rec.id,     out.rec.incident_id,
                out.rec.org_id, who.key_id,
                who.org_id,     reader_role(who.role),
                purpose,        now_ns(),
                false,          d.reason};
  } else {
    std::uint32_t clearance = 0;
    if (!who.org_id.empty() && !reporter) {
      auto reader_org = ctx.store.get_organisation(who.org_id);
      if (!reader_org) return store_failure(reader_org.error());
      if (*reader_org) clearance = static_cast<std::uint32_t>((*reader_org)->clearance);
    }
    report::AccessRequest ar{{who.key_id, who.org_id, reader_role(who.role), clearance}, purpose, now_ns()};
    out.decision = report::decide_access(ctx.reporting.access, access_info(out.rec, out.doc), ar);
  }
  // The ledger first: nothing is served unless the access is on record.
  auto body = report::access_ledger_body(out.decision.record);
  if (!body) return store_failure(Error{Errc::io_error, "ledger body: " + body.error().message});
  auto index = ctx.ledger.record(ledger::kinds::report_access,
                                 report::access_ledger_actor(out.decision.record), *body);
  if (!index) return store_failure(Error{Errc::io_error, "ledger: " + index.error().message});
  out.ledger_index = *index;
  const auto& r = out.decision.record;
  store::ReportAccessEntry entry{0,
                                 r.time,
                                 r.report_id,
                                 r.incident_id,
                                 r.reporter_organisation,
                                 who.key_id,
                                 r.reader_organisation,
                                 std::string(report::reader_role_name(r.reader_role)),
                                 r.purpose,
                                 r.allowed,
                                 r.reason,
                                 static_cast<std::int64_t>(*index)};
  auto logged = ctx.store.append_report_access(std::move(entry));
  if (!logged) return store_failure(logged.error());
  if (!out.decision.allowed) {
    Response refused = error_response(403, "forbidden", out.decision.reason);
    refused.headers.emplace_back("Ledger-Index", std::to_string(*index));
    return refused;
  }
  return out;
}

Response show(ApiContext& ctx, Request& req) {
  auto d = decide_read(ctx, req);
  if (auto* r = std::get_if<Response>(&d)) return std::move(*r);
  auto& read = std::get<ReadDecision>(d);
  const bool reporter = req.principal->org_id == read.rec.org_id;
  // The reporter gets the stored document; anyone else the recipient view
  // (the reporter's organisation and contact removed unless identity is visible).
  Response r = json_response(
      200, reporter ? read.rec.document
                    : report::recipient_view(read.doc, {read.rec.org_id, read.rec.reporter_sector, {}, false},
                                             read.decision.identity_visible));
  r.headers.emplace_back("Ledger-Index", std::to_string(read.ledger_index));
  r.headers.emplace_back(
      "Report-View", reporter ? "reporter" : (read.decision.identity_visible ? "identified" : "anonymous"));
  return r;
}

Response deadlines(ApiContext& ctx, Request& req) {
  auto d = decide_read(ctx, req);
  if (auto* r = std::get_if<Response>(&d)) return std::move(*r);
  auto& read = std::get<ReadDecision>(d);
  auto state = load_incident(ctx, read.rec.incident_id);
  if (!state) return failure(state.error());
  auto org = ctx.store.get_organisation(read.rec.org_id);
  if (!org) return store_failure(org.error());
  report::ReporterProfile profile{
      read.rec.org_id, read.rec.reporter_sector, {"JP"}, *org && (*org)->tier == 1};
  const auto all = report::compute_deadlines(ctx.reporting.deadlines, profile, *state);
  Response r =
      json_response(200, fmt::format(R"({{"incident":{},"deadlines":{}}})", json_quote(read.rec.incident_id),
                                     report::deadlines_to_json(all, now_ns())));
  r.headers.emplace_back("Ledger-Index", std::to_string(read.ledger_index));
  return r;
}

Response receipts(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  auto rec = ctx.store.get_report(req.params["id"]);
  if (!rec) return store_failure(rec.error());
  if (!*rec) return error_response(404, "not_found", fmt::format("report {} not found", req.params["id"]));
  const bool reporter = !who.org_id.empty() && who.org_id == (*rec)->org_id;
  const bool recipient =
      !who.org_id.empty() && std::any_of((*rec)->receipts.begin(), (*rec)->receipts.end(),
                                         [&](const auto& r) { return r.recipient == who.org_id; });
  if (!reporter && !recipient)
    return error_response(403, "forbidden",
                          "receipts are for the reporter and, each its own, the recipients");
  return json_response(
      200,
      fmt::format(R"({{"report":{},"incident":{},"document_sha256":{},"hub_key":{},"receipts":{}}})",
                  json_quote((*rec)->id), json_quote((*rec)->incident_id),
                  json_quote((*rec)->document_sha256), json_quote(ctx.receipt_key.verifier().to_string()),
                  receipts_json(**rec, reporter ? std::string_view{} : who.org_id)));
}

Response access_log(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  auto rec = ctx.store.get_report(req.params["id"]);
  if (!rec) return store_failure(rec.error());
  if (!*rec) return error_response(404, "not_found", fmt::format("report {} not found", req.params["id"]));
  auto doc = report::parse_report_document((*rec)->document);
  if (!doc) return store_failure(Error{Errc::corrupt, doc.error().message});
  std::vector<report::AccessRecord> log;
  std::int64_t after = 0;
  for (;;) {
    auto page = ctx.store.list_report_access((*rec)->id, after, store::kMaxListLimit);
    if (!page) return store_failure(page.error());
    for (const auto& e : *page)
      log.push_back({e.report_id, e.incident_id, e.reporter_org, e.reader_key_id, e.reader_org,
                     report::parse_reader_role(e.reader_role).value_or(report::ReaderRole::analyst),
                     e.purpose, e.time, e.allowed, e.reason});
    if (page->size() < static_cast<std::size_t>(store::kMaxListLimit)) break;
    after = page->back().id;
  }
  auto reads = report::reads_of_report(log, access_info(**rec, *doc), who.org_id);
  if (!reads)
    return error_response(403, "forbidden", "only the reporting organisation may list who read its report");
  return json_response(200, fmt::format(R"({{"report":{},"reads":{}}})", json_quote((*rec)->id),
                                        report::access_log_to_json(*reads)));
}

Response list(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  store::ReportQuery q;
  auto limit = read_limit(req);
  if (!limit) return error_response(400, "invalid_request", limit.error().message);
  q.limit = *limit;
  if (const auto* a = req.query_param("after")) q.after_id = *a;
  if (const auto* i = req.query_param("incident")) q.incident_id = *i;
  if (who.role == Role::operator_ || who.role == Role::carrier) {
    q.org_id = who.org_id;  // their own documents, nothing else
  } else if (who.role == Role::analyst) {
    q.visible_to_org = who.org_id;  // what they could be shown: as a recipient, or CLEAR/GREEN
  }
  auto rows = ctx.store.list_reports(q);
  if (!rows) return store_failure(rows.error());
  std::string out = "{\"items\":[";
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const auto& r = (*rows)[i];
    if (i) out += ',';
    const bool own = !who.org_id.empty() && r.org_id == who.org_id;
    // Others see no identity and no content: reading either needs a declared purpose (GET /v1/reports/{id}).
    out += fmt::format(
        R"({{"id":{},"incident":{},"stage":{},"sequence":{},"tlp":{},"received_at":{},"reporter_sector":{})",
        json_quote(r.id), json_quote(r.incident_id), json_quote(r.stage), r.sequence, json_quote(r.tlp),
        json_quote(format_rfc3339(r.received)), json_quote(r.reporter_sector));
    if (own)
      out += fmt::format(R"(,"organisation":{},"incident_type":{},"aware_at":{})", json_quote(r.org_id),
                         json_quote(r.incident_type), json_quote(format_rfc3339(r.aware_at)));
    out += '}';
  }
  out += "],\"next\":";
  out += static_cast<int>(rows->size()) == q.limit ? json_quote(rows->back().id) : std::string("null");
  out += '}';
  return json_response(200, std::move(out));
}

Response overdue(ApiContext& ctx, Request& req) {
  const auto& who = *req.principal;
  auto limit = read_limit(req);
  if (!limit) return error_response(400, "invalid_request", limit.error().message);
  const TimeNs now = now_ns();
  std::optional<std::string> org;
  if (who.role == Role::operator_) org = who.org_id;
  auto rows = ctx.store.list_overdue_incidents(now, org, *limit);
  if (!rows) return store_failure(rows.error());
  std::string out = "{\"items\":[";
  bool first = true;
  for (const auto& inc : *rows) {
    auto state = load_incident(ctx, inc.id);
    if (!state) return failure(state.error());
    auto o = ctx.store.get_organisation(inc.org_id);
    if (!o) return store_failure(o.error());
    report::ReporterProfile profile{inc.org_id, inc.reporter_sector, {"JP"}, *o && (*o)->tier == 1};
    const auto all = report::compute_deadlines(ctx.reporting.deadlines, profile, *state);
    const auto late = report::overdue_at(all, now);
    if (late.empty()) continue;
    if (!first) out += ',';
    first = false;
    // The reporter's identity only to the reporter: the agency chases an
    // anonymous reporter through the incident id, not its name.
    out += fmt::format(
        R"({{"incident":{},"reporter_sector":{},"latest_stage":{},"last_sequence":{},"aware_at":{})",
        json_quote(inc.id), json_quote(inc.reporter_sector), json_quote(inc.latest_stage), inc.last_sequence,
        json_quote(format_rfc3339(inc.aware_at)));
    if (!who.org_id.empty() && who.org_id == inc.org_id) out += ",\"organisation\":" + json_quote(inc.org_id);
    out += ",\"overdue\":" + report::deadlines_to_json(late, now) + '}';
  }
  out += "]}";
  return json_response(200, std::move(out));
}

Response hub_key(ApiContext& ctx) {
  return json_response(
      200, fmt::format(R"({{"receipt_key":{}}})", json_quote(ctx.receipt_key.verifier().to_string())));
}

}  // namespace

void register_report_routes(Router& router, ApiContext& ctx) {
  router.add_schema(
      "ReportSubmission",
      R"({"type":"object","description":"mamori.report/v1 submission (docs/reporting.md). A quick report needs incident_type, aware_at and contact; follow_up and final reports need incident and sequence. Unknown fields are refused.","properties":{"stage":{"type":"string","enum":["quick","follow_up","final"],"default":"quick"},"incident":{"type":"string"},"sequence":{"type":"integer","minimum":1},"organisation":{"type":"string","description":"if present, must be the key's organisation"},"aware_at":{"type":"string","format":"date-time"},"incident_type":{"type":"string","enum":["ransomware","ddos","unauthorised_access","data_leak","malware","service_outage_unknown_cause","other"]},"contact":{"type":"string","maxLength":512},"affected_asset":{"type":"string","maxLength":512},"service_impact":{"type":"string","enum":["unknown","none","degraded","outage"]},"suspected_malicious":{"type":"string","enum":["unknown","yes","no"]},"cross_border":{"type":"string","enum":["unknown","yes","no"]},"handling":{"type":"object","properties":{"tlp":{"type":"string"},"anonymous_to_recipients":{"type":"boolean"},"permitted_purposes":{"type":"array","items":{"type":"string"}},"share_indicators":{"type":"boolean"}}},"changes":{"type":"string"},"description":{"type":"string"},"timeline":{"type":"object"},"personal_data_involved":{"type":"string"},"records_affected":{"type":"integer"},"attack_techniques":{"type":"array","items":{"type":"string"}},"iocs":{"type":"array","items":{"type":"string"}},"ransomware":{"type":"object"},"ddos":{"type":"object"},"root_cause":{"type":"string"},"remediation":{"type":"string"}}})");
  router.add_schema(
      "ReportReceipt",
      R"({"type":"object","properties":{"recipient":{"type":"string"},"reasons":{"type":"array","items":{"type":"string"}},"identity_visible":{"type":"boolean"},"view_sha256":{"type":"string"},"time":{"type":"string","format":"date-time"},"receipt":{"type":"string","description":"C2SP signed note mamori.report.receipt/v1, signed by the hub key, see GET /v1/hub-key"}}})");
  router.add_schema(
      "Deadline",
      R"({"type":"object","properties":{"incident":{"type":"string"},"regime":{"type":"string"},"regime_name":{"type":"string"},"stage":{"type":"string"},"stage_name":{"type":"string"},"anchor":{"type":"string","format":"date-time"},"due":{"type":"string","format":"date-time"},"status":{"type":"string","enum":["pending","met","late","overdue"]},"met_at":{"type":"string","format":"date-time"},"met_by":{"type":"string"}}})");
  router.add_schema(
      "ReportAccepted",
      R"({"type":"object","properties":{"id":{"type":"string"},"incident":{"type":"string"},"stage":{"type":"string"},"sequence":{"type":"integer"},"received_at":{"type":"string","format":"date-time"},"document_sha256":{"type":"string"},"indicators":{"type":"integer"},"receipts":{"type":"array","items":{"$ref":"#/components/schemas/ReportReceipt"}},"deadlines":{"type":"array","items":{"$ref":"#/components/schemas/Deadline"}},"document":{"$ref":"#/components/schemas/ReportDocument"}}})");
  router.add_schema(
      "ReportDocument",
      R"({"type":"object","description":"mamori.report/v1 document: the stored bytes for the reporter; for others the recipient view, where {\"reporter\":{\"anonymous\":true,\"sector\":...}} replaces organisation and contact unless the reader may see the reporter's identity","properties":{"schema":{"type":"string"},"id":{"type":"string"},"stage":{"type":"string"},"organisation":{"type":"string"},"reporter":{"type":"object"},"received_at":{"type":"string","format":"date-time"},"handling":{"type":"object"}}})");
  router.add_schema(
      "ReportList",
      R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"incident":{"type":"string"},"stage":{"type":"string"},"sequence":{"type":"integer"},"tlp":{"type":"string"},"received_at":{"type":"string","format":"date-time"},"reporter_sector":{"type":"string"},"organisation":{"type":"string","description":"the reporter's own documents only"},"incident_type":{"type":"string"},"aware_at":{"type":"string","format":"date-time"}}}},"next":{"type":"string","nullable":true}}})");
  router.add_schema(
      "ReportReceipts",
      R"({"type":"object","properties":{"report":{"type":"string"},"incident":{"type":"string"},"document_sha256":{"type":"string"},"hub_key":{"type":"string"},"receipts":{"type":"array","items":{"$ref":"#/components/schemas/ReportReceipt"}}}})");
  router.add_schema(
      "ReportAccessLog",
      R"({"type":"object","properties":{"report":{"type":"string"},"reads":{"type":"array","items":{"type":"object","properties":{"reader_organisation":{"type":"string"},"reader_role":{"type":"string"},"purpose":{"type":"string"},"time":{"type":"string","format":"date-time"},"decision":{"type":"string"},"reason":{"type":"string"}}}}}})");
  router.add_schema(
      "ReportDeadlines",
      R"({"type":"object","properties":{"incident":{"type":"string"},"deadlines":{"type":"array","items":{"$ref":"#/components/schemas/Deadline"}}}})");
  router.add_schema(
      "OverdueList",
      R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"incident":{"type":"string"},"reporter_sector":{"type":"string"},"organisation":{"type":"string"},"latest_stage":{"type":"string"},"last_sequence":{"type":"integer"},"aware_at":{"type":"string","format":"date-time"},"overdue":{"type":"array","items":{"$ref":"#/components/schemas/Deadline"}}}}}}})");
  router.add_schema(
      "HubKey",
      R"({"type":"object","properties":{"receipt_key":{"type":"string","description":"C2SP verifier key of the receipts"}}})");

  const std::vector<Role> readers = {Role::operator_, Role::analyst, Role::overseer, Role::carrier,
                                     Role::admin};
  const std::vector<QueryParamSpec> purpose = {
      {"purpose", "string",
       "declared purpose of a read by anyone but the reporter (or the X-Request-Purpose header)"}};
  router.add({"POST",
              "/v1/reports",
              "reports.submit",
              "File a quick report, a follow-up or the final report (operator). Fans out to every required "
              "recipient "
              "with a signed receipt each. Honours Idempotency-Key.",
              {Role::operator_},
              "ReportSubmission",
              "ReportAccepted",
              201,
              {},
              true,
              [&ctx](Request& r) { return submit(ctx, r); }});
  router.add(
      {"GET",
       "/v1/reports",
       "reports.list",
       "List reports: operators their own organisation's; analysts what they could be shown; without the "
       "reporter's identity unless it is the caller's own.",
       readers,
       "",
       "ReportList",
       200,
       {{"incident", "string", "only this incident"},
        {"after", "string", "id of the last item of the previous page"},
        {"limit", "integer", "1..1000, default 100"}},
       false,
       [&ctx](Request& r) { return list(ctx, r); }});
  router.add({"GET",
              "/v1/reports/overdue",
              "reports.overdue",
              "Incidents with a reporting deadline not met and past due (operators: their own).",
              {Role::operator_, Role::analyst, Role::overseer, Role::admin},
              "",
              "OverdueList",
              200,
              {{"limit", "integer", "1..1000, default 100"}},
              false,
              [&ctx](Request& r) { return overdue(ctx, r); }});
  router.add(
      {"GET", "/v1/reports/{id}", "reports.get",
       "Read a report. Anyone but the reporter declares a purpose; the decision is written to the ledger "
       "(report.access) and the report's access log before anything is served; refused purposes get 403.",
       readers, "", "ReportDocument", 200, purpose, false, [&ctx](Request& r) { return show(ctx, r); }});
  router.add(
      {"GET", "/v1/reports/{id}/deadlines", "reports.deadlines",
       "The incident's deadlines under every applicable regime; purpose-bound and recorded like a read.",
       readers, "", "ReportDeadlines", 200, purpose, false,
       [&ctx](Request& r) { return deadlines(ctx, r); }});
  router.add({"GET",
              "/v1/reports/{id}/receipts",
              "reports.receipts",
              "Signed receipts: all for the reporter, its own for a recipient.",
              readers,
              "",
              "ReportReceipts",
              200,
              {},
              false,
              [&ctx](Request& r) { return receipts(ctx, r); }});
  router.add({"GET",
              "/v1/reports/{id}/access-log",
              "reports.access_log",
              "Who read the report, when and why, refused attempts included (the reporter only).",
              readers,
              "",
              "ReportAccessLog",
              200,
              {},
              false,
              [&ctx](Request& r) { return access_log(ctx, r); }});
  router.add({"GET",
              "/v1/hub-key",
              "system.hub_key",
              "The verifier key of report receipts.",
              {},
              "",
              "HubKey",
              200,
              {},
              false,
              [&ctx](Request&) { return hub_key(ctx); }});
}

}  // namespace mamori::hub

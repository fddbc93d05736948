// `mamori report quick|update|final|show|list|access-log|receipts|deadlines|overdue`:
// incident reports through the hub API (an operator key files and reads its
// own; an analyst key reads with a declared purpose). docs/reporting.md
// describes the fields, docs/api.md the routes.
#include <cstdio>
#include <string>
#include <vector>

#include "mamori/cli/command.hpp"
#include "mamori/cli/hub_client_options.hpp"
#include "mamori/core/time.hpp"

namespace mamori::cli {

namespace {

namespace json = boost::json;

struct ReportOptions {
  hub::ClientOptions client;
  std::string id;  // report id (show, ...) or incident id (update, final)
  std::string type, aware_at, contact, asset, impact, malicious, cross_border, tlp, from_json,
      idempotency_key;
  std::string changes, description, root_cause, remediation, personal_data, purpose, after, incident;
  std::vector<std::string> permitted_purposes, iocs;
  std::optional<std::int64_t> sequence;
  bool not_anonymous = false, no_share_indicators = false, json_output = false;
  int limit = 100;
};

int print_json(const json::value& v) {
  std::printf("%s\n", json::serialize(v).c_str());
  return 0;
}

std::string str(const json::value& v, std::string_view key) {
  if (!v.is_object()) return "";
  const auto* f = v.get_object().if_contains(key);
  if (!f || f->is_null()) return "";
  if (f->is_string()) return std::string(f->get_string());
  return json::serialize(*f);
}

// The submission: --from-json as the base, options on top.
std::optional<json::object> base_body(const ReportOptions& o, int& code) {
  json::object body;
  if (!o.from_json.empty()) {
    auto text = read_document(o.from_json, code);
    if (!text) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(*text, ec);
    if (ec || !v.is_object()) {
      code = report_error(o.from_json + ": not a JSON object", 2);
      return std::nullopt;
    }
    body = std::move(v.get_object());
  }
  auto set = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) body[key] = value;
  };
  set("incident_type", o.type);
  set("aware_at", o.aware_at);
  set("contact", o.contact);
  set("affected_asset", o.asset);
  set("service_impact", o.impact);
  set("suspected_malicious", o.malicious);
  set("cross_border", o.cross_border);
  set("changes", o.changes);
  set("description", o.description);
  set("root_cause", o.root_cause);
  set("remediation", o.remediation);
  set("personal_data_involved", o.personal_data);
  if (!o.iocs.empty()) {
    json::array a;
    for (const auto& i : o.iocs) a.push_back(json::string(i));
    body["iocs"] = std::move(a);
  }
  if (!o.tlp.empty() || o.not_anonymous || o.no_share_indicators || !o.permitted_purposes.empty()) {
    json::object h = body.contains("handling") && body["handling"].is_object() ? body["handling"].get_object()
                                                                               : json::object{};
    if (!o.tlp.empty()) h["tlp"] = o.tlp;
    if (o.not_anonymous) h["anonymous_to_recipients"] = false;
    if (o.no_share_indicators) h["share_indicators"] = false;
    if (!o.permitted_purposes.empty()) {
      json::array a;
      for (const auto& p : o.permitted_purposes) a.push_back(json::string(p));
      h["permitted_purposes"] = std::move(a);
    }
    body["handling"] = std::move(h);
  }
  return body;
}

// The reporter's summary of an accepted report; the full answer with --json.
int print_accepted(const json::value& v, bool as_json) {
  if (as_json) return print_json(v);
  std::printf("report   %s\nincident %s\nstage    %s (sequence %s)\nsha256   %s\n", str(v, "id").c_str(),
              str(v, "incident").c_str(), str(v, "stage").c_str(), str(v, "sequence").c_str(),
              str(v, "document_sha256").c_str());
  const auto* receipts = v.get_object().if_contains("receipts");
  if (receipts && receipts->is_array()) {
    std::printf("receipts (%zu, signed by the hub; `mamori report receipts %s` prints them):\n",
                receipts->get_array().size(), str(v, "id").c_str());
    for (const auto& r : receipts->get_array())
      std::printf("  %-10s %s\n", str(r, "recipient").c_str(), str(r, "reasons").c_str());
  }
  const auto* deadlines = v.get_object().if_contains("deadlines");
  if (deadlines && deadlines->is_array()) {
    std::printf("deadlines:\n");
    for (const auto& d : deadlines->get_array())
      std::printf("  %-10s %-22s due %s  %s\n", str(d, "regime").c_str(), str(d, "stage").c_str(),
                  str(d, "due").c_str(), str(d, "status").c_str());
  }
  return 0;
}

int submit(const ReportOptions& o, json::object body) {
  int code = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  if (!o.idempotency_key.empty()) headers.emplace_back("Idempotency-Key", o.idempotency_key);
  auto v = call_hub(o.client, "POST", "/v1/reports", json::serialize(body), code, headers);
  return v ? print_accepted(*v, o.json_output) : code;
}

int run_quick(const ReportOptions& o) {
  int code = 0;
  auto body = base_body(o, code);
  if (!body) return code;
  (*body)["stage"] = "quick";
  // Awareness defaults to now: a quick report is filed when the incident is noticed.
  if (!body->contains("aware_at")) (*body)["aware_at"] = format_rfc3339(now_ns());
  if (!body->contains("incident_type")) return report_error("--type is required (e.g. ransomware, ddos)", 2);
  if (!body->contains("contact"))
    return report_error("--contact is required (a desk, phone or mail address)", 2);
  return submit(o, std::move(*body));
}

// The next sequence number of an incident this organisation filed.
std::optional<std::int64_t> next_sequence(const ReportOptions& o, int& code) {
  if (o.sequence) return *o.sequence;
  std::int64_t last = -1;
  std::string after;
  for (;;) {
    std::string target = "/v1/reports?limit=1000&incident=" + url_encode(o.id);
    if (!after.empty()) target += "&after=" + url_encode(after);
    auto v = call_hub(o.client, "GET", target, {}, code);
    if (!v) return std::nullopt;
    const auto* items = v->get_object().if_contains("items");
    if (!items || !items->is_array()) {
      code = report_error("unexpected answer from the hub");
      return std::nullopt;
    }
    for (const auto& item : items->get_array())
      if (const auto* s = item.get_object().if_contains("sequence"); s && s->is_int64())
        last = std::max(last, s->get_int64());
    const std::string next = str(*v, "next");
    if (next.empty()) break;
    after = next;
  }
  if (last < 0) {
    code = report_error(fmt::format("incident {} not found among your organisation's reports", o.id));
    return std::nullopt;
  }
  return last + 1;
}

int run_follow_up(const ReportOptions& o, std::string_view stage) {
  int code = 0;
  auto body = base_body(o, code);
  if (!body) return code;
  (*body)["stage"] = stage;
  (*body)["incident"] = o.id;
  if (!body->contains("sequence")) {
    auto seq = next_sequence(o, code);
    if (!seq) return code;
    (*body)["sequence"] = *seq;
  }
  return submit(o, std::move(*body));
}

std::vector<std::pair<std::string, std::string>> purpose_header(const ReportOptions& o) {
  std::vector<std::pair<std::string, std::string>> h;
  if (!o.purpose.empty()) h.emplace_back("X-Request-Purpose", o.purpose);
  return h;
}

int run_show(const ReportOptions& o) {
  int code = 0;
  auto v = call_hub(o.client, "GET", "/v1/reports/" + url_encode(o.id), {}, code, purpose_header(o));
  return v ? print_json(*v) : code;
}

int run_deadlines(const ReportOptions& o) {
  int code = 0;
  auto v = call_hub(o.client, "GET", "/v1/reports/" + url_encode(o.id) + "/deadlines", {}, code,
                    purpose_header(o));
  if (!v) return code;
  if (o.json_output) return print_json(*v);
  std::printf("%-12s %-24s %-31s %-8s %s\n", "REGIME", "STAGE", "DUE", "STATUS", "MET");
  for (const auto& d : v->get_object().at("deadlines").get_array())
    std::printf("%-12s %-24s %-31s %-8s %s\n", str(d, "regime").c_str(), str(d, "stage").c_str(),
                str(d, "due").c_str(), str(d, "status").c_str(), str(d, "met_at").c_str());
  return 0;
}

int run_receipts(const ReportOptions& o) {
  int code = 0;
  auto v = call_hub(o.client, "GET", "/v1/reports/" + url_encode(o.id) + "/receipts", {}, code);
  if (!v) return code;
  if (o.json_output) return print_json(*v);
  std::printf("document sha256:%s\nhub key %s\n", str(*v, "document_sha256").c_str(),
              str(*v, "hub_key").c_str());
  for (const auto& r : v->get_object().at("receipts").get_array())
    std::printf("\n%s", str(r, "receipt").c_str());
  return 0;
}

int run_list(const ReportOptions& o) {
  int code = 0;
  std::string target = fmt::format("/v1/reports?limit={}", o.limit);
  if (!o.incident.empty()) target += "&incident=" + url_encode(o.incident);
  if (!o.after.empty()) target += "&after=" + url_encode(o.after);
  auto v = call_hub(o.client, "GET", target, {}, code);
  if (!v) return code;
  if (o.json_output) return print_json(*v);
  std::printf("%-38s %-38s %-9s %-3s %-12s %-16s %s\n", "ID", "INCIDENT", "STAGE", "SEQ", "TLP", "TYPE",
              "RECEIVED");
  for (const auto& r : v->get_object().at("items").get_array())
    std::printf("%-38s %-38s %-9s %-3s %-12s %-16s %s\n", str(r, "id").c_str(), str(r, "incident").c_str(),
                str(r, "stage").c_str(), str(r, "sequence").c_str(), str(r, "tlp").c_str(),
                str(r, "incident_type").empty() ? "-" : str(r, "incident_type").c_str(),
                str(r, "received_at").c_str());
  if (const std::string next = str(*v, "next"); !next.empty())
    std::fprintf(stderr, "mamori: more: --after %s\n", next.c_str());
  return 0;
}

int run_access_log(const ReportOptions& o) {
  int code = 0;
  auto v = call_hub(o.client, "GET", "/v1/reports/" + url_encode(o.id) + "/access-log", {}, code);
  if (!v) return code;
  if (o.json_output) return print_json(*v);
  std::printf("%-31s %-20s %-9s %-26s %-8s %s\n", "TIME", "READER", "ROLE", "PURPOSE", "DECISION", "REASON");
  for (const auto& r : v->get_object().at("reads").get_array())
    std::printf("%-31s %-20s %-9s %-26s %-8s %s\n", str(r, "time").c_str(),
                str(r, "reader_organisation").c_str(), str(r, "reader_role").c_str(),
                str(r, "purpose").empty() ? "(none)" : str(r, "purpose").c_str(), str(r, "decision").c_str(),
                str(r, "reason").c_str());
  return 0;
}

int run_overdue(const ReportOptions& o) {
  int code = 0;
  auto v = call_hub(o.client, "GET", fmt::format("/v1/reports/overdue?limit={}", o.limit), {}, code);
  if (!v) return code;
  if (o.json_output) return print_json(*v);
  std::printf("%-38s %-20s %-12s %-24s %s\n", "INCIDENT", "SECTOR", "REGIME", "STAGE", "DUE");
  for (const auto& i : v->get_object().at("items").get_array())
    for (const auto& d : i.get_object().at("overdue").get_array())
      std::printf("%-38s %-20s %-12s %-24s %s\n", str(i, "incident").c_str(),
                  str(i, "reporter_sector").c_str(), str(d, "regime").c_str(), str(d, "stage").c_str(),
                  str(d, "due").c_str());
  return 0;
}

void add_handling(CLI::App& cmd, ReportOptions& o) {
  cmd.add_option("--tlp", o.tlp, "TLP 2.0: CLEAR, GREEN, AMBER (default), AMBER+STRICT, RED");
  cmd.add_flag("--not-anonymous", o.not_anonymous,
               "Let every recipient see who reported (default: anonymous)");
  cmd.add_flag("--no-share-indicators", o.no_share_indicators,
               "Do not let indicators be passed on (early warning)");
  cmd.add_option("--permit-purpose", o.permitted_purposes, "Permit only these read purposes (repeatable)");
}

void add_common(CLI::App& cmd, ReportOptions& o) {
  cmd.add_option("--from-json", o.from_json,
                 "Start from this JSON submission (FILE or - for stdin); options override it");
  cmd.add_option("--ioc", o.iocs, "An indicator of compromise, free text (repeatable)");
  cmd.add_option("--idempotency-key", o.idempotency_key,
                 "Retry-safe key: repeating the command does not file twice");
  cmd.add_flag("--json", o.json_output, "Print the API's JSON answer");
}

}  // namespace

void register_report_commands(CommandSet& commands) {
  CLI::App& group =
      commands.group("report", "Incident reports through the hub API: file once, reach every recipient");
  auto o = std::make_shared<ReportOptions>();
  CLI::App& quick =
      commands.verb(group, "quick", "File a quick report (速報): at most eight fields, three required",
                    [o] { return run_quick(*o); });
  add_client_options(quick, o->client);
  quick.add_option("--type", o->type,
                   "Incident type: ransomware, ddos, unauthorised_access, data_leak, malware, "
                   "service_outage_unknown_cause, other");
  quick.add_option("--contact", o->contact, "Who to call back: desk, phone or mail address");
  quick.add_option("--aware-at", o->aware_at, "When you became aware, RFC 3339 (default: now)");
  quick.add_option("--asset", o->asset, "Affected asset (one line)");
  quick.add_option("--impact", o->impact, "Service impact: unknown, none, degraded, outage");
  quick.add_option("--malicious", o->malicious, "Suspected malicious: unknown, yes, no");
  quick.add_option("--cross-border", o->cross_border, "Cross-border: unknown, yes, no");
  add_handling(quick, *o);
  add_common(quick, *o);

  CLI::App& update = commands.verb(group, "update", "File a follow-up (続報) to an incident",
                                   [o] { return run_follow_up(*o, "follow_up"); });
  add_client_options(update, o->client);
  update.add_option("incident", o->id, "Incident id (the quick report's id)")->required();
  update.add_option("--sequence", o->sequence, "Sequence number (default: the next one)");
  update.add_option("--changes", o->changes, "What changed since the last report");
  update.add_option("--description", o->description, "What happened");
  update.add_option("--personal-data", o->personal_data, "Personal data involved: yes, no, unknown");
  update.add_option("--type", o->type, "Corrected incident type");
  update.add_option("--impact", o->impact, "Corrected service impact");
  add_handling(update, *o);
  add_common(update, *o);

  CLI::App& final_cmd =
      commands.verb(group, "final", "File the final report (確報); the incident then closes",
                    [o] { return run_follow_up(*o, "final"); });
  add_client_options(final_cmd, o->client);
  final_cmd.add_option("incident", o->id, "Incident id (the quick report's id)")->required();
  final_cmd.add_option("--sequence", o->sequence, "Sequence number (default: the next one)");
  final_cmd.add_option("--description", o->description, "What happened (required)");
  final_cmd.add_option("--root-cause", o->root_cause, "Root cause (required)");
  final_cmd.add_option("--remediation", o->remediation, "What was done about it (required)");
  final_cmd.add_option("--changes", o->changes, "What changed since the last report");
  final_cmd.add_option("--personal-data", o->personal_data, "Personal data involved: yes, no, unknown");
  add_handling(final_cmd, *o);
  add_common(final_cmd, *o);

  CLI::App& show = commands.verb(group, "show", "Print a report; others than the reporter declare --purpose",
                                 [o] { return run_show(*o); });
  add_client_options(show, o->client);
  show.add_option("id", o->id, "Report id")->required();
  show.add_option("--purpose", o->purpose,
                  "Why you read it: cybersecurity_analysis, incident_coordination, "
                  "early_warning, statistics, oversight (recorded in the ledger)");

  CLI::App& list = commands.verb(group, "list", "List reports (operators: their own organisation's)",
                                 [o] { return run_list(*o); });
  add_client_options(list, o->client);
  list.add_option("--incident", o->incident, "Only this incident");
  list.add_option("--limit", o->limit, "Page size 1..1000")->check(CLI::Range(1, 1000));
  list.add_option("--after", o->after, "Start after this report id (paging)");
  list.add_flag("--json", o->json_output, "Print the API's JSON");

  CLI::App& log = commands.verb(group, "access-log", "Who read your report, when and why (the reporter only)",
                                [o] { return run_access_log(*o); });
  add_client_options(log, o->client);
  log.add_option("id", o->id, "Report id")->required();
  log.add_flag("--json", o->json_output, "Print the API's JSON");

  CLI::App& receipts =
      commands.verb(group, "receipts", "Print a report's signed receipts", [o] { return run_receipts(*o); });
  add_client_options(receipts, o->client);
  receipts.add_option("id", o->id, "Report id")->required();
  receipts.add_flag("--json", o->json_output, "Print the API's JSON");

  CLI::App& deadlines =
      commands.verb(group, "deadlines", "The incident's reporting deadlines under every regime",
                    [o] { return run_deadlines(*o); });
  add_client_options(deadlines, o->client);
  deadlines.add_option("id", o->id, "Report id")->required();
  deadlines.add_option("--purpose", o->purpose, "Why you read it (others than the reporter)");
  deadlines.add_flag("--json", o->json_output, "Print the API's JSON");

  CLI::App& overdue =
      commands.verb(group, "overdue", "Incidents with a deadline past due (operators: their own)",
                    [o] { return run_overdue(*o); });
  add_client_options(overdue, o->client);
  overdue.add_option("--limit", o->limit, "At most this many incidents 1..1000")->check(CLI::Range(1, 1000));
  overdue.add_flag("--json", o->json_output, "Print the API's JSON");
}

}  // namespace mamori::cli

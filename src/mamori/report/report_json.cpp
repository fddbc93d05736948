#include "mamori/report/report_json.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "mamori/report/json_writer.hpp"
#include "mamori/report/report_json_detail.hpp"
#include "mamori/report/validate.hpp"

namespace mamori::report {

namespace json = boost::json;

std::string join_field_errors(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += e.field.empty() ? e.message : e.field + ": " + e.message;
  }
  return out;
}

namespace {

std::string kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "?";
}

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Reads the members of one JSON object, recording a problem per bad member
// under its path; finish() reports members nobody asked for.
class Fields {
 public:
  Fields(const json::object& object, std::string prefix, std::vector<FieldError>& problems)
      : object_(object), prefix_(std::move(prefix)), problems_(problems) {}

  std::string path(std::string_view key) const { return prefix_.empty() ? std::string(key) : prefix_ + std::string(key); }
  void problem(std::string_view key, std::string message) { problems_.push_back({path(key), std::move(message)}); }

  // The member, or nullptr when absent or null (a form's empty field).
  const json::value* get(std::string_view key) {
    used_.emplace_back(key);
    const json::value* v = object_.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }
  bool present(std::string_view key) const {
    const json::value* v = object_.if_contains(key);
    return v != nullptr && !v->is_null();
  }

  std::optional<std::string> string(std::string_view key, bool required = false) {
    const json::value* v = get(key);
    if (v == nullptr) {
      if (required) problem(key, "is required");
      return std::nullopt;
    }
    if (!v->is_string()) {
      problem(key, fmt::format("must be a string, not {}", kind_of(*v)));
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  std::optional<TimeNs> time(std::string_view key, bool required = false) {
    auto s = string(key, required);
    if (!s) return std::nullopt;
    auto t = parse_rfc3339(*s);
    if (!t) {
      problem(key, fmt::format("'{}' is not an RFC 3339 time such as 2025-04-01T09:30:00+09:00", s->substr(0, 64)));
      return std::nullopt;
    }
    return *t;
  }

  template <class E>
  std::optional<E> enumeration(std::string_view key, std::optional<E> (*parse)(std::string_view) noexcept,
                               std::span<const std::string_view> names, bool required = false) {
    auto s = string(key, required);
    if (!s) return std::nullopt;
    auto e = parse(*s);
    if (!e) problem(key, fmt::format("'{}' is not one of: {}", s->substr(0, 64), join_names(names)));
    return e;
  }

  std::optional<bool> boolean(std::string_view key) {
    const json::value* v = get(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) {
      problem(key, fmt::format("must be true or false, not {}", kind_of(*v)));
      return std::nullopt;
    }
    return v->get_bool();
  }

  std::optional<std::uint64_t> whole_number(std::string_view key, std::uint64_t max, bool required = false) {
    const json::value* v = get(key);
    if (v == nullptr) {
      if (required) problem(key, "is required");
      return std::nullopt;
    }
    std::uint64_t n;
    if (v->is_uint64()) {
      n = v->get_uint64();
    } else if (v->is_int64() && v->get_int64() >= 0) {
      n = static_cast<std::uint64_t>(v->get_int64());
    } else {
      problem(key, fmt::format("must be a whole number from 0 to {}", max));
      return std::nullopt;
    }
    if (n > max) {
      problem(key, fmt::format("{} is more than {}", n, max));
      return std::nullopt;
    }
    return n;
  }

  std::optional<double> number(std::string_view key) {
    const json::value* v = get(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_double()) return v->get_double();
    if (v->is_int64()) return static_cast<double>(v->get_int64());
    if (v->is_uint64()) return static_cast<double>(v->get_uint64());
    problem(key, fmt::format("must be a number, not {}", kind_of(*v)));
    return std::nullopt;
  }

  // A decimal amount given as a string or a number; kept as text so money
  // never passes through a binary fraction.
  std::optional<std::string> decimal(std::string_view key) {
    const json::value* v = get(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_int64() || v->is_uint64()) return json::serialize(*v);
    if (v->is_double()) {
      problem(key, "give a fractional amount as a string (e.g. \"1.25\") so it is kept exactly");
      return std::nullopt;
    }
    problem(key, fmt::format("must be a decimal amount, not {}", kind_of(*v)));
    return std::nullopt;
  }

  const json::array* array(std::string_view key, std::size_t max_items) {
    const json::value* v = get(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      problem(key, fmt::format("must be an array, not {}", kind_of(*v)));
      return nullptr;
    }
    if (v->get_array().size() > max_items) {
      problem(key, fmt::format("has {} items; at most {} are accepted", v->get_array().size(), max_items));
      return nullptr;
    }
    return &v->get_array();
  }

  std::vector<std::string> strings(std::string_view key, std::size_t max_items) {
    std::vector<std::string> out;
    const json::array* a = array(key, max_items);
    if (a == nullptr) return out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const json::value& item = (*a)[i];
      if (!item.is_string()) {
        problems_.push_back({fmt::format("{}[{}]", path(key), i), fmt::format("must be a string, not {}", kind_of(item))});
        continue;
      }
      out.emplace_back(item.get_string());
    }
    return out;
  }

  template <class E>
  std::vector<E> enumerations(std::string_view key, std::optional<E> (*parse)(std::string_view) noexcept,
                              std::span<const std::string_view> names, std::size_t max_items) {
    std::vector<E> out;
    const json::array* a = array(key, max_items);
    if (a == nullptr) return out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const json::value& item = (*a)[i];
      const std::string where = fmt::format("{}[{}]", path(key), i);
      if (!item.is_string()) {
        problems_.push_back({where, fmt::format("must be a string, not {}", kind_of(item))});
        continue;
      }
      auto e = parse(std::string_view(item.get_string()));
      if (!e) {
        problems_.push_back(
            {where, fmt::format("'{}' is not one of: {}", std::string_view(item.get_string()).substr(0, 64), join_names(names))});
        continue;
      }
      out.push_back(*e);
    }
    return out;
  }

  const json::object* object(std::string_view key) {
    const json::value* v = get(key);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      problem(key, fmt::format("must be an object, not {}", kind_of(*v)));
      return nullptr;
    }
    return &v->get_object();
  }

  // A member that must not be given, with the reason.
  void forbid(std::string_view key, std::string_view why) {
    used_.emplace_back(key);
    if (object_.contains(key)) problem(key, std::string(why));
  }

  void finish() {
    for (const auto& kv : object_) {
      const std::string_view k = kv.key();
      if (std::find(used_.begin(), used_.end(), k) == used_.end())
        problem(k.substr(0, 64), "unknown field (see docs/reporting.md for the schema)");
    }
  }

 private:
  const json::object& object_;
  std::string prefix_;
  std::vector<FieldError>& problems_;
  std::vector<std::string> used_;
};

enum class Mode { submission, document };

Handling read_handling(Fields& top, std::vector<FieldError>& problems) {
  Handling h;
  const json::object* o = top.object("handling");
  if (o == nullptr) return h;
  Fields f(*o, "handling.", problems);
  if (auto s = f.string("tlp")) {
    if (auto t = parse_tlp(*s)) h.tlp = *t;
    else f.problem("tlp", fmt::format("'{}' is not a TLP 2.0 label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)", s->substr(0, 32)));
  }
  if (auto b = f.boolean("anonymous_to_recipients")) h.anonymous_to_recipients = *b;
  h.permitted_purposes = f.strings("permitted_purposes", 64);
  if (auto b = f.boolean("share_indicators")) h.share_indicators = *b;
  f.finish();
  return h;
}

Timeline read_timeline(Fields& top, std::vector<FieldError>& problems) {
  Timeline t;
  const json::object* o = top.object("timeline");
  if (o == nullptr) return t;
  Fields f(*o, "timeline.", problems);
  t.started_at = f.time("started_at");
  t.detected_at = f.time("detected_at");
  t.contained_at = f.time("contained_at");
  t.recovered_at = f.time("recovered_at");
  f.finish();
  return t;
}

std::optional<RansomwareDetails> read_ransomware(Fields& top, std::vector<FieldError>& problems) {
  const json::object* o = top.object("ransomware");
  if (o == nullptr) return std::nullopt;
  Fields f(*o, "ransomware.", problems);
  RansomwareDetails r;
  r.family = f.string("family").value_or("");
  r.ransom_note = f.string("ransom_note").value_or("");
  r.encrypted_extension = f.string("encrypted_extension").value_or("");
  r.ransom_amount = f.decimal("ransom_amount").value_or("");
  r.ransom_currency = f.string("ransom_currency").value_or("");
  r.wallet_addresses = f.strings("wallet_addresses", kMaxWallets);
  r.ransom_paid = f.enumeration("ransom_paid", &parse_answer, answer_names()).value_or(Answer::unknown);
  r.ransom_paid_at = f.time("ransom_paid_at");
  r.intrusion_vector =
      f.enumeration("intrusion_vector", &parse_intrusion_vector, intrusion_vector_names()).value_or(IntrusionVector::unknown);
  r.affected_systems = f.strings("affected_systems", kMaxListItems);
  r.backups = f.enumeration("backups", &parse_backup_status, backup_status_names()).value_or(BackupStatus::unknown);
  r.data_exfiltrated = f.enumeration("data_exfiltrated", &parse_answer, answer_names()).value_or(Answer::unknown);
  r.iocs = f.strings("iocs", kMaxListItems);
  f.finish();
  return r;
}

std::optional<DdosDetails> read_ddos(Fields& top, std::vector<FieldError>& problems) {
  const json::object* o = top.object("ddos");
  if (o == nullptr) return std::nullopt;
  Fields f(*o, "ddos.", problems);
  DdosDetails d;
  d.peak_gbps = f.number("peak_gbps");
  d.peak_pps = f.whole_number("peak_pps", 10'000'000'000'000ULL);
  d.duration_seconds = f.whole_number("duration_seconds", 10ULL * 366 * 86400);
  d.started_at = f.time("started_at");
  d.ended_at = f.time("ended_at");
  d.vectors = f.enumerations("vectors", &parse_ddos_vector, ddos_vector_names(), 64);
  d.techniques = f.strings("techniques", 16);
  d.targets = f.strings("targets", kMaxListItems);
  d.mitigation = f.enumerations("mitigation", &parse_ddos_mitigation, ddos_mitigation_names(), 16);
  d.mitigation_notes = f.string("mitigation_notes").value_or("");
  d.iocs = f.strings("iocs", kMaxListItems);
  f.finish();
  return d;
}

void read_quick(Fields& f, QuickReport& q) {
  q.affected_asset = f.string("affected_asset").value_or("");
  q.aware_at = f.time("aware_at", true).value_or(0);
  q.incident_type = f.enumeration("incident_type", &parse_incident_type, incident_type_names(), true)
                        .value_or(IncidentType::other);
  q.service_impact =
      f.enumeration("service_impact", &parse_service_impact, service_impact_names()).value_or(ServiceImpact::unknown);
  q.suspected_malicious = f.enumeration("suspected_malicious", &parse_answer, answer_names()).value_or(Answer::unknown);
  q.cross_border = f.enumeration("cross_border", &parse_answer, answer_names()).value_or(Answer::unknown);
  q.contact = f.string("contact", true).value_or("");
}

void read_follow_up(Fields& f, FollowUpReport& u, Mode mode, std::vector<FieldError>& problems) {
  u.incident = f.string("incident", true).value_or("");
  u.sequence = static_cast<std::uint32_t>(f.whole_number("sequence", 0xffffffffu, true).value_or(0));
  f.forbid("aware_at", "cannot be changed after the quick report: deadlines run from it");
  Amendments& a = u.amendments;
  a.affected_asset = f.string("affected_asset");
  a.incident_type = f.enumeration("incident_type", &parse_incident_type, incident_type_names());
  a.service_impact = f.enumeration("service_impact", &parse_service_impact, service_impact_names());
  a.suspected_malicious = f.enumeration("suspected_malicious", &parse_answer, answer_names());
  a.cross_border = f.enumeration("cross_border", &parse_answer, answer_names());
  a.contact = f.string("contact");
  u.changes = f.string("changes").value_or("");
  if (mode == Mode::document) {
    u.changed_fields = f.strings("changed_fields", 16);
  } else {
    f.forbid("changed_fields", "is computed by the hub; describe changes in 'changes'");
  }
  u.description = f.string("description").value_or("");
  u.timeline = read_timeline(f, problems);
  u.personal_data_involved =
      f.enumeration("personal_data_involved", &parse_answer, answer_names()).value_or(Answer::unknown);
  u.records_affected = f.whole_number("records_affected", 100'000'000'000ULL);
  u.attack_techniques = f.strings("attack_techniques", 100);
  u.iocs = f.strings("iocs", kMaxListItems);
  u.ransomware = read_ransomware(f, problems);
  u.ddos = read_ddos(f, problems);
  u.root_cause = f.string("root_cause").value_or("");
  u.remediation = f.string("remediation").value_or("");
}

Result<Report> parse_any(std::string_view text, Mode mode, const SubmissionContext* context,
                         std::vector<FieldError>& problems) {
  if (text.size() > kMaxReportDocumentSize)
    return fail(Errc::invalid_argument, "report: larger than {} bytes", kMaxReportDocumentSize);
  json::parse_options options;
  options.max_depth = 16;
  json::monotonic_resource arena;
  boost::system::error_code ec;
  json::value root = json::parse(json::string_view(text.data(), text.size()), ec, &arena, options);
  if (ec) return fail(Errc::parse_error, "report: not valid JSON: {}", ec.message());
  if (!root.is_object()) return fail(Errc::parse_error, "report: must be a JSON object, not {}", kind_of(root));
  Fields f(root.get_object(), "", problems);
  Report r;
  if (auto s = f.string("schema", mode == Mode::document); s && *s != kReportSchema)
    f.problem("schema", fmt::format("'{}' is not {}", s->substr(0, 64), kReportSchema));
  r.stage = f.enumeration("stage", &parse_stage, stage_names(), mode == Mode::document).value_or(Stage::quick);
  if (mode == Mode::document) {
    r.id = f.string("id", true).value_or("");
    r.organisation = f.string("organisation", true).value_or("");
    r.received_at = f.time("received_at", true).value_or(0);
  } else {
    f.forbid("id", "is assigned by the hub");
    f.forbid("received_at", "is set by the hub");
    r.id = context->id;
    r.received_at = context->received_at;
    r.organisation = context->organisation;
    if (auto org = f.string("organisation"); org && *org != context->organisation)
      f.problem("organisation", "does not match the organisation of the credentials used to submit");
  }
  const bool has_handling = f.present("handling");
  r.handling = read_handling(f, problems);
  if (mode == Mode::submission && !has_handling && context->inherited_handling != nullptr && r.stage != Stage::quick)
    r.handling = *context->inherited_handling;
  if (r.stage == Stage::quick) {
    read_quick(f, r.quick);
  } else {
    read_follow_up(f, r.follow_up, mode, problems);
  }
  f.finish();
  if (!problems.empty()) {
    return fail(Errc::invalid_argument, "report: {}", join_field_errors(problems));
  }
  check_report(r, problems);
  if (!problems.empty()) return fail(Errc::invalid_argument, "report: {}", join_field_errors(problems));
  return r;
}

void write_handling(JsonWriter& w, const Handling& h) {
  w.key("handling").begin_object();
  w.key("tlp").string(tlp_name(h.tlp));
  w.key("anonymous_to_recipients").boolean(h.anonymous_to_recipients);
  if (!h.permitted_purposes.empty()) {
    w.key("permitted_purposes").begin_array();
    for (const auto& p : h.permitted_purposes) w.string(p);
    w.end_array();
  }
  w.key("share_indicators").boolean(h.share_indicators);
  w.end_object();
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  w.key(key).begin_array();
  for (const auto& s : items) w.string(s);
  w.end_array();
}

template <class E>
void write_enums(JsonWriter& w, std::string_view key, const std::vector<E>& items, std::string_view (*name)(E) noexcept) {
  if (items.empty()) return;
  w.key(key).begin_array();
  for (auto e : items) w.string(name(e));
  w.end_array();
}

void write_text(JsonWriter& w, std::string_view key, const std::string& s) {
  if (!s.empty()) w.key(key).string(s);
}

void write_time(JsonWriter& w, std::string_view key, const std::optional<TimeNs>& t) {
  if (t) w.key(key).time(*t);
}

void write_ransomware(JsonWriter& w, const RansomwareDetails& r) {
  w.key("ransomware").begin_object();
  write_text(w, "family", r.family);
  write_text(w, "ransom_note", r.ransom_note);
  write_text(w, "encrypted_extension", r.encrypted_extension);
  write_text(w, "ransom_amount", r.ransom_amount);
  write_text(w, "ransom_currency", r.ransom_currency);
  write_strings(w, "wallet_addresses", r.wallet_addresses);
  w.key("ransom_paid").string(answer_name(r.ransom_paid));
  write_time(w, "ransom_paid_at", r.ransom_paid_at);
  w.key("intrusion_vector").string(intrusion_vector_name(r.intrusion_vector));
  write_strings(w, "affected_systems", r.affected_systems);
  w.key("backups").string(backup_status_name(r.backups));
  w.key("data_exfiltrated").string(answer_name(r.data_exfiltrated));
  write_strings(w, "iocs", r.iocs);
  w.end_object();
}

void write_ddos(JsonWriter& w, const DdosDetails& d) {
  w.key("ddos").begin_object();
  if (d.peak_gbps) w.key("peak_gbps").number(*d.peak_gbps);
  if (d.peak_pps) w.key("peak_pps").number(*d.peak_pps);
  if (d.duration_seconds) w.key("duration_seconds").number(*d.duration_seconds);
  write_time(w, "started_at", d.started_at);
  write_time(w, "ended_at", d.ended_at);
  write_enums(w, "vectors", d.vectors, &ddos_vector_name);
  write_strings(w, "techniques", d.techniques);
  write_strings(w, "targets", d.targets);
  write_enums(w, "mitigation", d.mitigation, &ddos_mitigation_name);
  write_text(w, "mitigation_notes", d.mitigation_notes);
  write_strings(w, "iocs", d.iocs);
  w.end_object();
}

}  // namespace

namespace detail {

std::string write_report(const Report& r, const ReporterBlock* reporter) {
  JsonWriter w;
  w.begin_object();
  w.key("schema").string(kReportSchema);
  w.key("id").string(r.id);
  w.key("stage").string(stage_name(r.stage));
  if (reporter == nullptr) {
    w.key("organisation").string(r.organisation);
  } else {
    w.key("reporter").begin_object();
    w.key("anonymous").boolean(!reporter->reveal_identity);
    if (reporter->reveal_identity) w.key("organisation").string(r.organisation);
    if (!reporter->sector.empty()) w.key("sector").string(reporter->sector);
    w.end_object();
  }
  const bool with_contact = reporter == nullptr || reporter->reveal_identity;
  w.key("received_at").time(r.received_at);
  write_handling(w, r.handling);
  if (r.stage == Stage::quick) {
    const QuickReport& q = r.quick;
    write_text(w, "affected_asset", q.affected_asset);
    w.key("aware_at").time(q.aware_at);
    w.key("incident_type").string(incident_type_name(q.incident_type));
    w.key("service_impact").string(service_impact_name(q.service_impact));
    w.key("suspected_malicious").string(answer_name(q.suspected_malicious));
    w.key("cross_border").string(answer_name(q.cross_border));
    if (with_contact) w.key("contact").string(q.contact);
  } else {
    const FollowUpReport& u = r.follow_up;
    w.key("incident").string(u.incident);
    w.key("sequence").number(std::uint64_t{u.sequence});
    const Amendments& a = u.amendments;
    if (a.affected_asset) w.key("affected_asset").string(*a.affected_asset);
    if (a.incident_type) w.key("incident_type").string(incident_type_name(*a.incident_type));
    if (a.service_impact) w.key("service_impact").string(service_impact_name(*a.service_impact));
    if (a.suspected_malicious) w.key("suspected_malicious").string(answer_name(*a.suspected_malicious));
    if (a.cross_border) w.key("cross_border").string(answer_name(*a.cross_border));
    if (a.contact && with_contact) w.key("contact").string(*a.contact);
    write_text(w, "changes", u.changes);
    write_strings(w, "changed_fields", u.changed_fields);
    write_text(w, "description", u.description);
    const Timeline& t = u.timeline;
    if (t.started_at || t.detected_at || t.contained_at || t.recovered_at) {
      w.key("timeline").begin_object();
      write_time(w, "started_at", t.started_at);
      write_time(w, "detected_at", t.detected_at);
      write_time(w, "contained_at", t.contained_at);
      write_time(w, "recovered_at", t.recovered_at);
      w.end_object();
    }
    w.key("personal_data_involved").string(answer_name(u.personal_data_involved));
    if (u.records_affected) w.key("records_affected").number(*u.records_affected);
    write_strings(w, "attack_techniques", u.attack_techniques);
    write_strings(w, "iocs", u.iocs);
    if (u.ransomware) write_ransomware(w, *u.ransomware);
    if (u.ddos) write_ddos(w, *u.ddos);
    write_text(w, "root_cause", u.root_cause);
    write_text(w, "remediation", u.remediation);
  }
  w.end_object();
  return w.take();
}

}  // namespace detail

Result<Report> parse_submission(std::string_view json_text, const SubmissionContext& context,
                                std::vector<FieldError>& problems) {
  return parse_any(json_text, Mode::submission, &context, problems);
}

Result<Report> parse_submission(std::string_view json_text, const SubmissionContext& context) {
  std::vector<FieldError> problems;
  return parse_any(json_text, Mode::submission, &context, problems);
}

Result<Report> parse_report_document(std::string_view json_text) {
  std::vector<FieldError> problems;
  return parse_any(json_text, Mode::document, nullptr, problems);
}

std::string serialize_report(const Report& report) { return detail::write_report(report, nullptr); }

}  // namespace mamori::report

#include "mamori/select/selection_policy.hpp"

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/sha256.hpp"

namespace mamori::select {

std::string_view flow_direction_name(FlowDirection d) noexcept {
  switch (d) {
    case FlowDirection::foreign_to_domestic: return "foreign_to_domestic";
    case FlowDirection::domestic_to_foreign: return "domestic_to_foreign";
    case FlowDirection::foreign_to_foreign: return "foreign_to_foreign";
  }
  return "?";
}

bool is_mechanical_field(flow::FlowField f) noexcept {
  using flow::FlowField;
  switch (f) {
    case FlowField::start_ns:
    case FlowField::end_ns:
    case FlowField::src_addr:
    case FlowField::dst_addr:
    case FlowField::src_port:
    case FlowField::dst_port:
    case FlowField::proto:
    case FlowField::packets:
    case FlowField::bytes:
    case FlowField::tcp_flags:
    case FlowField::tos:
    case FlowField::sampling_rate:
    case FlowField::raw_packets:
    case FlowField::raw_bytes:
    case FlowField::direction:
    case FlowField::locality:
      return true;
    // Exporter identity and interface numbers describe the carrier's network, not the flow.
    case FlowField::input_if:
    case FlowField::output_if:
    case FlowField::exporter:
    case FlowField::observation_domain:
    case FlowField::source:
      return false;
  }
  return false;
}

bool SelectionPolicy::keeps_field(flow::FlowField f) const noexcept {
  for (auto k : fields)
    if (k == f) return true;
  return false;
}

std::string sha256_hex(std::string_view bytes) { return crypto::hex_encode(crypto::sha256(bytes)); }

namespace {

Result<TimeNs> time_value(const toml::table& t, std::string_view key) {
  const auto* node = t.get(key);
  if (node == nullptr) return fail(Errc::invalid_argument, "policy: '{}' is required", key);
  if (const auto* s = node->as_string()) {
    auto v = parse_rfc3339(s->get());
    if (!v) return fail(Errc::invalid_argument, "policy: '{}': {}", key, v.error().message);
    return *v;
  }
  if (const auto* dt = node->as_date_time()) {
    std::ostringstream ss;
    ss << *dt;
    auto v = parse_rfc3339(ss.str());
    if (!v) return fail(Errc::invalid_argument, "policy: '{}': {}", key, v.error().message);
    return *v;
  }
  return fail(Errc::invalid_argument, "policy: '{}' must be an RFC 3339 time", key);
}

Result<TimeNs> duration_value(const toml::table& t, std::string_view key, std::optional<TimeNs> fallback) {
  const auto* node = t.get(key);
  if (node == nullptr) {
    if (fallback) return *fallback;
    return fail(Errc::invalid_argument, "policy: '{}' is required", key);
  }
  const auto* s = node->as_string();
  if (s == nullptr) return fail(Errc::invalid_argument, "policy: '{}' must be a duration such as \"730d\"", key);
  auto v = parse_duration(s->get());
  if (!v) return fail(Errc::invalid_argument, "policy: '{}': {}", key, v.error().message);
  return *v;
}

Result<std::vector<std::string>> string_list(const toml::table& t, std::string_view key, bool required) {
  std::vector<std::string> out;
  const auto* node = t.get(key);
  if (node == nullptr) {
    if (required) return fail(Errc::invalid_argument, "policy: '{}' is required", key);
    return out;
  }
  const auto* arr = node->as_array();
  if (arr == nullptr) return fail(Errc::invalid_argument, "policy: '{}' must be a list of strings", key);
  for (const auto& item : *arr) {
    const auto* s = item.as_string();
    if (s == nullptr) return fail(Errc::invalid_argument, "policy: '{}' must be a list of strings", key);
    out.push_back(s->get());
  }
  return out;
}

constexpr std::string_view kKnownKeys[] = {
    "id",          "version",          "home_countries", "directions",     "fields",        "pseudonymisation_key_id",
    "time_granularity", "valid_from",  "valid_until",    "retention",      "legal_basis",   "domestic_prefixes",
    "country_database"};

}  // namespace

Result<SelectionPolicy> parse_selection_policy(std::string_view document) {
  toml::table root;
  try {
    root = toml::parse(document);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse_error, "policy: line {}, column {}: {}", e.source().begin.line, e.source().begin.column,
                e.description());
  }
  const toml::table* t = root["selection_policy"].as_table();
  if (t == nullptr) return fail(Errc::invalid_argument, "policy: missing the [selection_policy] table");
  for (const auto& [key, value] : *t) {
    bool known = false;
    for (auto k : kKnownKeys) known = known || key.str() == k;
    // Unknown keys are refused rather than ignored: a typo must not silently widen a policy.
    if (!known) return fail(Errc::invalid_argument, "policy: unknown key '{}'", key.str());
  }
  SelectionPolicy p;
  p.document_hash = sha256_hex(document);
  if (auto id = (*t)["id"].value<std::string>(); id && !id->empty()) p.id = *id;
  else return fail(Errc::invalid_argument, "policy: 'id' is required");
  if (auto v = (*t)["version"].value<std::int64_t>(); v && *v >= 1 && *v <= 0xffffffff) {
    p.version = static_cast<std::uint32_t>(*v);
  } else {
    return fail(Errc::invalid_argument, "policy: 'version' must be a positive integer");
  }

  auto homes = string_list(*t, "home_countries", false);
  if (!homes) return tl::unexpected(homes.error());
  if (homes->empty()) homes->push_back("JP");
  for (const auto& h : *homes) {
    auto cc = parse_country(h);
    if (!cc) return fail(Errc::invalid_argument, "policy: home_countries: {}", cc.error().message);
    p.home_countries.push_back(*cc);
  }

  auto directions = string_list(*t, "directions", true);
  if (!directions) return tl::unexpected(directions.error());
  for (const auto& d : *directions) {
    if (d == "foreign_to_domestic") p.keep_foreign_to_domestic = true;
    else if (d == "domestic_to_foreign") p.keep_domestic_to_foreign = true;
    else if (d == "foreign_to_foreign") p.keep_foreign_to_foreign = true;
    else if (d == "domestic_to_domestic") {
      return fail(Errc::invalid_argument,
                  "policy: directions: domestic_to_domestic cannot be enabled (domestic flows are always dropped)");
    } else {
      return fail(Errc::invalid_argument,
                  "policy: directions: unknown direction '{}' (foreign_to_domestic, domestic_to_foreign, "
                  "foreign_to_foreign)",
                  d);
    }
  }
  if (!p.keep_foreign_to_domestic && !p.keep_domestic_to_foreign && !p.keep_foreign_to_foreign) {
    return fail(Errc::invalid_argument, "policy: directions: keeps nothing");
  }

  auto fields = string_list(*t, "fields", true);
  if (!fields) return tl::unexpected(fields.error());
  for (const auto& name : *fields) {
    auto f = flow::parse_flow_field(name);
    if (!f) return fail(Errc::invalid_argument, "policy: fields: {}", f.error().message);
    if (!is_mechanical_field(*f)) {
      return fail(Errc::invalid_argument, "policy: fields: '{}' is not a mechanical field of the flow", name);
    }
    p.fields.push_back(*f);
  }
  if (p.fields.empty()) return fail(Errc::invalid_argument, "policy: fields: keeps nothing");

  if (auto k = (*t)["pseudonymisation_key_id"].value<std::string>(); k && !k->empty()) {
    p.pseudonymisation_key_id = *k;
  } else {
    return fail(Errc::invalid_argument, "policy: 'pseudonymisation_key_id' is required");
  }
  auto granularity = duration_value(*t, "time_granularity", kNsPerSecond);
  if (!granularity) return tl::unexpected(granularity.error());
  if (*granularity == 0) return fail(Errc::invalid_argument, "policy: time_granularity must be positive");
  p.time_granularity = *granularity;

  auto from = time_value(*t, "valid_from");
  if (!from) return tl::unexpected(from.error());
  auto until = time_value(*t, "valid_until");
  if (!until) return tl::unexpected(until.error());
  if (*until <= *from) return fail(Errc::invalid_argument, "policy: valid_until must be after valid_from");
  p.valid_from = *from;
  p.valid_until = *until;

  auto retention = duration_value(*t, "retention", std::nullopt);
  if (!retention) return tl::unexpected(retention.error());
  if (*retention == 0 || *retention > kMaxFlowRetention) {
    return fail(Errc::invalid_argument, "policy: retention must be positive and at most 2 years (730d)");
  }
  p.retention = *retention;

  if (auto basis = (*t)["legal_basis"].value<std::string>(); basis && !basis->empty()) p.legal_basis = *basis;
  else return fail(Errc::invalid_argument, "policy: 'legal_basis' is required");

  auto prefixes = string_list(*t, "domestic_prefixes", false);
  if (!prefixes) return tl::unexpected(prefixes.error());
  for (const auto& text : *prefixes) {
    auto prefix = Prefix::parse(text);
    if (!prefix) return fail(Errc::invalid_argument, "policy: domestic_prefixes: {}", prefix.error().message);
    p.domestic_prefixes.push_back(*prefix);
  }
  if (auto db = (*t)["country_database"].value<std::string>()) p.country_database = *db;
  return p;
}

Result<SelectionPolicy> load_selection_policy(const std::string& path, std::string* document_out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io_error, "{}: cannot read policy", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string document = ss.str();
  auto policy = parse_selection_policy(document);
  if (!policy) return fail(policy.error().code, "{}: {}", path, policy.error().message);
  if (document_out != nullptr) *document_out = std::move(document);
  return policy;
}

}  // namespace mamori::select

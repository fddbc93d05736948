#include "mamori/report/reporting_config.hpp"

#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include <fmt/format.h>

#include "mamori/report/reporting_defaults.hpp"

namespace mamori::report {

namespace {

// Reads one TOML table; every accessor names the key by its full path, and
// finish() refuses keys nobody read.
class Table {
 public:
  Table(const toml::table& table, std::string path) : table_(table), path_(std::move(path)) {}

  std::string where(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }

  template <class... Args>
  tl::unexpected<Error> error(std::string_view key, fmt::format_string<Args...> f, Args&&... args) const {
    return fail(Errc::invalid_argument, "reporting config: {}: {}", where(key), fmt::format(f, std::forward<Args>(args)...));
  }

  Result<std::string> string(std::string_view key, bool required) {
    seen_.emplace_back(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) {
      if (required) return error(key, "is required");
      return std::string();
    }
    const auto* s = n->as_string();
    if (s == nullptr) return error(key, "must be a string");
    return s->get();
  }

  Result<bool> boolean(std::string_view key, bool fallback) {
    seen_.emplace_back(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) return fallback;
    const auto* b = n->as_boolean();
    if (b == nullptr) return error(key, "must be true or false");
    return b->get();
  }

  Result<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) {
    seen_.emplace_back(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) return error(key, "is required");
    const auto* i = n->as_integer();
    if (i == nullptr || i->get() < min || i->get() > max) return error(key, "must be an integer from {} to {}", min, max);
    return i->get();
  }

  Result<std::vector<std::string>> strings(std::string_view key) {
    seen_.emplace_back(key);
    std::vector<std::string> out;
    const toml::node* n = table_.get(key);
    if (n == nullptr) return out;
    const auto* a = n->as_array();
    if (a == nullptr) return error(key, "must be a list of strings");
    for (const auto& item : *a) {
      const auto* s = item.as_string();
      if (s == nullptr) return error(key, "must be a list of strings");
      out.push_back(s->get());
    }
    return out;
  }

  template <class E>
  Result<std::vector<E>> enums(std::string_view key, std::optional<E> (*parse)(std::string_view) noexcept,
                               std::span<const std::string_view> names) {
    auto items = strings(key);
    if (!items) return tl::unexpected(items.error());
    std::vector<E> out;
    for (const auto& s : *items) {
      auto e = parse(s);
      if (!e) return error(key, "'{}' is not one of: {}", s, fmt::join(names, ", "));
      out.push_back(*e);
    }
    return out;
  }

  const toml::table* table(std::string_view key) {
    seen_.emplace_back(key);
    const toml::node* n = table_.get(key);
    return n == nullptr ? nullptr : n->as_table();
  }
  bool is_table_or_absent(std::string_view key) const {
    const toml::node* n = table_.get(key);
    return n == nullptr || n->is_table();
  }

  // An array of tables ([[key]]), or an error if `key` is something else.
  Result<const toml::array*> tables(std::string_view key) {
    seen_.emplace_back(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) return static_cast<const toml::array*>(nullptr);
    const auto* a = n->as_array();
    if (a == nullptr || !a->is_array_of_tables()) return error(key, "must be an array of tables ([[{}]])", where(key));
    return a;
  }

  Status finish() const {
    for (const auto& [k, v] : table_) {
      const std::string_view key = k.str();
      if (std::find(seen_.begin(), seen_.end(), key) == seen_.end()) return error(key, "unknown key");
    }
    return {};
  }

  const std::string& path() const { return path_; }

 private:
  const toml::table& table_;
  std::string path_;
  std::vector<std::string> seen_;
};

Result<IncidentCondition> read_condition(Table& parent, std::string_view key) {
  IncidentCondition c;
  if (!parent.is_table_or_absent(key)) return parent.error(key, "must be a table");
  const toml::table* t = parent.table(key);
  if (t == nullptr) return c;
  Table w(*t, parent.where(key));
  auto types = w.enums("incident_types", &parse_incident_type, incident_type_names());
  if (!types) return tl::unexpected(types.error());
  c.incident_types = *types;
  auto impact = w.enums("service_impact", &parse_service_impact, service_impact_names());
  if (!impact) return tl::unexpected(impact.error());
  c.service_impact = *impact;
  auto mal = w.enums("suspected_malicious", &parse_answer, answer_names());
  if (!mal) return tl::unexpected(mal.error());
  c.suspected_malicious = *mal;
  auto cross = w.enums("cross_border", &parse_answer, answer_names());
  if (!cross) return tl::unexpected(cross.error());
  c.cross_border = *cross;
  auto personal = w.enums("personal_data", &parse_answer, answer_names());
  if (!personal) return tl::unexpected(personal.error());
  c.personal_data = *personal;
  auto paid = w.enums("ransom_paid", &parse_answer, answer_names());
  if (!paid) return tl::unexpected(paid.error());
  c.ransom_paid = *paid;
  auto sectors = w.strings("sectors");
  if (!sectors) return tl::unexpected(sectors.error());
  c.sectors = *sectors;
  auto juris = w.strings("jurisdictions");
  if (!juris) return tl::unexpected(juris.error());
  c.jurisdictions = *juris;
  auto essential = w.boolean("essential_infrastructure_only", false);
  if (!essential) return tl::unexpected(essential.error());
  c.essential_infrastructure_only = *essential;
  if (auto ok = w.finish(); !ok) return tl::unexpected(ok.error());
  return c;
}

Status read_recipients(Table& root, FanoutRules& rules) {
  auto list = root.tables("recipient");
  if (!list) return tl::unexpected(list.error());
  if (*list == nullptr) return fail(Errc::invalid_argument, "reporting config: at least one [[recipient]] is required");
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    Table t(*(**list)[i].as_table(), fmt::format("recipient[{}]", i));
    Recipient r;
    auto id = t.string("id", true);
    if (!id) return tl::unexpected(id.error());
    r.id = *id;
    auto name = t.string("name", true);
    if (!name) return tl::unexpected(name.error());
    r.name = *name;
    auto kind = t.string("kind", true);
    if (!kind) return tl::unexpected(kind.error());
    auto k = parse_recipient_kind(*kind);
    if (!k) return t.error("kind", "'{}' is not one of national_agency, ministry, police, regulator, csirt, other", *kind);
    r.kind = *k;
    auto sees = t.boolean("sees_reporter_identity", false);
    if (!sees) return tl::unexpected(sees.error());
    r.sees_reporter_identity = *sees;
    if (auto ok = t.finish(); !ok) return ok;
    rules.recipients.push_back(std::move(r));
  }
  return {};
}

Status read_fanout(Table& root, FanoutRules& rules) {
  if (!root.is_table_or_absent("fanout")) return root.error("fanout", "must be a table");
  const toml::table* f = root.table("fanout");
  if (f == nullptr) return fail(Errc::invalid_argument, "reporting config: the [fanout] table is required");
  Table t(*f, "fanout");
  auto agency = t.string("national_agency", true);
  if (!agency) return tl::unexpected(agency.error());
  rules.national_agency = *agency;
  if (!t.is_table_or_absent("sector_ministry")) return t.error("sector_ministry", "must be a table");
  if (const toml::table* sm = t.table("sector_ministry")) {
    for (const auto& [k, v] : *sm) {
      const auto* s = v.as_string();
      if (s == nullptr) return t.error("sector_ministry", "'{}' must name a recipient id", k.str());
      rules.sector_ministry.emplace(std::string(k.str()), s->get());
    }
  }
  auto list = t.tables("rule");
  if (!list) return tl::unexpected(list.error());
  if (*list != nullptr) {
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      Table r(*(**list)[i].as_table(), fmt::format("fanout.rule[{}]", i));
      FanoutRule rule;
      auto name = r.string("name", true);
      if (!name) return tl::unexpected(name.error());
      rule.name = *name;
      auto recipient = r.string("recipient", true);
      if (!recipient) return tl::unexpected(recipient.error());
      rule.recipient = *recipient;
      auto reason = r.string("reason", false);
      if (!reason) return tl::unexpected(reason.error());
      rule.reason = *reason;
      auto when = read_condition(r, "when");
      if (!when) return tl::unexpected(when.error());
      rule.when = std::move(*when);
      if (auto ok = r.finish(); !ok) return ok;
      rules.rules.push_back(std::move(rule));
    }
  }
  if (auto ok = t.finish(); !ok) return ok;
  return rules.check();
}

Result<DeadlineStage> read_stage(Table& s) {
  DeadlineStage stage;
  auto id = s.string("id", true);
  if (!id) return tl::unexpected(id.error());
  stage.id = *id;
  auto name = s.string("name", true);
  if (!name) return tl::unexpected(name.error());
  stage.name = *name;
  auto met_by = s.string("met_by", true);
  if (!met_by) return tl::unexpected(met_by.error());
  auto st = parse_stage(*met_by);
  if (!st) return s.error("met_by", "'{}' is not one of quick, follow_up, final", *met_by);
  stage.met_by = *st;
  auto within = s.string("within", true);
  if (!within) return tl::unexpected(within.error());
  auto period = parse_period(*within);
  if (!period) return s.error("within", "{}", period.error().message);
  stage.within = *period;
  auto anchor = s.string("anchor", false);
  if (!anchor) return tl::unexpected(anchor.error());
  if (anchor->empty() || *anchor == "awareness") stage.anchor = DeadlineAnchor::awareness;
  else if (*anchor == "ransom_payment") stage.anchor = DeadlineAnchor::ransom_payment;
  else if (*anchor == "stage") stage.anchor = DeadlineAnchor::stage;
  else return s.error("anchor", "'{}' is not one of awareness, ransom_payment, stage", *anchor);
  auto anchor_stage = s.string("anchor_stage", stage.anchor == DeadlineAnchor::stage);
  if (!anchor_stage) return tl::unexpected(anchor_stage.error());
  stage.anchor_stage = *anchor_stage;
  auto when = read_condition(s, "when");
  if (!when) return tl::unexpected(when.error());
  stage.when = std::move(*when);
  if (auto ok = s.finish(); !ok) return tl::unexpected(ok.error());
  return stage;
}

Status read_deadlines(Table& root, DeadlineRules& rules) {
  if (!root.is_table_or_absent("deadlines")) return root.error("deadlines", "must be a table");
  const toml::table* d = root.table("deadlines");
  if (d == nullptr) return {};  // no regimes: no deadlines are tracked
  Table t(*d, "deadlines");
  auto list = t.tables("regime");
  if (!list) return tl::unexpected(list.error());
  if (*list != nullptr) {
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      Table r(*(**list)[i].as_table(), fmt::format("deadlines.regime[{}]", i));
      DeadlineRegime regime;
      auto id = r.string("id", true);
      if (!id) return tl::unexpected(id.error());
      regime.id = *id;
      auto name = r.string("name", true);
      if (!name) return tl::unexpected(name.error());
      regime.name = *name;
      auto reference = r.string("reference", false);
      if (!reference) return tl::unexpected(reference.error());
      regime.reference = *reference;
      auto applies = read_condition(r, "applies_when");
      if (!applies) return tl::unexpected(applies.error());
      regime.applies_when = std::move(*applies);
      auto stages = r.tables("stage");
      if (!stages) return tl::unexpected(stages.error());
      if (*stages != nullptr) {
        for (std::size_t k = 0; k < (*stages)->size(); ++k) {
          Table s(*(**stages)[k].as_table(), fmt::format("deadlines.regime[{}].stage[{}]", i, k));
          auto stage = read_stage(s);
          if (!stage) return tl::unexpected(stage.error());
          regime.stages.push_back(std::move(*stage));
        }
      }
      if (auto ok = r.finish(); !ok) return ok;
      rules.regimes.push_back(std::move(regime));
    }
  }
  if (auto ok = t.finish(); !ok) return ok;
  return rules.check();
}

Status read_access(Table& root, AccessPolicy& policy) {
  if (!root.is_table_or_absent("access")) return root.error("access", "must be a table");
  const toml::table* a = root.table("access");
  if (a == nullptr) return fail(Errc::invalid_argument, "reporting config: the [access] table is required");
  Table t(*a, "access");
  if (!t.is_table_or_absent("min_clearance")) return t.error("min_clearance", "must be a table");
  if (const toml::table* mc = t.table("min_clearance")) {
    Table m(*mc, "access.min_clearance");
    for (int i = 0; i <= static_cast<int>(Tlp::red); ++i) {
      const auto tlp = static_cast<Tlp>(i);
      auto v = m.integer(tlp_name(tlp), 0, 1000);
      if (!v) return tl::unexpected(v.error());
      policy.min_clearance[static_cast<std::size_t>(i)] = static_cast<std::uint32_t>(*v);
    }
    if (auto ok = m.finish(); !ok) return ok;
  }
  auto purposes = t.tables("purpose");
  if (!purposes) return tl::unexpected(purposes.error());
  if (*purposes == nullptr) return t.error("purpose", "at least one [[access.purpose]] is required");
  for (std::size_t i = 0; i < (*purposes)->size(); ++i) {
    Table p(*(**purposes)[i].as_table(), fmt::format("access.purpose[{}]", i));
    AccessPurpose purpose;
    auto id = p.string("id", true);
    if (!id) return tl::unexpected(id.error());
    purpose.id = *id;
    auto description = p.string("description", false);
    if (!description) return tl::unexpected(description.error());
    purpose.description = *description;
    auto roles = p.strings("roles");
    if (!roles) return tl::unexpected(roles.error());
    for (const auto& r : *roles) {
      auto role = parse_reader_role(r);
      if (!role) return p.error("roles", "'{}' is not one of operator, analyst, carrier, overseer, admin, vendor", r);
      purpose.roles.push_back(*role);
    }
    auto max_tlp = p.string("max_tlp", true);
    if (!max_tlp) return tl::unexpected(max_tlp.error());
    auto tlp = parse_tlp(*max_tlp);
    if (!tlp) return p.error("max_tlp", "'{}' is not a TLP 2.0 label", *max_tlp);
    purpose.max_tlp = *tlp;
    auto any = p.boolean("any_audience", false);
    if (!any) return tl::unexpected(any.error());
    purpose.any_audience = *any;
    auto passes_on = p.boolean("passes_on", false);
    if (!passes_on) return tl::unexpected(passes_on.error());
    purpose.passes_on = *passes_on;
    if (auto ok = p.finish(); !ok) return ok;
    policy.purposes.push_back(std::move(purpose));
  }
  auto forbidden = t.tables("forbidden");
  if (!forbidden) return tl::unexpected(forbidden.error());
  if (*forbidden != nullptr) {
    for (std::size_t i = 0; i < (*forbidden)->size(); ++i) {
      Table f(*(**forbidden)[i].as_table(), fmt::format("access.forbidden[{}]", i));
      ForbiddenPurpose fp;
      auto id = f.string("id", true);
      if (!id) return tl::unexpected(id.error());
      fp.id = *id;
      auto reason = f.string("reason", true);
      if (!reason) return tl::unexpected(reason.error());
      fp.reason = *reason;
      if (auto ok = f.finish(); !ok) return ok;
      policy.forbidden.push_back(std::move(fp));
    }
  }
  if (auto ok = t.finish(); !ok) return ok;
  return policy.check();
}

}  // namespace

Result<ReportingConfig> parse_reporting_config(std::string_view toml_text) {
  toml::table root;
  // toml++ reports syntax errors by exception; configuration is read once at
  // start-up, outside the data path, and the exception ends here.
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse_error, "reporting config: line {}, column {}: {}", e.source().begin.line,
                e.source().begin.column, e.description());
  }
  ReportingConfig config;
  Table t(root, "");
  if (auto ok = read_recipients(t, config.fanout); !ok) return tl::unexpected(ok.error());
  if (auto ok = read_fanout(t, config.fanout); !ok) return tl::unexpected(ok.error());
  if (auto ok = read_deadlines(t, config.deadlines); !ok) return tl::unexpected(ok.error());
  if (auto ok = read_access(t, config.access); !ok) return tl::unexpected(ok.error());
  if (auto ok = t.finish(); !ok) return tl::unexpected(ok.error());
  return config;
}

Result<ReportingConfig> load_reporting_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io_error, "reporting config: cannot open '{}'", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(Errc::io_error, "reporting config: cannot read '{}'", path);
  return parse_reporting_config(ss.str());
}

std::string_view default_reporting_toml() noexcept { return detail::kDefaultReportingToml; }

Result<ReportingConfig> default_reporting_config() { return parse_reporting_config(detail::kDefaultReportingToml); }

}  // namespace mamori::report

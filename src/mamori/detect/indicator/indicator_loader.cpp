#include "mamori/detect/indicator/indicator_loader.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <boost/json.hpp>

#include "mamori/detect/indicator/stix_pattern.hpp"

namespace mamori::detect {

namespace json = boost::json;

namespace {

struct KnownMarking {
  std::string_view id;
  std::string_view tlp;
};
// TLP 2.0 marking definitions published by OASIS (cti-stix-common-objects,
// extension-definition-specifications/tlp-2.0), then the TLP 1.0 ones
// predefined in STIX 2.1 section 7.2.1.4 — accepted on input.
constexpr KnownMarking kKnownMarkings[] = {
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear"},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green"},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber"},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red"},
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "clear"},  // TLP 1.0 WHITE
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

Result<Prefix> parse_address_or_prefix(std::string_view text) {
  if (text.find('/') == std::string_view::npos) {
    auto a = IpAddress::parse(text);
    if (!a) return tl::unexpected(a.error());
    return Prefix::make(*a, a->is_v4() ? 32 : 128);
  }
  return Prefix::parse(text);
}

std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::string string_field(const json::object& o, std::string_view key) {
  if (const json::value* v = o.if_contains(key); v != nullptr && v->is_string()) {
    return std::string(v->get_string().data(), v->get_string().size());
  }
  return {};
}

// The TLP level a marking definition in the bundle stands for (TLP 1.0 `definition.tlp`
// or the TLP 2.0 extension's `tlp_2_0`), empty when it is not a TLP marking.
std::string tlp_of_definition(const json::object& o) {
  if (const json::value* d = o.if_contains("definition"); d != nullptr && d->is_object()) {
    std::string tlp = lower(string_field(d->get_object(), "tlp"));
    return tlp == "white" ? "clear" : tlp;
  }
  if (const json::value* x = o.if_contains("extensions"); x != nullptr && x->is_object()) {
    for (const auto& [key, ext] : x->get_object()) {
      if (ext.is_object()) {
        std::string tlp = lower(string_field(ext.get_object(), "tlp_2_0"));
        if (!tlp.empty()) return tlp;
      }
    }
  }
  return {};
}

std::string tlp_of_object(const json::object& o, const std::map<std::string, std::string, std::less<>>& bundle_markings) {
  const json::value* refs = o.if_contains("object_marking_refs");
  if (refs == nullptr || !refs->is_array()) return {};
  for (const auto& r : refs->get_array()) {
    if (!r.is_string()) continue;
    const std::string_view id(r.get_string().data(), r.get_string().size());
    if (auto known = tlp_of_marking(id); !known.empty()) return std::string(known);
    if (auto it = bundle_markings.find(id); it != bundle_markings.end()) return it->second;
  }
  return {};
}

// Splits one CSV line into fields (RFC 4180 quoting, fields on one line).
Result<std::vector<std::string>> split_csv(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"' && trim(fields.back()).empty()) {
      fields.back().clear();
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) return fail(Errc::parse_error, "unterminated quoted field");
  for (auto& f : fields) f = std::string(trim(f));
  return fields;
}

// Calls fn(line_number, line) for every line, without its end-of-line.
template <class Fn>
Status for_each_line(std::string_view text, Fn&& fn) {
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (auto s = fn(number, line); !s) return s;
  }
  return {};
}

}  // namespace

std::string_view tlp_of_marking(std::string_view marking_id) noexcept {
  for (const auto& m : kKnownMarkings)
    if (m.id == marking_id) return m.tlp;
  return {};
}

Result<IndicatorFormat> parse_indicator_format(std::string_view name) {
  if (name == "auto") return IndicatorFormat::automatic;
  if (name == "stix") return IndicatorFormat::stix;
  if (name == "csv") return IndicatorFormat::csv;
  if (name == "list") return IndicatorFormat::list;
  return fail(Errc::invalid_argument, "unknown indicator format '{}' (auto, stix, csv, list)", name);
}

IndicatorFormat guess_indicator_format(std::string_view path, std::string_view text) noexcept {
  const auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && lower(path.substr(path.size() - suffix.size())) == suffix;
  };
  if (ends_with(".json") || ends_with(".stix")) return IndicatorFormat::stix;
  if (ends_with(".csv")) return IndicatorFormat::csv;
  const std::string_view body = trim(text);
  if (!body.empty() && (body.front() == '{' || body.front() == '[')) return IndicatorFormat::stix;
  return IndicatorFormat::list;
}

Status load_stix_indicators(std::string_view text, std::string_view source, IndicatorSet& into) {
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    auto [line, column] = line_column(text, used);
    return fail(Errc::parse_error, "{}:{}:{}: invalid JSON: {}", source, line, column, ec.message());
  }
  const json::value root = parser.release();
  const json::array* objects = nullptr;
  json::array single;
  if (root.is_object() && root.get_object().contains("objects")) {
    const json::value& o = root.get_object().at("objects");
    if (!o.is_array()) return fail(Errc::parse_error, "{}: the bundle's 'objects' is not an array", source);
    objects = &o.get_array();
  } else if (root.is_object()) {
    single.push_back(root);
    objects = &single;
  } else if (root.is_array()) {
    objects = &root.get_array();
  } else {
    return fail(Errc::parse_error, "{}: expected a STIX bundle, object or array of objects", source);
  }
  std::map<std::string, std::string, std::less<>> bundle_markings;
  for (const auto& v : *objects) {
    if (!v.is_object() || string_field(v.get_object(), "type") != "marking-definition") continue;
    if (auto tlp = tlp_of_definition(v.get_object()); !tlp.empty()) {
      bundle_markings.emplace(string_field(v.get_object(), "id"), std::move(tlp));
    }
  }
  auto& stats = into.stats();
  for (std::size_t i = 0; i < objects->size(); ++i) {
    const json::value& v = (*objects)[i];
    if (!v.is_object()) return fail(Errc::parse_error, "{}: object {} is not a JSON object", source, i);
    const json::object& o = v.get_object();
    const std::string type = string_field(o, "type");
    if (type.empty()) return fail(Errc::parse_error, "{}: object {} has no 'type'", source, i);
    const std::string id = string_field(o, "id");
    const std::string origin = fmt::format("{}#{}", source, i);
    if (const json::value* r = o.if_contains("revoked"); r != nullptr && r->is_bool() && r->get_bool()) {
      ++stats.revoked;
      continue;
    }
    if (type == "ipv4-addr" || type == "ipv6-addr") {
      const std::string value = string_field(o, "value");
      auto prefix = parse_address_or_prefix(value);
      if (!prefix || prefix->is_v4() != (type == "ipv4-addr")) {
        return fail(Errc::parse_error, "{}: object {} ({}): '{}' is not an {} value", source, i, id, value, type);
      }
      if (auto s = into.add(*prefix, {id, "", tlp_of_object(o, bundle_markings), origin}); !s) return s;
    } else if (type == "indicator") {
      const std::string pattern_type = string_field(o, "pattern_type");
      if (!pattern_type.empty() && pattern_type != "stix") {
        ++stats.non_stix_patterns;
        continue;
      }
      const PatternAddresses p = parse_address_pattern(string_field(o, "pattern"));
      if (p.verdict == PatternVerdict::unparsable) {
        ++stats.unparsable;
        continue;
      }
      if (p.verdict == PatternVerdict::no_address) {
        ++stats.not_address;
        continue;
      }
      const std::string tlp = tlp_of_object(o, bundle_markings);
      const std::string name = string_field(o, "name");
      for (const auto& prefix : p.prefixes)
        if (auto s = into.add(prefix, {id, name, tlp, origin}); !s) return s;
    } else {
      ++stats.other_objects;
    }
  }
  return {};
}

Status load_csv_indicators(std::string_view text, std::string_view source, IndicatorSet& into) {
  std::size_t column = 0;
  std::optional<std::size_t> name_column, tlp_column;
  bool first = true;
  return for_each_line(text, [&](std::size_t number, std::string_view line) -> Status {
    if (trim(line).empty() || trim(line).front() == '#') return {};
    auto fields = split_csv(line);
    if (!fields) return fail(Errc::parse_error, "{}:{}: {}", source, number, fields.error().message);
    if (first) {
      first = false;
      // A header names its columns; a first line whose first field is an address is data.
      if (!parse_address_or_prefix((*fields)[0])) {
        bool found = false;
        for (std::size_t i = 0; i < fields->size(); ++i) {
          const std::string h = lower((*fields)[i]);
          if (!found && (h == "ip" || h == "indicator" || h == "value")) {
            column = i;
            found = true;
          } else if (!name_column && (h == "name" || h == "description")) {
            name_column = i;
          } else if (!tlp_column && h == "tlp") {
            tlp_column = i;
          }
        }
        return {};
      }
    }
    if (column >= fields->size()) {
      return fail(Errc::parse_error, "{}:{}: no column {} in this line", source, number, column + 1);
    }
    const std::string& value = (*fields)[column];
    auto prefix = parse_address_or_prefix(value);
    if (!prefix) return fail(Errc::parse_error, "{}:{}: '{}' is not an address or prefix", source, number, value);
    IndicatorSource src{"", "", "", fmt::format("{}:{}", source, number)};
    if (name_column && *name_column < fields->size()) src.name = (*fields)[*name_column];
    if (tlp_column && *tlp_column < fields->size()) {
      src.tlp = lower((*fields)[*tlp_column]);
      if (src.tlp.starts_with("tlp:")) src.tlp.erase(0, 4);
    }
    return into.add(*prefix, std::move(src));
  });
}

Status load_list_indicators(std::string_view text, std::string_view source, IndicatorSet& into) {
  return for_each_line(text, [&](std::size_t number, std::string_view line) -> Status {
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) return {};
    auto prefix = parse_address_or_prefix(line);
    if (!prefix) return fail(Errc::parse_error, "{}:{}: '{}' is not an address or prefix", source, number, line);
    return into.add(*prefix, IndicatorSource{"", "", "", fmt::format("{}:{}", source, number)});
  });
}

Status load_indicators(std::string_view text, std::string_view source, IndicatorFormat format, IndicatorSet& into) {
  if (format == IndicatorFormat::automatic) format = guess_indicator_format(source, text);
  switch (format) {
    case IndicatorFormat::stix: return load_stix_indicators(text, source, into);
    case IndicatorFormat::csv: return load_csv_indicators(text, source, into);
    case IndicatorFormat::list:
    case IndicatorFormat::automatic: break;
  }
  return load_list_indicators(text, source, into);
}

Status load_indicator_file(const std::string& path, IndicatorFormat format, IndicatorSet& into) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io_error, "{}: cannot open indicator file", path);
  std::ostringstream text;
  text << in.rdbuf();
  return load_indicators(text.str(), path, format, into);
}

}  // namespace mamori::detect

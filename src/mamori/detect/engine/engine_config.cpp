#include "mamori/detect/engine/engine_config.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace mamori::detect {

namespace {

Result<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return fail(Errc::invalid_argument, "'{}' is not true or false", text);
}

// A TOML value as the text DetectorOptions parses; arrays become comma lists.
Result<std::string> value_text(const toml::node& node, std::string_view where) {
  if (node.is_string()) return *node.value<std::string>();
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_floating_point()) return fmt::format("{}", *node.value<double>());
  if (node.is_boolean()) return std::string(*node.value<bool>() ? "true" : "false");
  if (const auto* array = node.as_array()) {
    std::string joined;
    for (const auto& item : *array) {
      auto text = value_text(item, where);
      if (!text) return text;
      if (item.is_array()) return fail(Errc::invalid_argument, "{}: nested arrays are not supported", where);
      joined += (joined.empty() ? "" : ",") + *text;
    }
    return joined;
  }
  return fail(Errc::invalid_argument, "{}: unsupported value type", where);
}

std::string where_of(std::string_view source, const toml::node& node, std::string_view key) {
  return fmt::format("{}:{}: {}", source, node.source().begin.line, key);
}

}  // namespace

Status EngineConfig::set(std::string_view assignment) {
  const std::size_t eq = assignment.find('=');
  const std::size_t dot = assignment.find('.');
  if (eq == std::string_view::npos || dot == std::string_view::npos || dot > eq || dot == 0 || dot + 1 == eq) {
    return fail(Errc::invalid_argument, "'{}': expected DETECTOR.KEY=VALUE", assignment);
  }
  const std::string name(assignment.substr(0, dot));
  const std::string key(assignment.substr(dot + 1, eq - dot - 1));
  const std::string_view value = assignment.substr(eq + 1);
  if (key == "enabled") {
    auto on = parse_bool(value);
    if (!on) return fail(Errc::invalid_argument, "{}.enabled: {}", name, on.error().message);
    enabled[name] = *on;
    return {};
  }
  settings[name][key] = std::string(value);
  return {};
}

Status EngineConfig::load_toml(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io_error, "{}: cannot open configuration", path);
  std::ostringstream text;
  text << in.rdbuf();
  return load_toml_text(text.str(), path);
}

Status EngineConfig::load_toml_text(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse_error, "{}:{}:{}: {}", source, e.source().begin.line, e.source().begin.column,
                e.description());
  }
  for (const auto& [top, node] : root) {
    if (top.str() == "engine") {
      const toml::table* t = node.as_table();
      if (t == nullptr) return fail(Errc::invalid_argument, "{}: [engine] must be a table", where_of(source, node, "engine"));
      for (const auto& [key, value] : *t) {
        const std::string where = where_of(source, value, key.str());
        auto text_value = value_text(value, where);
        if (!text_value) return tl::unexpected(text_value.error());
        const std::string_view k = key.str();
        if (k == "emit_interval") {
          auto d = parse_duration(*text_value);
          if (!d || *d == 0) return fail(Errc::invalid_argument, "{}: '{}' is not a positive duration", where, *text_value);
          emit_interval = *d;
        } else if (k == "workers" || k == "max_tracked") {
          auto n = value.value<std::int64_t>();
          if (!n || *n <= 0 || !value.is_integer()) return fail(Errc::invalid_argument, "{}: expected a positive integer", where);
          (k == "workers" ? workers : limits.max_tracked) = static_cast<std::size_t>(*n);
        } else if (k == "allowlists") {
          if (!value.is_array()) return fail(Errc::invalid_argument, "{}: expected an array of file names", where);
          for (const auto& item : *value.as_array())
            if (auto s = item.value<std::string>()) allowlists.push_back(*s);
        } else if (k == "default_allowlist") {
          auto b = value.value<bool>();
          if (!b || !value.is_boolean()) return fail(Errc::invalid_argument, "{}: expected true or false", where);
          default_allowlist = *b;
        } else {
          return fail(Errc::invalid_argument, "{}: unknown engine setting", where);
        }
      }
    } else if (top.str() == "detectors") {
      const toml::table* t = node.as_table();
      if (t == nullptr) return fail(Errc::invalid_argument, "{}: must be a table", where_of(source, node, "detectors"));
      for (const auto& [name, table] : *t) {
        const toml::table* d = table.as_table();
        if (d == nullptr) {
          return fail(Errc::invalid_argument, "{}: expected a [detectors.{}] table",
                      where_of(source, table, name.str()), name.str());
        }
        for (const auto& [key, value] : *d) {
          const std::string where = where_of(source, value, fmt::format("{}.{}", name.str(), key.str()));
          auto text_value = value_text(value, where);
          if (!text_value) return tl::unexpected(text_value.error());
          if (auto s = set(fmt::format("{}.{}={}", name.str(), key.str(), *text_value)); !s) {
            return fail(Errc::invalid_argument, "{}: {}", where, s.error().message);
          }
        }
      }
    } else {
      return fail(Errc::invalid_argument, "{}: unknown table (expected [engine] or [detectors.NAME])",
                  where_of(source, node, top.str()));
    }
  }
  return {};
}

Status check_detector_names(const EngineConfig& config, const DetectorRegistry& registry) {
  const auto check = [&](const std::string& name) -> Status {
    if (registry.find(name) != nullptr) return {};
    std::string known;
    for (const auto& d : registry.all()) known += (known.empty() ? "" : ", ") + d.name;
    return fail(Errc::invalid_argument, "unknown detector '{}' (known: {})", name, known);
  };
  for (const auto& [name, values] : config.settings)
    if (auto s = check(name); !s) return s;
  for (const auto& [name, on] : config.enabled)
    if (auto s = check(name); !s) return s;
  if (config.only) {
    for (const auto& name : *config.only)
      if (auto s = check(name); !s) return s;
  }
  return {};
}

bool is_enabled(const EngineConfig& config, const DetectorInfo& info) {
  if (config.only) return std::find(config.only->begin(), config.only->end(), info.name) != config.only->end();
  if (auto it = config.enabled.find(info.name); it != config.enabled.end()) return it->second;
  return info.enabled_by_default;
}

}  // namespace mamori::detect

#include "mamori/hub/api/json_fields.hpp"

#include <algorithm>

namespace mamori::hub {

Result<json::value> parse_json_body(std::string_view body) {
  if (body.empty()) return fail(Errc::invalid_argument, "request body is empty; a JSON document is required");
  json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, options);
  if (ec) return fail(Errc::invalid_argument, "request body is not valid JSON: {}", ec.message());
  return v;
}

Result<json::object> parse_json_object(std::string_view body) {
  auto v = parse_json_body(body);
  if (!v) return tl::unexpected(v.error());
  if (!v->is_object()) return fail(Errc::invalid_argument, "request body must be a JSON object");
  return std::move(v->get_object());
}

Status only_fields(const json::object& object, std::initializer_list<std::string_view> allowed, std::string_view where) {
  for (const auto& kv : object) {
    const std::string_view key = kv.key();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return fail(Errc::invalid_argument, "unknown field '{}{}'", where, key);
  }
  return {};
}

Result<std::optional<std::string>> read_string(const json::object& o, std::string_view key, bool required) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return fail(Errc::invalid_argument, "field '{}' is required", key);
    return std::optional<std::string>{};
  }
  if (!v->is_string()) return fail(Errc::invalid_argument, "field '{}' must be a string", key);
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::optional<std::int64_t>> read_int(const json::object& o, std::string_view key, std::int64_t min,
                                             std::int64_t max, bool required) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return fail(Errc::invalid_argument, "field '{}' is required", key);
    return std::optional<std::int64_t>{};
  }
  std::int64_t n = 0;
  if (v->is_int64()) n = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(v->get_uint64());
  else return fail(Errc::invalid_argument, "field '{}' must be an integer", key);
  if (n < min || n > max) return fail(Errc::invalid_argument, "field '{}' must be between {} and {}", key, min, max);
  return std::optional<std::int64_t>(n);
}

Result<std::optional<double>> read_number(const json::object& o, std::string_view key, bool required) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return fail(Errc::invalid_argument, "field '{}' is required", key);
    return std::optional<double>{};
  }
  if (v->is_double()) return std::optional<double>(v->get_double());
  if (v->is_int64()) return std::optional<double>(static_cast<double>(v->get_int64()));
  if (v->is_uint64()) return std::optional<double>(static_cast<double>(v->get_uint64()));
  return fail(Errc::invalid_argument, "field '{}' must be a number", key);
}

Result<std::optional<TimeNs>> read_time(const json::object& o, std::string_view key, bool required) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return fail(Errc::invalid_argument, "field '{}' is required", key);
    return std::optional<TimeNs>{};
  }
  if (v->is_string()) {
    auto t = parse_rfc3339(v->get_string());
    if (!t) return fail(Errc::invalid_argument, "field '{}' is not an RFC 3339 time", key);
    return std::optional<TimeNs>(*t);
  }
  if (v->is_uint64()) return std::optional<TimeNs>(v->get_uint64());
  if (v->is_int64() && v->get_int64() >= 0) return std::optional<TimeNs>(static_cast<TimeNs>(v->get_int64()));
  return fail(Errc::invalid_argument, "field '{}' must be an RFC 3339 time or nanoseconds since the epoch", key);
}

Result<std::optional<std::vector<std::string>>> read_string_array(const json::object& o, std::string_view key,
                                                                  std::size_t max_items, std::size_t max_length) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::vector<std::string>>{};
  if (!v->is_array()) return fail(Errc::invalid_argument, "field '{}' must be an array of strings", key);
  const auto& a = v->get_array();
  if (a.size() > max_items) return fail(Errc::invalid_argument, "field '{}' has more than {} items", key, max_items);
  std::vector<std::string> out;
  for (const auto& item : a) {
    if (!item.is_string()) return fail(Errc::invalid_argument, "field '{}' must be an array of strings", key);
    if (item.get_string().size() > max_length)
      return fail(Errc::invalid_argument, "field '{}' has an item longer than {} bytes", key, max_length);
    out.emplace_back(item.get_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

std::string rfc3339_or_null(TimeNs t) { return t == 0 ? std::string() : format_rfc3339(t); }

}  // namespace mamori::hub

#pragma once
// Strict reading of JSON request bodies: the right type for every known
// field, no unknown fields, and messages that name the field. Nothing here
// throws (Boost.JSON's non-throwing accessors only).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"

namespace mamori::hub {

namespace json = boost::json;

// The body must be one JSON value (of at most `max_depth` nesting).
Result<json::value> parse_json_body(std::string_view body);
Result<json::object> parse_json_object(std::string_view body);

// Fails naming the first field of `object` that is not in `allowed`.
Status only_fields(const json::object& object, std::initializer_list<std::string_view> allowed,
                   std::string_view where = "");

// Each reader: absent -> nullopt (or an error when `required`); wrong type -> error.
Result<std::optional<std::string>> read_string(const json::object& o, std::string_view key, bool required = false);
Result<std::optional<std::int64_t>> read_int(const json::object& o, std::string_view key, std::int64_t min,
                                             std::int64_t max, bool required = false);
Result<std::optional<double>> read_number(const json::object& o, std::string_view key, bool required = false);
// RFC 3339 text or integer nanoseconds since the epoch.
Result<std::optional<TimeNs>> read_time(const json::object& o, std::string_view key, bool required = false);
Result<std::optional<std::vector<std::string>>> read_string_array(const json::object& o, std::string_view key,
                                                                  std::size_t max_items, std::size_t max_length);

std::string rfc3339_or_null(TimeNs t);

}  // namespace mamori::hub

#include "mamori/store/row_codec.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "mamori/core/ip_address.hpp"

namespace mamori::store {

namespace json = boost::json;

namespace {
Result<json::array> parse_array(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return fail(Errc::corrupt, "stored list is not a JSON array");
  return std::move(v.get_array());
}

std::string string_of(const json::object& o, std::string_view key) {
  if (auto* p = o.if_contains(key); p && p->is_string()) return std::string(p->get_string());
  return {};
}
}  // namespace

std::string contacts_to_json(const std::vector<Contact>& contacts) {
  json::array a;
  for (const auto& c : contacts) a.push_back(json::object{{"name", c.name}, {"email", c.email}, {"phone", c.phone}, {"role", c.role}});
  return json::serialize(a);
}

std::string strings_to_json(const std::vector<std::string>& values) {
  json::array a;
  for (const auto& v : values) a.push_back(json::string(v));
  return json::serialize(a);
}

std::string asns_to_json(const std::vector<std::uint32_t>& asns) {
  json::array a;
  for (auto v : asns) a.push_back(static_cast<std::uint64_t>(v));
  return json::serialize(a);
}

Result<std::vector<Contact>> contacts_from_json(std::string_view text) {
  auto a = parse_array(text);
  if (!a) return tl::unexpected(a.error());
  std::vector<Contact> out;
  for (const auto& v : *a) {
    if (!v.is_object()) return fail(Errc::corrupt, "stored contact is not an object");
    const auto& o = v.get_object();
    out.push_back({string_of(o, "name"), string_of(o, "email"), string_of(o, "phone"), string_of(o, "role")});
  }
  return out;
}

Result<std::vector<std::string>> strings_from_json(std::string_view text) {
  auto a = parse_array(text);
  if (!a) return tl::unexpected(a.error());
  std::vector<std::string> out;
  for (const auto& v : *a) {
    if (!v.is_string()) return fail(Errc::corrupt, "stored list holds a non-string");
    out.emplace_back(v.get_string());
  }
  return out;
}

Result<std::vector<std::uint32_t>> asns_from_json(std::string_view text) {
  auto a = parse_array(text);
  if (!a) return tl::unexpected(a.error());
  std::vector<std::uint32_t> out;
  for (const auto& v : *a) {
    if (v.is_uint64()) out.push_back(static_cast<std::uint32_t>(v.get_uint64()));
    else if (v.is_int64()) out.push_back(static_cast<std::uint32_t>(v.get_int64()));
    else return fail(Errc::corrupt, "stored ASN is not an integer");
  }
  return out;
}

Result<std::pair<std::string, std::string>> cidr_bounds_hex(std::string_view cidr) {
  auto p = Prefix::parse(cidr);
  if (!p) return tl::unexpected(p.error());
  const unsigned bits = p->bits128();
  const std::uint64_t hi = p->network().hi(), lo = p->network().lo();
  const std::uint64_t host_hi = bits >= 64 ? 0 : (bits == 0 ? ~0ULL : (~0ULL >> bits));
  const std::uint64_t host_lo = bits >= 128 ? 0 : (bits <= 64 ? ~0ULL : (~0ULL >> (bits - 64)));
  return std::pair{fmt::format("{:016x}{:016x}", hi, lo), fmt::format("{:016x}{:016x}", hi | host_hi, lo | host_lo)};
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return out;
}

std::vector<std::string> split_ids(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace mamori::store

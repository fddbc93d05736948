#include "mamori/ledger/entry.hpp"

#include <algorithm>
#include <vector>

#include <boost/json.hpp>

#include "mamori/core/ip_address.hpp"

namespace mamori::ledger {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxStringSize = 256;
constexpr std::size_t kMaxKeySize = 64;
constexpr int kMaxDepth = 8;

bool is_lower_word_char(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool is_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

bool looks_like_email(std::string_view s) noexcept {
  auto at = s.find('@');
  return at != std::string_view::npos && at > 0 && s.find('.', at + 2) != std::string_view::npos;
}

bool looks_like_address(std::string_view s) {
  if (s.size() < 2 || s.size() > 50) return false;
  if (IpAddress::parse(s)) return true;
  auto slash = s.find('/');
  return slash != std::string_view::npos && IpAddress::parse(s.substr(0, slash)).has_value();
}

Status check_string(std::string_view s, std::string_view where) {
  if (s.size() > kMaxStringSize)
    return fail(Errc::invalid_argument, "body: string at {} is longer than {} bytes (store a hash instead)", where,
                kMaxStringSize);
  if (looks_like_address(s))
    return fail(Errc::invalid_argument, "body: {} looks like an IP address; ledger entries hold hashes, not personal data",
                where);
  if (looks_like_email(s))
    return fail(Errc::invalid_argument, "body: {} looks like an e-mail address; ledger entries hold hashes, not personal data",
                where);
  return {};
}

void put_string(std::string& out, std::string_view s) { out += json::serialize(json::string_view(s.data(), s.size())); }

Status write_canonical(const json::value& v, std::string& out, int depth, std::string& path) {
  if (depth > kMaxDepth) return fail(Errc::invalid_argument, "body: nested deeper than {} levels", kMaxDepth);
  switch (v.kind()) {
    case json::kind::null: out += "null"; return {};
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; return {};
    case json::kind::int64: out += std::to_string(v.get_int64()); return {};
    case json::kind::uint64: out += std::to_string(v.get_uint64()); return {};
    case json::kind::double_:
      return fail(Errc::invalid_argument, "body: {} is not an integer; bodies hold counts and hashes",
                  path.empty() ? "value" : path);
    case json::kind::string: {
      const auto& s = v.get_string();
      std::string_view sv(s.data(), s.size());
      if (auto ok = check_string(sv, path.empty() ? "value" : path); !ok) return ok;
      put_string(out, sv);
      return {};
    }
    case json::kind::array: {
      out += '[';
      const auto& a = v.get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        const std::size_t mark = path.size();
        path += fmt::format("[{}]", i);
        auto ok = write_canonical(a[i], out, depth + 1, path);
        path.resize(mark);
        if (!ok) return ok;
      }
      out += ']';
      return {};
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      std::vector<const json::key_value_pair*> members;
      members.reserve(o.size());
      for (const auto& kv : o) members.push_back(&kv);
      std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
      out += '{';
      bool first = true;
      for (const auto* kv : members) {
        std::string_view key(kv->key().data(), kv->key().size());
        if (key.empty() || key.size() > kMaxKeySize || !std::all_of(key.begin(), key.end(), is_key_char))
          return fail(Errc::invalid_argument, "body: key '{}' must be 1..{} characters of [A-Za-z0-9_.-]",
                      key.substr(0, kMaxKeySize), kMaxKeySize);
        if (!first) out += ',';
        first = false;
        put_string(out, key);
        out += ':';
        const std::size_t mark = path.size();
        if (!path.empty()) path += '.';
        path += key;
        auto ok = write_canonical(kv->value(), out, depth + 1, path);
        path.resize(mark);
        if (!ok) return ok;
      }
      out += '}';
      return {};
    }
  }
  return fail(Errc::invalid_argument, "body: unsupported JSON value");
}

void put_u32(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}

void put_u64(std::string& out, std::uint64_t v) {
  put_u32(out, static_cast<std::uint32_t>(v >> 32));
  put_u32(out, static_cast<std::uint32_t>(v));
}

}  // namespace

Status validate_kind(std::string_view kind) {
  auto invalid = [&] {
    return fail(Errc::invalid_argument, "kind '{}' must be dot-separated lowercase words, e.g. policy.approved",
                kind.substr(0, kMaxKindSize));
  };
  if (kind.empty() || kind.size() > kMaxKindSize) return fail(Errc::invalid_argument, "kind must be 1..{} characters", kMaxKindSize);
  std::size_t i = 0;
  int words = 0;
  for (;;) {
    if (i == kind.size() || kind[i] < 'a' || kind[i] > 'z') return invalid();
    while (++i < kind.size() && is_lower_word_char(kind[i])) {
    }
    ++words;
    if (i == kind.size()) break;
    if (kind[i++] != '.') return invalid();
  }
  if (words < 2) return invalid();
  return {};
}

Status validate_actor(std::string_view actor) {
  if (actor.empty() || actor.size() > kMaxActorSize)
    return fail(Errc::invalid_argument, "actor must be 1..{} characters", kMaxActorSize);
  for (char c : actor) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '/' || c == '-';
    if (!ok) return fail(Errc::invalid_argument, "actor must be a role or key name of [A-Za-z0-9._:/-] (e.g. overseer:alice-key)");
  }
  return {};
}

Result<std::string> canonicalize_body(std::string_view text) {
  if (text.size() > kMaxBodySize) return fail(Errc::invalid_argument, "body is larger than {} bytes", kMaxBodySize);
  json::parse_options options;
  options.max_depth = kMaxDepth + 1;
  std::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, json::storage_ptr(), options);
  if (ec) return fail(Errc::parse_error, "body is not valid JSON: {}", ec.message());
  if (!v.is_object()) return fail(Errc::invalid_argument, "body must be a JSON object");
  std::string out;
  out.reserve(text.size());
  std::string path;
  if (auto ok = write_canonical(v, out, 0, path); !ok) return tl::unexpected(ok.error());
  if (out.size() > kMaxBodySize) return fail(Errc::invalid_argument, "body is larger than {} bytes", kMaxBodySize);
  return out;
}

void serialize_leaf(const Entry& entry, std::string& out) {
  out.reserve(out.size() + 1 + 8 + 8 + 12 + entry.kind.size() + entry.actor.size() + entry.body.size());
  out.push_back(1);
  put_u64(out, entry.index);
  put_u64(out, entry.time);
  put_u32(out, static_cast<std::uint32_t>(entry.kind.size()));
  out += entry.kind;
  put_u32(out, static_cast<std::uint32_t>(entry.actor.size()));
  out += entry.actor;
  put_u32(out, static_cast<std::uint32_t>(entry.body.size()));
  out += entry.body;
}

Hash entry_leaf_hash(const Entry& entry) {
  std::string data;
  serialize_leaf(entry, data);
  return hash_leaf(crypto::as_bytes(data));
}

}  // namespace mamori::ledger

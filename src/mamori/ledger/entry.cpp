#include "mamori/ledger/entry.hpp"

#include <algorithm>
#include <array>
#include <iterator>
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

// Where a value sits in the body, rendered only for error messages (the hot
// path never builds strings for it).
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  std::size_t index = 0;
  bool is_index = false;
};

std::string render(const Path* p) {
  if (p == nullptr || (p->parent == nullptr && p->key.empty() && !p->is_index)) return "value";
  std::string parent = p->parent != nullptr && (p->parent->parent != nullptr || p->parent->is_index) ? render(p->parent) : "";
  if (p->is_index) return parent + fmt::format("[{}]", p->index);
  return parent.empty() ? std::string(p->key) : parent + "." + std::string(p->key);
}

Status check_string(std::string_view s, const Path* where) {
  if (s.size() > kMaxStringSize)
    return fail(Errc::invalid_argument, "body: string at {} is longer than {} bytes (store a hash instead)", render(where),
                kMaxStringSize);
  if (looks_like_address(s))
    return fail(Errc::invalid_argument, "body: {} looks like an IP address; ledger entries hold hashes, not personal data",
                render(where));
  if (looks_like_email(s))
    return fail(Errc::invalid_argument, "body: {} looks like an e-mail address; ledger entries hold hashes, not personal data",
                render(where));
  return {};
}

// JSON string escaping as Boost.JSON's serializer does it: quote, backslash
// and control characters; everything else (already validated UTF-8) verbatim.
void put_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

Status write_canonical(const json::value& v, std::string& out, int depth, const Path* path) {
  if (depth > kMaxDepth) return fail(Errc::invalid_argument, "body: nested deeper than {} levels", kMaxDepth);
  switch (v.kind()) {
    case json::kind::null: out += "null"; return {};
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; return {};
    case json::kind::int64: fmt::format_to(std::back_inserter(out), "{}", v.get_int64()); return {};
    case json::kind::uint64: fmt::format_to(std::back_inserter(out), "{}", v.get_uint64()); return {};
    case json::kind::double_:
      return fail(Errc::invalid_argument, "body: {} is not an integer; bodies hold counts and hashes", render(path));
    case json::kind::string: {
      const auto& s = v.get_string();
      std::string_view sv(s.data(), s.size());
      if (auto ok = check_string(sv, path); !ok) return ok;
      put_string(out, sv);
      return {};
    }
    case json::kind::array: {
      out += '[';
      const auto& a = v.get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        Path here{path, {}, i, true};
        if (auto ok = write_canonical(a[i], out, depth + 1, &here); !ok) return ok;
      }
      out += ']';
      return {};
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      // Members sorted bytewise by key; small objects sort on the stack.
      constexpr std::size_t kInline = 32;
      std::array<const json::key_value_pair*, kInline> inline_members;
      std::vector<const json::key_value_pair*> heap_members;
      const json::key_value_pair** members = inline_members.data();
      if (o.size() > kInline) {
        heap_members.resize(o.size());
        members = heap_members.data();
      }
      std::size_t n = 0;
      for (const auto& kv : o) members[n++] = &kv;
      std::sort(members, members + n, [](auto* a, auto* b) { return a->key() < b->key(); });
      out += '{';
      for (std::size_t i = 0; i < n; ++i) {
        const auto* kv = members[i];
        std::string_view key(kv->key().data(), kv->key().size());
        if (key.empty() || key.size() > kMaxKeySize || !std::all_of(key.begin(), key.end(), is_key_char))
          return fail(Errc::invalid_argument, "body: key '{}' must be 1..{} characters of [A-Za-z0-9_.-]",
                      key.substr(0, kMaxKeySize), kMaxKeySize);
        if (i) out += ',';
        put_string(out, key);
        out += ':';
        Path here{path, key, 0, false};
        if (auto ok = write_canonical(kv->value(), out, depth + 1, &here); !ok) return ok;
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
  // Bodies are small: parse into a stack arena instead of one allocation per value.
  alignas(16) unsigned char arena[4096];
  json::monotonic_resource resource(arena, sizeof arena);
  std::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, &resource, options);
  if (ec) return fail(Errc::parse_error, "body is not valid JSON: {}", ec.message());
  if (!v.is_object()) return fail(Errc::invalid_argument, "body must be a JSON object");
  std::string out;
  out.reserve(text.size());
  if (auto ok = write_canonical(v, out, 0, nullptr); !ok) return tl::unexpected(ok.error());
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

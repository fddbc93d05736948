#include "mamori/report/indicators.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "mamori/core/ip_address.hpp"
#include "mamori/report/domain_name.hpp"
#include "mamori/report/json_writer.hpp"
#include "mamori/report/refang.hpp"
#include "mamori/report/wallet.hpp"

namespace mamori::report {

std::string_view indicator_type_name(IndicatorType type) noexcept {
  switch (type) {
    case IndicatorType::ipv4: return "ipv4";
    case IndicatorType::ipv6: return "ipv6";
    case IndicatorType::cidr: return "cidr";
    case IndicatorType::domain: return "domain";
    case IndicatorType::url: return "url";
    case IndicatorType::email: return "email";
    case IndicatorType::md5: return "md5";
    case IndicatorType::sha1: return "sha1";
    case IndicatorType::sha256: return "sha256";
    case IndicatorType::bitcoin_address: return "bitcoin_address";
    case IndicatorType::ethereum_address: return "ethereum_address";
    case IndicatorType::monero_address: return "monero_address";
  }
  return "?";
}

namespace {

// Longer tokens are not indicators (the longest, a URL, is capped at this);
// skipping them keeps the work per token bounded.
constexpr std::size_t kMaxTokenLength = 2048;
constexpr std::size_t kMaxUrlLength = 2048;

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_alnum(char c) noexcept { return is_digit(c) || is_alpha(c); }
inline bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Characters an indicator outside a URL can contain.
inline bool is_token_char(char c) noexcept {
  return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '/' || c == '@' || c == '+';
}

// Characters that end a URL in running text (RFC 3986 excludes them, and
// prose puts them around links).
inline bool ends_url(char c, bool allow_unicode = false) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f || (u > 0x7f && !allow_unicode) || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' ||
         c == '\\' || c == '^' || c == '\'';
}

bool is_internal(const IpAddress& a) noexcept {
  if (a.is_v4()) {
    const std::uint32_t v = a.v4_value();
    auto in = [&](std::uint32_t net, unsigned len) { return (v >> (32 - len)) == (net >> (32 - len)); };
    return in(0x00000000, 8) || in(0x0a000000, 8) || in(0x7f000000, 8) || in(0xa9fe0000, 16) || in(0xac100000, 12) ||
           in(0xc0a80000, 16) || in(0x64400000, 10) || in(0xe0000000, 4) || in(0xf0000000, 4);
  }
  const std::uint64_t hi = a.hi();
  if (hi == 0 && (a.lo() == 0 || a.lo() == 1)) return true;  // :: and ::1
  const unsigned top16 = static_cast<unsigned>(hi >> 48);
  return (top16 & 0xffc0) == 0xfe80 ||  // link-local
         (top16 & 0xfe00) == 0xfc00 ||  // unique local
         (top16 & 0xff00) == 0xff00;    // multicast
}

bool all_hex(std::string_view s) noexcept { return std::all_of(s.begin(), s.end(), is_hex); }

bool all_base58(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) && c != '0' && c != 'O' && c != 'I' && c != 'l'; });
}

// A found indicator: type, normalised value, and its span in the scanned text.
struct Hit {
  IndicatorType type;
  std::string value;
  std::size_t begin;
  std::size_t end;
  // A domain only by syntax, ending like a file name: kept only if written defanged.
  bool file_like = false;
};

struct HostResult {
  IndicatorType type;
  std::string value;
  bool internal;
};

// A URL host: an IP literal (IPv6 in brackets) or a domain name.
std::optional<HostResult> classify_host(std::string_view host) {
  if (host.empty()) return std::nullopt;
  if (host.front() == '[') {
    if (host.back() != ']') return std::nullopt;
    auto a = IpAddress::parse(host.substr(1, host.size() - 2));
    if (!a || a->is_v4()) return std::nullopt;
    return HostResult{IndicatorType::ipv6, a->to_string(), is_internal(*a)};
  }
  if (std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; })) {
    auto a = IpAddress::parse(host);
    if (!a) return std::nullopt;
    return HostResult{IndicatorType::ipv4, a->to_string(), is_internal(*a)};
  }
  auto d = normalise_domain(host);
  if (!d) return std::nullopt;
  return HostResult{IndicatorType::domain, std::move(*d), false};
}

struct ParsedUrl {
  std::string url;  // normalised
  HostResult host;
  std::size_t host_begin;  // within the candidate
  std::size_t host_end;
};

std::size_t trimmed_url_end(std::string_view url);

// Parses scheme://[userinfo@]host[:port][path][?query][#fragment]. The
// candidate holds no characters that end a URL (unless `unicode_host`, when
// the host may hold UTF-8 for internationalised names).
std::optional<ParsedUrl> parse_url(std::string_view s) {
  const auto colon = s.find("://");
  if (colon == std::string_view::npos || colon == 0 || colon > 5) return std::nullopt;
  std::string scheme;
  for (char c : s.substr(0, colon)) scheme += lower(c);
  unsigned default_port;
  if (scheme == "http") default_port = 80;
  else if (scheme == "https") default_port = 443;
  else if (scheme == "ftp") default_port = 21;
  else return std::nullopt;
  const std::size_t auth_begin = colon + 3;
  std::size_t auth_end = s.find_first_of("/?#", auth_begin);
  if (auth_end == std::string_view::npos) auth_end = s.size();
  std::string_view authority = s.substr(auth_begin, auth_end - auth_begin);
  std::size_t host_offset = auth_begin;
  std::string userinfo;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = std::string(authority.substr(0, at + 1));
    authority.remove_prefix(at + 1);
    host_offset += at + 1;
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (auto c = authority.rfind(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  auto h = classify_host(host);
  if (!h) return std::nullopt;
  std::string url = scheme + "://" + userinfo + (h->type == IndicatorType::ipv6 ? "[" + h->value + "]" : h->value);
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) return std::nullopt;
    unsigned p = 0;
    for (char c : port) p = p * 10 + static_cast<unsigned>(c - '0');
    if (p == 0 || p > 65535) return std::nullopt;
    if (p != default_port) url += fmt::format(":{}", p);
  }
  std::string_view rest = s.substr(auth_end);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (rest.empty() || rest.front() != '/') url += '/';
  url += rest;
  // Without its fragment a URL may end in punctuation ("…?id.#top"); the
  // normal form never does, so extracting it again gives the same value.
  url.resize(trimmed_url_end(url));
  return ParsedUrl{std::move(url), std::move(*h), host_offset, host_offset + host.size()};
}

// Where a URL ends once the trailing punctuation that belongs to the
// sentence is dropped (closing brackets only when unbalanced within it).
std::size_t trimmed_url_end(std::string_view url) {
  std::size_t end = url.size();
  while (end > 0) {
    const char c = url[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '*') {
      --end;
    } else if (c == ')' || c == ']') {
      const char open = c == ')' ? '(' : '[';
      const auto span = url.substr(0, end);
      if (std::count(span.begin(), span.end(), open) < std::count(span.begin(), span.end(), c)) --end;
      else break;
    } else {
      break;
    }
  }
  return end;
}

// The end of a URL starting at `begin`: up to a character that ends URLs,
// then trimmed as above.
std::size_t url_extent(std::string_view text, std::size_t begin, bool allow_unicode = false) {
  std::size_t end = begin;
  while (end < text.size() && end - begin < kMaxUrlLength && !ends_url(text[end], allow_unicode)) ++end;
  return begin + trimmed_url_end(text.substr(begin, end - begin));
}

bool starts_with_scheme(std::string_view text, std::size_t i) {
  auto rest = text.substr(i, 8);
  std::string l;
  for (char c : rest) l += lower(c);
  return l.starts_with("http://") || l.starts_with("https://") || l.starts_with("ftp://");
}

// Finds indicators in text (already refanged) and appends them to `hits`.
class Scanner {
 public:
  Scanner(std::string_view text, const ExtractOptions& options, std::vector<Hit>& hits)
      : text_(text), options_(options), hits_(hits) {}

  void run() {
    std::size_t i = 0;
    const std::size_t n = text_.size();
    while (i < n) {
      const char c = text_[i];
      if (!is_token_char(c)) {
        ++i;
        continue;
      }
      if (is_alpha(c) && (i == 0 || !is_alnum(text_[i - 1])) && starts_with_scheme(text_, i)) {
        const std::size_t end = url_extent(text_, i);
        if (add_url(i, end)) {
          i = end;
          continue;
        }
      }
      std::size_t j = i;
      while (j < n && is_token_char(text_[j])) ++j;
      if (j - i <= kMaxTokenLength) token(i, j);
      i = j;
    }
  }

  // A whole value that may be one indicator (IDN hosts allowed); false if it is not.
  bool whole(std::string_view value, std::size_t offset) {
    if (value.empty() || value.size() > kMaxTokenLength) return false;
    const std::size_t before = hits_.size();
    if (starts_with_scheme(value, 0)) {
      if (url_extent(value, 0, /*allow_unicode=*/true) != value.size()) return false;
      if (auto u = parse_url(value)) {
        push_url(*u, offset, offset + value.size());
        return true;
      }
      return false;
    }
    if (auto w = parse_wallet_address(value)) {
      push(wallet_type(w->kind), std::move(w->address), offset, offset + value.size());
      return true;
    }
    if (value.find_first_of(" \t\n") != std::string_view::npos) return false;
    part(value, offset, /*allow_unicode=*/true);
    return hits_.size() > before;
  }

 private:
  static IndicatorType wallet_type(WalletKind kind) {
    switch (kind) {
      case WalletKind::bitcoin: return IndicatorType::bitcoin_address;
      case WalletKind::ethereum: return IndicatorType::ethereum_address;
      case WalletKind::monero: return IndicatorType::monero_address;
    }
    return IndicatorType::bitcoin_address;
  }

  void push(IndicatorType type, std::string value, std::size_t begin, std::size_t end) {
    hits_.push_back(Hit{type, std::move(value), begin, end});
  }

  void push_url(const ParsedUrl& u, std::size_t begin, std::size_t end) {
    if (u.host.internal && !options_.keep_internal_addresses) return;
    push(IndicatorType::url, u.url, begin, end);
    push(u.host.type, u.host.value, begin + u.host_begin, begin + u.host_end);
  }

  bool add_url(std::size_t begin, std::size_t end) {
    auto u = parse_url(text_.substr(begin, end - begin));
    if (!u) return false;
    push_url(*u, begin, end);
    return true;
  }

  void token(std::size_t begin, std::size_t end) {
    std::string_view t = text_.substr(begin, end - begin);
    // Sentence punctuation around a token is not part of it.
    std::size_t lead = 0;
    while (lead < t.size() && (t[lead] == '.' || t[lead] == '-' || t[lead] == '+' || t[lead] == '/')) ++lead;
    t.remove_prefix(lead);
    begin += lead;
    while (!t.empty() && (t.back() == '.' || t.back() == '-' || t.back() == '+' || t.back() == '/')) t.remove_suffix(1);
    if (t.size() < 3) return;
    // IPv6 first, before ':' splits it: hex digits, colons, at most a dotted
    // IPv4 tail and a prefix length.
    if (std::count(t.begin(), t.end(), ':') >= 2 && ipv6(t, begin)) return;
    // Otherwise ':' separates ("ip:1.2.3.4", "1.2.3.4:443", "sha256:<hash>").
    std::size_t start = 0;
    while (start <= t.size()) {
      auto colon = t.find(':', start);
      if (colon == std::string_view::npos) colon = t.size();
      segment(t.substr(start, colon - start), begin + start);
      start = colon + 1;
    }
  }

  bool ipv6(std::string_view t, std::size_t offset) {
    std::string_view addr = t;
    std::string_view len;
    if (auto slash = t.find('/'); slash != std::string_view::npos) {
      addr = t.substr(0, slash);
      len = t.substr(slash + 1);
    }
    if (!std::all_of(addr.begin(), addr.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; })) return false;
    // "::" or eight groups: rules out times (12:30:45) and MAC addresses.
    if (addr.find("::") == std::string_view::npos && std::count(addr.begin(), addr.end(), ':') != 7) return false;
    auto a = IpAddress::parse(addr);
    if (!a) return false;
    return address(*a, len, offset, offset + t.size());
  }

  // Emits an address or, with a prefix length, a prefix; true if it parsed.
  bool address(const IpAddress& a, std::string_view len, std::size_t begin, std::size_t end) {
    if (!len.empty()) {
      if (len.size() > 3 || !std::all_of(len.begin(), len.end(), is_digit)) return false;
      unsigned bits = 0;
      for (char c : len) bits = bits * 10 + static_cast<unsigned>(c - '0');
      const unsigned max = a.is_v4() ? 32 : 128;
      if (bits > max) return false;
      if (bits < max) {
        const Prefix p = Prefix::make(a, bits);
        if (!options_.keep_internal_addresses && is_internal(p.network())) return true;
        push(IndicatorType::cidr, p.to_string(), begin, end);
        return true;
      }
    }
    if (!options_.keep_internal_addresses && is_internal(a)) return true;
    push(a.is_v4() ? IndicatorType::ipv4 : IndicatorType::ipv6, a.to_string(), begin, end);
    return true;
  }

  // A colon-free piece of a token; IPv4 prefixes keep their '/', other
  // slashes separate ("evil.example/path", "files/203.0.113.0/24").
  void segment(std::string_view s, std::size_t offset) {
    while (!s.empty()) {
      const auto slash = s.find('/');
      if (slash != std::string_view::npos && slash > 0) {
        const auto addr = s.substr(0, slash);
        const auto rest = s.substr(slash + 1);
        const auto digits =
            static_cast<std::size_t>(std::find_if(rest.begin(), rest.end(), [](char c) { return !is_digit(c); }) - rest.begin());
        if (digits > 0 && std::count(addr.begin(), addr.end(), '.') == 3 &&
            std::all_of(addr.begin(), addr.end(), [](char c) { return is_digit(c) || c == '.'; })) {
          if (auto a = IpAddress::parse(addr)) {
            const std::size_t used = slash + 1 + digits;
            address(*a, rest.substr(0, digits), offset, offset + used);
            s.remove_prefix(used);
            offset += used;
            continue;
          }
        }
      }
      const std::size_t end = slash == std::string_view::npos ? s.size() : slash;
      part(s.substr(0, end), offset, false);
      if (end == s.size()) break;
      s.remove_prefix(end + 1);
      offset += end + 1;
    }
  }

  void part(std::string_view p, std::size_t offset, bool allow_unicode) {
    auto edge = [](char c) { return c == '.' || c == '-' || c == '+' || c == '_' || c == '@'; };
    std::size_t lead = 0;
    while (lead < p.size() && edge(p[lead])) ++lead;
    p.remove_prefix(lead);
    offset += lead;
    while (!p.empty() && edge(p.back())) p.remove_suffix(1);
    if (p.size() < 3) return;
    const std::size_t end = offset + p.size();
    if (p.find('@') != std::string_view::npos) {
      email(p, offset, allow_unicode);
      return;
    }
    if (p.size() == 42 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
      if (auto w = parse_wallet_address(p)) push(IndicatorType::ethereum_address, std::move(w->address), offset, end);
      return;
    }
    if ((p.size() == 32 || p.size() == 40 || p.size() == 64) && all_hex(p)) {
      std::string v;
      for (char c : p) v += lower(c);
      push(p.size() == 32 ? IndicatorType::md5 : p.size() == 40 ? IndicatorType::sha1 : IndicatorType::sha256,
           std::move(v), offset, end);
      return;
    }
    const char p0 = lower(p[0]), p1 = lower(p[1]);
    if (p.size() >= 14 && p.size() <= 90 && ((p0 == 'b' && p1 == 'c') || (p0 == 't' && p1 == 'b')) && p[2] == '1') {
      if (auto w = parse_wallet_address(p)) {
        push(IndicatorType::bitcoin_address, std::move(w->address), offset, end);
        return;
      }
    }
    if (((p.size() >= 26 && p.size() <= 35) || p.size() == 95 || p.size() == 106) && all_base58(p)) {
      if (auto w = parse_wallet_address(p)) {
        push(wallet_type(w->kind), std::move(w->address), offset, end);
        return;
      }
    }
    if (std::all_of(p.begin(), p.end(), [](char c) { return is_digit(c) || c == '.'; })) {
      if (std::count(p.begin(), p.end(), '.') == 3)
        if (auto a = IpAddress::parse(p)) address(*a, {}, offset, end);
      return;
    }
    // Without a dot this is no host name, unless IDNA mapping may still make one
    // (the ideographic full stop U+3002 and its variants are label separators).
    if (p.find('.') == std::string_view::npos && !allow_unicode) return;
    domain(p, offset, allow_unicode);
  }

  void domain(std::string_view p, std::size_t offset, bool allow_unicode) {
    if (!allow_unicode && !std::all_of(p.begin(), p.end(), [](char c) { return is_alnum(c) || c == '.' || c == '-'; }))
      return;
    auto d = normalise_domain(p);
    if (!d) return;
    for (const auto& suffix : options_.excluded_suffixes)
      if (!suffix.empty() && d->size() >= suffix.size() && d->ends_with(suffix)) return;
    // Whether a defanged dot overrides this is decided by the caller, which knows the source.
    const bool looks_like_file = has_file_extension_suffix(*d);
    hits_.push_back(Hit{IndicatorType::domain, std::move(*d), offset, offset + p.size(), looks_like_file});
  }

  void email(std::string_view p, std::size_t offset, bool allow_unicode) {
    const auto at = p.find('@');
    if (at == 0 || at != p.rfind('@') || at > 64) return;
    const auto local = p.substr(0, at);
    if (!std::all_of(local.begin(), local.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '+'; }))
      return;
    if (local.front() == '.' || local.back() == '.') return;
    auto d = normalise_domain(p.substr(at + 1));
    if (!d) return;
    if (!allow_unicode && !std::all_of(p.begin(), p.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
      return;
    std::string v;
    for (char c : local) v += lower(c);
    v += '@';
    v += *d;
    push(IndicatorType::email, std::move(v), offset, offset + p.size());
  }

  std::string_view text_;
  const ExtractOptions& options_;
  std::vector<Hit>& hits_;
};

std::uint64_t type_tag(IndicatorType t) { return static_cast<std::uint64_t>(t); }

}  // namespace

IndicatorSet::IndicatorSet(ExtractOptions options) : options_(std::move(options)) {}

void IndicatorSet::add(IndicatorType type, std::string value, bool defanged, IndicatorSource source) {
  std::string key;
  key.reserve(value.size() + 1);
  key += static_cast<char>('a' + type_tag(type));
  key += value;
  auto it = index_.find(key);
  if (it != index_.end()) {
    Indicator& ind = indicators_[it->second];
    ind.defanged = ind.defanged || defanged;
    if (ind.sources.size() < kMaxSourcesPerIndicator &&
        std::find(ind.sources.begin(), ind.sources.end(), source) == ind.sources.end())
      ind.sources.push_back(std::move(source));
    return;
  }
  if (indicators_.size() >= options_.max_indicators) {
    truncated_ = true;
    return;
  }
  index_.emplace(std::move(key), indicators_.size());
  indicators_.push_back(Indicator{type, std::move(value), defanged, {std::move(source)}});
}

namespace {

// Runs the scanner over `input` (refanged first) and hands each hit, mapped
// back to input offsets, to `add`.
template <class Add>
void scan_into(std::string_view input, std::string_view field, const ExtractOptions& options, bool whole_value,
               Add&& add) {
  const RefangedText r = refang(input);
  std::vector<Hit> hits;
  Scanner scanner(r.text, options, hits);
  bool done = false;
  if (whole_value) done = scanner.whole(r.text, 0);
  if (!done) {
    hits.clear();
    scanner.run();
  }
  for (Hit& h : hits) {
    bool defanged = false;
    for (std::size_t i = h.begin; i < h.end && i < r.rewritten.size(); ++i) defanged = defanged || r.rewritten[i];
    // A name ending like a file is kept only when the reporter marked it as a
    // host by defanging it (evil[.]zip).
    if (h.file_like && !defanged) continue;
    const std::uint32_t o_begin = r.origin[h.begin];
    std::uint32_t o_end = r.origin[h.end];
    if (h.end > h.begin && o_end <= r.origin[h.end - 1]) o_end = r.origin[h.end - 1] + 1;
    add(h.type, std::move(h.value), defanged, IndicatorSource{std::string(field), o_begin, o_end - o_begin});
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

void IndicatorSet::add_text(std::string_view field, std::string_view text) {
  if (text.size() > options_.max_field_bytes) {
    text = text.substr(0, options_.max_field_bytes);
    truncated_ = true;
  }
  scan_into(text, field, options_, false, [&](IndicatorType t, std::string v, bool d, IndicatorSource s) {
    add(t, std::move(v), d, std::move(s));
  });
}

void IndicatorSet::add_value(std::string_view field, std::string_view value) {
  if (value.size() > options_.max_field_bytes) {
    add_text(field, value);
    return;
  }
  const std::string_view trimmed = trim(value);
  const auto lead = static_cast<std::uint32_t>(trimmed.data() - value.data());
  scan_into(trimmed, field, options_, true, [&](IndicatorType t, std::string v, bool d, IndicatorSource s) {
    s.offset += lead;
    add(t, std::move(v), d, std::move(s));
  });
}

std::vector<Indicator> extract_indicators(std::string_view text, std::string_view field, const ExtractOptions& options) {
  IndicatorSet set(options);
  set.add_text(field, text);
  return set.indicators();
}

IndicatorSet report_indicators(const Report& report, ExtractOptions options) {
  if (report.stage != Stage::quick && report.follow_up.ransomware &&
      !report.follow_up.ransomware->encrypted_extension.empty())
    options.excluded_suffixes.push_back(report.follow_up.ransomware->encrypted_extension);
  IndicatorSet set(std::move(options));
  auto list = [&](std::string_view name, const std::vector<std::string>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) set.add_value(fmt::format("{}[{}]", name, i), items[i]);
  };
  if (report.stage == Stage::quick) {
    set.add_value("affected_asset", report.quick.affected_asset);
    return set;
  }
  const FollowUpReport& f = report.follow_up;
  if (f.amendments.affected_asset) set.add_value("affected_asset", *f.amendments.affected_asset);
  set.add_text("changes", f.changes);
  set.add_text("description", f.description);
  list("iocs", f.iocs);
  if (f.ransomware) {
    const RansomwareDetails& r = *f.ransomware;
    set.add_text("ransomware.ransom_note", r.ransom_note);
    list("ransomware.wallet_addresses", r.wallet_addresses);
    list("ransomware.affected_systems", r.affected_systems);
    list("ransomware.iocs", r.iocs);
  }
  if (f.ddos) {
    list("ddos.targets", f.ddos->targets);
    list("ddos.iocs", f.ddos->iocs);
    set.add_text("ddos.mitigation_notes", f.ddos->mitigation_notes);
  }
  set.add_text("root_cause", f.root_cause);
  set.add_text("remediation", f.remediation);
  return set;
}

std::string indicators_to_json(std::span<const Indicator> indicators) {
  JsonWriter w;
  w.begin_array();
  for (const auto& ind : indicators) {
    w.begin_object();
    w.key("type").string(indicator_type_name(ind.type));
    w.key("value").string(ind.value);
    w.key("defanged").boolean(ind.defanged);
    w.key("sources").begin_array();
    for (const auto& s : ind.sources) {
      w.begin_object();
      w.key("field").string(s.field);
      w.key("offset").number(std::uint64_t{s.offset});
      w.key("length").number(std::uint64_t{s.length});
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  return w.take();
}

}  // namespace mamori::report

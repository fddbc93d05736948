#include "mamori/detect/allowlist/allowlist.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace mamori::detect {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view next_token(std::string_view& rest) {
  rest = trim(rest);
  std::size_t end = 0;
  while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t') ++end;
  std::string_view token = rest.substr(0, end);
  rest.remove_prefix(end);
  return token;
}

bool is_port_list(std::string_view t) {
  if (t == "*") return true;
  if (t.empty()) return false;
  return std::all_of(t.begin(), t.end(), [](char c) { return (c >= '0' && c <= '9') || c == ','; });
}

Result<std::vector<std::uint16_t>> parse_ports(std::string_view t) {
  std::vector<std::uint16_t> ports;
  if (t == "*") return ports;
  while (!t.empty()) {
    const std::size_t comma = t.find(',');
    const std::string_view one = t.substr(0, comma);
    unsigned v = 0;
    auto [end, ec] = std::from_chars(one.data(), one.data() + one.size(), v);
    if (one.empty() || ec != std::errc() || end != one.data() + one.size() || v > 65535) {
      return fail(Errc::parse_error, "'{}' is not a port", one);
    }
    ports.push_back(static_cast<std::uint16_t>(v));
    if (comma == std::string_view::npos) break;
    t.remove_prefix(comma + 1);
    if (t.empty()) return fail(Errc::parse_error, "empty port after ','");
  }
  return ports;
}

}  // namespace

Result<Allowlist> Allowlist::parse(std::string_view text, std::string_view source) {
  Allowlist list;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::string_view rest = line;
    const std::string_view address = next_token(rest);
    auto prefix = address.find('/') == std::string_view::npos
                      ? IpAddress::parse(address).map([](IpAddress a) { return Prefix::make(a, a.is_v4() ? 32 : 128); })
                      : Prefix::parse(address);
    if (!prefix) return fail(Errc::parse_error, "{}:{}: '{}' is not an address or prefix", source, line_no, address);
    AllowEntry entry{*prefix, {}, {}, fmt::format("{}:{}", source, line_no)};
    std::string_view after = rest;
    const std::string_view ports = next_token(after);
    if (is_port_list(ports)) {
      auto parsed = parse_ports(ports);
      if (!parsed) return fail(Errc::parse_error, "{}:{}: {}", source, line_no, parsed.error().message);
      entry.ports = std::move(*parsed);
      rest = after;
    }
    entry.reason = std::string(trim(rest));
    list.entries_.push_back(std::move(entry));
  }
  std::stable_sort(list.entries_.begin(), list.entries_.end(),
                   [](const AllowEntry& a, const AllowEntry& b) { return a.prefix.bits128() > b.prefix.bits128(); });
  return list;
}

Result<Allowlist> Allowlist::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io_error, "{}: cannot open allow-list", path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Allowlist Allowlist::builtin_default() {
  auto list = parse(default_allowlist_text(), "allowlist-default.txt");
  // The compiled-in text is checked by a unit test against the data file; it always parses.
  return list ? std::move(*list) : Allowlist{};
}

void Allowlist::append(const Allowlist& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const AllowEntry& a, const AllowEntry& b) { return a.prefix.bits128() > b.prefix.bits128(); });
}

long Allowlist::match(const Finding& f) const noexcept {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const AllowEntry& e = entries_[i];
    if (!e.prefix.contains(f.endpoint)) continue;
    if (e.ports.empty()) return static_cast<long>(i);
    for (auto p : f.ports)
      if (std::find(e.ports.begin(), e.ports.end(), p) != e.ports.end()) return static_cast<long>(i);
  }
  return -1;
}

}  // namespace mamori::detect

#include "mamori/flow/simulate/attacks/label_file.hpp"

#include <algorithm>
#include <charconv>

namespace mamori::flow::sim::attacks {

namespace {

template <class T>
bool parse_number(std::string_view text, T& out) noexcept {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t next = text.find(sep, pos);
    out.push_back(text.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

// Names and roles are plain words; anything else would need CSV quoting.
bool is_word(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

std::string format_port_list(const std::vector<std::uint16_t>& ports) {
  std::string out;
  std::size_t i = 0;
  while (i < ports.size()) {
    std::size_t j = i;
    while (j + 1 < ports.size() && ports[j + 1] == ports[j] + 1) ++j;
    if (!out.empty()) out += ';';
    if (j >= i + 2) {
      out += fmt::format("{}-{}", ports[i], ports[j]);
      i = j + 1;
    } else {
      out += std::to_string(ports[i]);
      ++i;
    }
  }
  return out;
}

Result<std::vector<std::uint16_t>> parse_port_list(std::string_view text) {
  std::vector<std::uint16_t> out;
  if (text.empty()) return out;
  for (std::string_view item : split(text, ';')) {
    const std::size_t dash = item.find('-');
    std::uint16_t lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      if (!parse_number(item, lo)) return fail(Errc::parse_error, "bad port '{}'", item);
      hi = lo;
    } else if (!parse_number(item.substr(0, dash), lo) || !parse_number(item.substr(dash + 1), hi) || hi < lo) {
      return fail(Errc::parse_error, "bad port range '{}'", item);
    }
    for (std::uint32_t p = lo; p <= hi; ++p) out.push_back(static_cast<std::uint16_t>(p));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string format_label_csv(const std::vector<LabelRow>& rows) {
  std::string out(kLabelHeader);
  out += '\n';
  for (const LabelRow& r : rows) {
    std::string protos;
    for (std::uint8_t p : r.protos) {
      if (!protos.empty()) protos += ';';
      protos += std::to_string(p);
    }
    out += fmt::format("{},{},{},{},{},{},{},{},{}\n", r.attack, r.endpoint.to_string(), r.role,
                       format_port_list(r.ports), protos, format_rfc3339(r.start), format_rfc3339(r.end), r.label,
                       r.peers);
  }
  return out;
}

Result<std::vector<LabelRow>> parse_label_csv(std::string_view text) {
  std::vector<LabelRow> rows;
  std::size_t line_no = 0;
  bool header_seen = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!header_seen) {
      if (line != kLabelHeader) return fail(Errc::parse_error, "line {}: expected the header '{}'", line_no, kLabelHeader);
      header_seen = true;
      continue;
    }
    const auto cells = split(line, ',');
    if (cells.size() != 9) return fail(Errc::parse_error, "line {}: {} columns, expected 9", line_no, cells.size());
    LabelRow r;
    if (!is_word(cells[0])) return fail(Errc::parse_error, "line {}: bad attack '{}'", line_no, cells[0]);
    r.attack = cells[0];
    auto endpoint = IpAddress::parse(cells[1]);
    if (!endpoint) return fail(Errc::parse_error, "line {}: bad endpoint '{}'", line_no, cells[1]);
    r.endpoint = *endpoint;
    if (!is_word(cells[2])) return fail(Errc::parse_error, "line {}: bad role '{}'", line_no, cells[2]);
    r.role = cells[2];
    auto ports = parse_port_list(cells[3]);
    if (!ports) return fail(Errc::parse_error, "line {}: {}", line_no, ports.error().message);
    r.ports = std::move(*ports);
    if (!cells[4].empty()) {
      for (std::string_view p : split(cells[4], ';')) {
        std::uint8_t proto = 0;
        if (!parse_number(p, proto)) return fail(Errc::parse_error, "line {}: bad proto '{}'", line_no, p);
        r.protos.push_back(proto);
      }
    }
    auto start = parse_rfc3339(cells[5]);
    auto end = parse_rfc3339(cells[6]);
    if (!start || !end) return fail(Errc::parse_error, "line {}: start and end must be RFC 3339 times", line_no);
    r.start = *start;
    r.end = *end;
    if (!parse_number(cells[7], r.label) || r.label == 0) {
      return fail(Errc::parse_error, "line {}: bad label '{}' (1-65535)", line_no, cells[7]);
    }
    if (!parse_number(cells[8], r.peers)) return fail(Errc::parse_error, "line {}: bad peers '{}'", line_no, cells[8]);
    rows.push_back(std::move(r));
  }
  if (!header_seen) return fail(Errc::parse_error, "empty labels file (expected the header '{}')", kLabelHeader);
  return rows;
}

}  // namespace mamori::flow::sim::attacks

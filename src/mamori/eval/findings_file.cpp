#include "mamori/eval/findings_file.hpp"

#include <cstdio>

#include <boost/json.hpp>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/time.hpp"

namespace mamori::eval {

namespace {

namespace json = boost::json;

bool is_integer(const json::value& v) noexcept { return v.is_int64() || v.is_uint64(); }

bool non_negative_integer(const json::value& v) noexcept {
  return v.is_uint64() || (v.is_int64() && v.get_int64() >= 0);
}

double as_number(const json::value& v) noexcept {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  return static_cast<double>(v.get_uint64());
}

// The reason a line is not a valid finding, or "" when it is one.
std::string check_line(std::string_view line, ReportedFinding& out) {
  boost::system::error_code ec;
  json::value doc = json::parse(line, ec);
  if (ec) return "not valid JSON: " + ec.message();
  if (!doc.is_object()) return "a finding must be a JSON object";
  const json::object& o = doc.get_object();
  auto string_field = [&](std::string_view key, bool required, std::string& into) -> std::string {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) return required ? fmt::format("missing \"{}\"", key) : "";
    if (!v->is_string()) return fmt::format("\"{}\" must be a string", key);
    into.assign(v->get_string().data(), v->get_string().size());
    if (required && into.empty()) return fmt::format("\"{}\" is empty", key);
    return "";
  };
  std::string error;
  if (!(error = string_field("kind", true, out.kind)).empty()) return error;
  if (!(error = string_field("endpoint", true, out.endpoint)).empty()) return error;
  if (!(error = string_field("detector", false, out.detector)).empty()) return error;
  if (!(error = string_field("role", false, out.role)).empty()) return error;
  std::string scratch;
  if (!(error = string_field("summary", false, scratch)).empty()) return error;
  if (auto address = IpAddress::parse(out.endpoint)) out.endpoint = address->to_string();
  if (const json::value* v = o.if_contains("score")) {
    if (!v->is_number()) return "\"score\" must be a number";
    out.score = as_number(*v);
    if (!(out.score >= 0.0 && out.score <= 100.0)) return fmt::format("\"score\" {} is outside 0-100", out.score);
    out.has_score = true;
  }
  if (const json::value* v = o.if_contains("ports")) {
    if (!v->is_array()) return "\"ports\" must be an array of port numbers";
    for (const json::value& p : v->get_array()) {
      if (!is_integer(p) || !non_negative_integer(p) || as_number(p) > 65535) {
        return "\"ports\" must be an array of port numbers";
      }
    }
  }
  if (const json::value* v = o.if_contains("proto")) {
    // A protocol number, or a name some writers prefer ("tcp").
    if (!v->is_string() && !(non_negative_integer(*v) && as_number(*v) <= 255)) {
      return "\"proto\" must be a protocol number or name";
    }
  }
  for (std::string_view key : {"first_seen", "last_seen"}) {
    if (const json::value* v = o.if_contains(key)) {
      if (!v->is_string() || !parse_rfc3339(std::string_view(v->get_string().data(), v->get_string().size()))) {
        return fmt::format("\"{}\" must be an RFC 3339 time", key);
      }
    }
  }
  for (std::string_view key : {"flows", "peers"}) {
    if (const json::value* v = o.if_contains(key); v != nullptr && !non_negative_integer(*v)) {
      return fmt::format("\"{}\" must be a non-negative integer", key);
    }
  }
  return "";
}

}  // namespace

FindingsText parse_findings(std::string_view text) {
  FindingsText out;
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;
    ++out.lines;
    ReportedFinding f;
    f.line = line_no;
    std::string error = check_line(line, f);
    if (error.empty()) {
      out.findings.push_back(std::move(f));
    } else {
      out.errors.push_back({line_no, std::move(error)});
    }
  }
  return out;
}

Result<std::string> read_text_file(const std::string& path) {
  const bool stdin_input = path == "-";
  std::FILE* f = stdin_input ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return fail(Errc::io_error, "{}: cannot open", path);
  std::string text;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  if (!stdin_input) std::fclose(f);
  if (failed) return fail(Errc::io_error, "{}: read error", path);
  return text;
}

}  // namespace mamori::eval

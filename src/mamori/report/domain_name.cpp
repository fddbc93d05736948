#include "mamori/report/domain_name.hpp"

#include <idn2.h>

#include <algorithm>
#include <array>
#include <memory>

namespace mamori::report {

namespace {

inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool is_alpha(char c) noexcept { return c >= 'a' && c <= 'z'; }
inline bool is_ldh(char c) noexcept { return is_alpha(c) || (c >= '0' && c <= '9') || c == '-'; }

// Checks a lowercase ASCII name: LDH labels of 1..63 bytes not starting or
// ending with '-', at least two labels, a top label that is alphabetic or an A-label.
Status check_ascii_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxDomainLength)
    return fail(Errc::invalid_argument, "domain name must be 1..{} bytes", kMaxDomainLength);
  std::size_t labels = 0;
  std::size_t start = 0;
  std::string_view last;
  while (start <= name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const auto label = name.substr(start, dot - start);
    if (label.empty()) return fail(Errc::invalid_argument, "domain name has an empty label");
    if (label.size() > 63) return fail(Errc::invalid_argument, "domain label longer than 63 bytes");
    if (label.front() == '-' || label.back() == '-')
      return fail(Errc::invalid_argument, "domain label starts or ends with '-'");
    for (char c : label)
      if (!is_ldh(c)) return fail(Errc::invalid_argument, "domain name contains '{}'", c);
    ++labels;
    last = label;
    start = dot + 1;
  }
  if (labels < 2) return fail(Errc::invalid_argument, "domain name needs at least two labels");
  if (!last.starts_with("xn--") && !std::all_of(last.begin(), last.end(), is_alpha))
    return fail(Errc::invalid_argument, "top-level label '{}' is not alphabetic", last);
  if (last.size() < 2) return fail(Errc::invalid_argument, "top-level label '{}' is too short", last);
  return {};
}

struct IdnFree {
  void operator()(char* p) const noexcept { idn2_free(p); }
};

}  // namespace

Result<std::string> normalise_domain(std::string_view name) {
  if (name.empty()) return fail(Errc::invalid_argument, "empty domain name");
  // 4 bytes per character at most, before mapping; longer input cannot be a name.
  if (name.size() > 4 * kMaxDomainLength) return fail(Errc::invalid_argument, "domain name too long");
  if (name.back() == '.') name.remove_suffix(1);
  bool ascii = true;
  bool a_label = false;
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
    } else if (!is_ldh(lower(c)) && c != '.') {
      // UTS #46 mapping would quietly drop or map some ASCII punctuation;
      // a name with any is not a host name in a report.
      return fail(Errc::invalid_argument, "domain name contains '{}'", c == '\0' ? std::string("NUL") : std::string(1, c));
    }
    out += lower(c);
  }
  if (ascii) {
    a_label = out.starts_with("xn--") || out.find(".xn--") != std::string::npos;
    if (!a_label) {
      if (auto ok = check_ascii_name(out); !ok) return tl::unexpected(ok.error());
      return out;
    }
  }
  // Non-ASCII or A-labels: UTS #46 mapping (case folding, width, the ideographic
  // full stop) and IDNA 2008 validation, which also checks the Punycode of A-labels.
  char* mapped = nullptr;
  const std::string input(name);
  const int rc = idn2_to_ascii_8z(input.c_str(), &mapped,
                                  IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL | IDN2_USE_STD3_ASCII_RULES);
  std::unique_ptr<char, IdnFree> owned(mapped);
  if (rc != IDN2_OK) return fail(Errc::invalid_argument, "not a valid internationalised domain name: {}", idn2_strerror(rc));
  std::string result(mapped);
  for (char& c : result) c = lower(c);
  if (!result.empty() && result.back() == '.') result.pop_back();
  if (auto ok = check_ascii_name(result); !ok) return tl::unexpected(ok.error());
  // The A-labels must themselves be accepted as they are: mapping can yield
  // labels that IDNA 2008 refuses on lookup, and such a value would never
  // match the same name written in its A-label form.
  char* again = nullptr;
  const int rc2 = idn2_to_ascii_8z(result.c_str(), &again, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL | IDN2_USE_STD3_ASCII_RULES);
  std::unique_ptr<char, IdnFree> owned_again(again);
  if (rc2 != IDN2_OK || result != again)
    return fail(Errc::invalid_argument, "not a valid internationalised domain name: its A-label form does not validate");
  return result;
}

bool has_file_extension_suffix(std::string_view name) noexcept {
  // File types that turn up in incident reports. Real TLDs that are mostly
  // seen as file names here (.zip, .mov, .sh, .py, .md) are listed; those
  // widely used for hosts (.pl, .rs, .so, .cc, .ai, .io) are not.
  static constexpr std::string_view kExtensions[] = {
      "exe",  "dll",   "sys",   "bat",   "cmd",   "ps1",  "psm1", "psd1", "vbs",    "vbe",  "js",   "jse",
      "wsf",  "wsh",   "hta",   "lnk",   "scr",   "msi",  "msp",  "cpl",  "jar",    "apk",  "elf",  "bin",
      "dat",  "tmp",   "log",   "txt",   "csv",   "json", "xml",  "html", "htm",    "php",  "asp",  "aspx",
      "jsp",  "py",    "rb",    "sh",    "cpp",   "hpp",  "md",   "doc",  "docx",   "docm", "dot",  "dotm",
      "xls",  "xlsx",  "xlsm",  "ppt",   "pptx",  "pdf",  "rtf",  "odt",  "zip",    "rar",  "gz",   "tar",
      "tgz",  "bz2",   "xz",    "iso",   "img",   "vhd",  "vhdx", "vmdk", "jpg",    "jpeg", "png",  "gif",
      "bmp",  "svg",   "ico",   "mp3",   "mp4",   "mov",  "avi",  "wav",  "ini",    "cfg",  "conf", "yaml",
      "yml",  "toml",  "db",    "sqlite", "bak",  "key",  "pem",  "crt",  "dmp",    "evtx", "pcap", "locked"};
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || name.size() - dot - 1 > 8) return false;
  char buf[8];
  const auto ext = name.substr(dot + 1);
  for (std::size_t i = 0; i < ext.size(); ++i) buf[i] = lower(ext[i]);
  const std::string_view e(buf, ext.size());
  return !e.empty() && std::find(std::begin(kExtensions), std::end(kExtensions), e) != std::end(kExtensions);
}

}  // namespace mamori::report

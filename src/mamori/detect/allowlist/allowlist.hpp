#pragma once
// Known-benign services whose findings are suppressed: an address or prefix,
// optionally the service ports, and the reason it is benign. One entry a line:
//
//   # comment
//   8.8.8.8/32      53,853   Google Public DNS (anycast resolver)
//   2001:db8::/32   *        a partner's network
//
// The second field is a comma-separated port list or `*` (any port); the rest
// of the line is the reason. A finding is suppressed when its endpoint is
// inside an entry's prefix and, for entries with ports, one of its ports is listed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"
#include "mamori/detect/finding.hpp"

namespace mamori::detect {

struct AllowEntry {
  Prefix prefix;
  std::vector<std::uint16_t> ports;  // empty = any port
  std::string reason;
  std::string source;  // file:line, for reports
};

class Allowlist {
 public:
  // Parses list text; `source` names it in errors ("FILE:LINE: ...").
  static Result<Allowlist> parse(std::string_view text, std::string_view source);
  static Result<Allowlist> load(const std::string& path);
  // The list shipped as data/allowlist-default.txt (compiled in).
  static Allowlist builtin_default();

  void append(const Allowlist& other);
  // Index of the most specific entry that suppresses `f`, or -1.
  long match(const Finding& f) const noexcept;

  const std::vector<AllowEntry>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }

 private:
  std::vector<AllowEntry> entries_;  // most specific prefix first
};

// The text of data/allowlist-default.txt, compiled into the binary.
std::string_view default_allowlist_text() noexcept;

}  // namespace mamori::detect

#pragma once
// Indicators (observables) extracted from report fields and free text, so that
// reports correlate with each other, with intel and with findings (R-RPT 4).
//
// Extraction is a single left-to-right scan without regular expressions or
// recursion: bounded time and memory on hostile input (fuzz/report_indicators_fuzz.cpp).
// Defanged forms are undone first (refang.hpp). Every value is normalised
// (addresses in canonical text form, domains as lowercase A-labels, URLs with
// lowercase scheme and host and no default port or fragment, hashes and
// Ethereum addresses lowercase) and deduplicated; each indicator keeps every
// place it was found (up to kMaxSourcesPerIndicator).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mamori/report/model.hpp"

namespace mamori::report {

enum class IndicatorType : std::uint8_t {
  ipv4,
  ipv6,
  cidr,
  domain,
  url,
  email,
  md5,
  sha1,
  sha256,
  bitcoin_address,
  ethereum_address,
  monero_address,
};

std::string_view indicator_type_name(IndicatorType type) noexcept;

struct IndicatorSource {
  std::string field;          // JSON path of the field, e.g. "ransomware.iocs[3]"
  std::uint32_t offset = 0;   // byte offset in that field's text, as the reporter wrote it
  std::uint32_t length = 0;   // bytes of the original (possibly defanged) text

  friend bool operator==(const IndicatorSource&, const IndicatorSource&) = default;
};

struct Indicator {
  IndicatorType type = IndicatorType::ipv4;
  std::string value;  // normalised
  bool defanged = false;  // written defanged at least once
  std::vector<IndicatorSource> sources;

  friend bool operator==(const Indicator&, const Indicator&) = default;
};

struct ExtractOptions {
  std::size_t max_field_bytes = 1 << 20;  // the rest of a longer field is not scanned
  std::size_t max_indicators = 10000;     // distinct indicators per set
  // Loopback, private (RFC 1918, ULA), link-local, multicast and unspecified
  // addresses and prefixes name the victim's own network, not the attacker's:
  // they would only correlate unrelated victims. Off unless asked for.
  bool keep_internal_addresses = false;
  // Names ending in these (e.g. the ransomware's ".lockbit") are files, not hosts.
  std::vector<std::string> excluded_suffixes;
};

// Collects indicators from several fields, deduplicating across them.
class IndicatorSet {
 public:
  explicit IndicatorSet(ExtractOptions options = {});

  // Scans free text.
  void add_text(std::string_view field, std::string_view text);
  // A field meant to hold one indicator (a wallet list entry, a DDoS target):
  // the whole trimmed value is tried first, including internationalised
  // domain names that free-text scanning leaves alone, then scanned as text.
  void add_value(std::string_view field, std::string_view value);

  // In order of first appearance.
  const std::vector<Indicator>& indicators() const noexcept { return indicators_; }
  // True when a field was cut at max_field_bytes or max_indicators was reached.
  bool truncated() const noexcept { return truncated_; }

 private:
  void add(IndicatorType type, std::string value, bool defanged, IndicatorSource source);

  ExtractOptions options_;
  std::vector<Indicator> indicators_;
  std::unordered_map<std::string, std::size_t> index_;  // type tag + value -> position
  bool truncated_ = false;
};

inline constexpr std::size_t kMaxSourcesPerIndicator = 32;

// Every indicator in a free text, with `field` as the source.
std::vector<Indicator> extract_indicators(std::string_view text, std::string_view field = "text",
                                          const ExtractOptions& options = {});

// Every indicator of a report: the affected asset, contact excluded (it names
// the reporter, not the attacker), description, IoC lists, ransom note,
// wallets, DDoS targets. The ransomware's file extension is excluded as a
// domain suffix automatically.
IndicatorSet report_indicators(const Report& report, ExtractOptions options = {});

// [{"type":"ipv4","value":"...","defanged":true,"sources":[{"field":"...","offset":0,"length":9}]}]
std::string indicators_to_json(std::span<const Indicator> indicators);

}  // namespace mamori::report

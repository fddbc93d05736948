#pragma once
// Loads indicators into an IndicatorSet from
//  * STIX 2.1 (a bundle, one object, or an array of objects): ipv4-addr and
//    ipv6-addr SCOs, and `indicator` objects whose STIX pattern names
//    addresses (stix_pattern.hpp); the indicator's id, name and TLP marking
//    (TLP 2.0 and 1.0 ids, or marking definitions in the bundle) are kept.
//    Revoked objects, non-STIX pattern types and patterns an address alone
//    does not satisfy are skipped and counted.
//  * CSV: the column named ip, indicator or value (any case) when the first
//    line is a header, else the first column; name/description and tlp
//    columns are kept when present.
//  * plain lists: one address or CIDR a line, `#` starts a comment.
// Malformed input is an error naming the file and line.
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/detect/indicator/indicator_set.hpp"

namespace mamori::detect {

enum class IndicatorFormat : std::uint8_t { automatic, stix, csv, list };

Result<IndicatorFormat> parse_indicator_format(std::string_view name);
// By extension (.json/.stix, .csv), else by content ('{' or '[' first: STIX).
IndicatorFormat guess_indicator_format(std::string_view path, std::string_view text) noexcept;

Status load_stix_indicators(std::string_view text, std::string_view source, IndicatorSet& into);
Status load_csv_indicators(std::string_view text, std::string_view source, IndicatorSet& into);
Status load_list_indicators(std::string_view text, std::string_view source, IndicatorSet& into);

Status load_indicators(std::string_view text, std::string_view source, IndicatorFormat format, IndicatorSet& into);
Status load_indicator_file(const std::string& path, IndicatorFormat format, IndicatorSet& into);

// "amber" for a TLP 2.0 or 1.0 marking-definition id, empty when unknown.
std::string_view tlp_of_marking(std::string_view marking_id) noexcept;

}  // namespace mamori::detect

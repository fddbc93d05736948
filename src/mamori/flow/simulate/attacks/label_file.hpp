#pragma once
// The labels file: one CSV row per planted endpoint, written by
// `mamori simulate traffic --labels` and read by `mamori eval`
// (docs/evaluation.md). Columns:
//   attack,endpoint,role,ports,proto,start,end,label,peers
// ports and proto hold ';'-separated values (ports may be ranges a-b);
// start and end are RFC 3339; label is the flow label of the instance.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"

namespace mamori::flow::sim::attacks {

inline constexpr std::string_view kLabelHeader = "attack,endpoint,role,ports,proto,start,end,label,peers";

struct LabelRow {
  std::string attack;
  IpAddress endpoint;
  std::string role;
  std::vector<std::uint16_t> ports;  // ascending, distinct
  std::vector<std::uint8_t> protos;  // ascending, distinct
  TimeNs start = 0;                  // first planted flow's start
  TimeNs end = 0;                    // last planted flow's end
  std::uint16_t label = 0;
  std::uint64_t peers = 0;           // distinct counterparts in the planted flows

  friend bool operator==(const LabelRow&, const LabelRow&) = default;
};

// "22;80;8000-8010": runs of three or more consecutive ports become ranges.
std::string format_port_list(const std::vector<std::uint16_t>& ports);
Result<std::vector<std::uint16_t>> parse_port_list(std::string_view text);

// The whole file, header first, one line per row.
std::string format_label_csv(const std::vector<LabelRow>& rows);
// Errors name the line: "line 7: bad endpoint '1.2.3'".
Result<std::vector<LabelRow>> parse_label_csv(std::string_view text);

}  // namespace mamori::flow::sim::attacks

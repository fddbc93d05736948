#pragma once
// The compiled form of a filter: a tree of n-ary AND/OR/NOT nodes over typed
// leaves. Names, protocols, masks and lists are all resolved by the parser,
// so evaluation is a switch on small enums and integer compares.
#include <cstdint>
#include <string>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/flow/mflow/column_batch.hpp"

namespace mamori::flow::filter {

// What a leaf looks at. Derived operands are computed from several columns.
enum class Operand : std::uint8_t {
  src_addr,
  dst_addr,
  src_port,
  dst_port,
  proto,
  tos,
  tcp_flags,
  input_if,
  output_if,
  packets,
  bytes,
  duration_ms,  // (end - start) in whole milliseconds
  pps,          // packets * 1000 / duration_ms, 0 when the duration is 0
  bps,          // bytes * 8000 / duration_ms, 0 when the duration is 0
  bpp,          // bytes / packets, 0 when there are no packets
  icmp_type,    // dst_port >> 8
  icmp_code,    // dst_port & 0xff
};

enum class Cmp : std::uint8_t { eq, gt, lt, ge, le };

enum class LeafKind : std::uint8_t {
  compare,      // operand <cmp> value
  in_int_set,   // operand in int_sets[set]
  addr_equal,   // operand == addr
  addr_prefix,  // prefix.contains(operand)
  addr_in_set,  // operand in addr_sets[set]
  is_v4,        // operand is an IPv4 address
  is_v6,
  flags_all,    // (operand & value) == value
  flags_any,    // (operand & value) != 0
};

struct Leaf {
  LeafKind kind = LeafKind::compare;
  Operand operand = Operand::proto;
  Cmp cmp = Cmp::eq;
  std::uint64_t value = 0;
  IpAddress addr;
  Prefix prefix;
  std::uint32_t set = 0;
};

// Membership of 16-bit values (ports, protocols).
struct IntSet {
  std::vector<std::uint64_t> bits = std::vector<std::uint64_t>(65536 / 64, 0);
  void add(std::uint32_t v) { bits[v >> 6] |= std::uint64_t{1} << (v & 63); }
  bool contains(std::uint64_t v) const noexcept { return v < 65536 && ((bits[v >> 6] >> (v & 63)) & 1); }
};

// Addresses and prefixes: one sorted table of masked networks per prefix length.
struct AddressSet {
  struct Level {
    unsigned bits = 0;  // prefix length in the 128-bit form
    std::uint64_t mask_hi = 0, mask_lo = 0;
    std::vector<IpAddress> networks;
  };
  std::vector<Level> levels;
  void add(const Prefix& p);
  void finish();  // sorts and deduplicates
  bool contains(const IpAddress& a) const noexcept;
};

enum class NodeKind : std::uint8_t { all, none, and_, or_, not_, leaf };

struct Node {
  NodeKind kind = NodeKind::all;
  // and_/or_: children[begin, end); not_: children[begin]; leaf: leaves[begin].
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

struct Program {
  std::vector<Node> nodes;
  std::vector<std::uint32_t> children;
  std::vector<Leaf> leaves;
  std::vector<IntSet> int_sets;
  std::vector<AddressSet> addr_sets;
  std::uint32_t root = 0;
  ColumnSet columns = 0;
  std::string expression;
};

ColumnSet operand_columns(Operand op) noexcept;
std::string_view operand_name(Operand op) noexcept;
std::string dump_program(const Program& program);

}  // namespace mamori::flow::filter

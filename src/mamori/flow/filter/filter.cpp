#include "mamori/flow/filter/filter.hpp"

#include <algorithm>
#include <limits>

#include "mamori/flow/filter/filter_parser.hpp"
#include "mamori/flow/filter/filter_program.hpp"

namespace mamori::flow {

namespace filter {

void AddressSet::add(const Prefix& p) {
  const unsigned bits = p.bits128();
  auto it = std::find_if(levels.begin(), levels.end(), [&](const Level& l) { return l.bits == bits; });
  if (it == levels.end()) {
    Level l;
    l.bits = bits;
    l.mask_hi = bits >= 64 ? ~0ULL : (bits == 0 ? 0 : ~0ULL << (64 - bits));
    l.mask_lo = bits <= 64 ? 0 : (bits == 128 ? ~0ULL : ~0ULL << (128 - bits));
    levels.push_back(std::move(l));
    it = levels.end() - 1;
  }
  it->networks.push_back(p.network());
}

void AddressSet::finish() {
  for (Level& l : levels) {
    std::sort(l.networks.begin(), l.networks.end());
    l.networks.erase(std::unique(l.networks.begin(), l.networks.end()), l.networks.end());
  }
  // Host entries first: they are the common case of large lists.
  std::sort(levels.begin(), levels.end(), [](const Level& a, const Level& b) { return a.bits > b.bits; });
}

bool AddressSet::contains(const IpAddress& a) const noexcept {
  for (const Level& l : levels) {
    IpAddress masked(a.hi() & l.mask_hi, a.lo() & l.mask_lo);
    if (std::binary_search(l.networks.begin(), l.networks.end(), masked)) return true;
  }
  return false;
}

ColumnSet operand_columns(Operand op) noexcept {
  switch (op) {
    case Operand::src_addr: return column_bit(FlowField::src_addr);
    case Operand::dst_addr: return column_bit(FlowField::dst_addr);
    case Operand::src_port: return column_bit(FlowField::src_port);
    case Operand::dst_port: return column_bit(FlowField::dst_port);
    case Operand::proto: return column_bit(FlowField::proto);
    case Operand::tos: return column_bit(FlowField::tos);
    case Operand::tcp_flags: return column_bit(FlowField::tcp_flags);
    case Operand::input_if: return column_bit(FlowField::input_if);
    case Operand::output_if: return column_bit(FlowField::output_if);
    case Operand::packets: return column_bit(FlowField::packets);
    case Operand::bytes: return column_bit(FlowField::bytes);
    case Operand::duration_ms: return column_bit(FlowField::start_ns) | column_bit(FlowField::end_ns);
    case Operand::pps:
      return column_bit(FlowField::start_ns) | column_bit(FlowField::end_ns) | column_bit(FlowField::packets);
    case Operand::bps:
      return column_bit(FlowField::start_ns) | column_bit(FlowField::end_ns) | column_bit(FlowField::bytes);
    case Operand::bpp: return column_bit(FlowField::packets) | column_bit(FlowField::bytes);
    case Operand::icmp_type:
    case Operand::icmp_code: return column_bit(FlowField::dst_port);
  }
  return 0;
}

std::string_view operand_name(Operand op) noexcept {
  switch (op) {
    case Operand::src_addr: return "src_addr";
    case Operand::dst_addr: return "dst_addr";
    case Operand::src_port: return "src_port";
    case Operand::dst_port: return "dst_port";
    case Operand::proto: return "proto";
    case Operand::tos: return "tos";
    case Operand::tcp_flags: return "tcp_flags";
    case Operand::input_if: return "input_if";
    case Operand::output_if: return "output_if";
    case Operand::packets: return "packets";
    case Operand::bytes: return "bytes";
    case Operand::duration_ms: return "duration_ms";
    case Operand::pps: return "pps";
    case Operand::bps: return "bps";
    case Operand::bpp: return "bpp";
    case Operand::icmp_type: return "icmp_type";
    case Operand::icmp_code: return "icmp_code";
  }
  return "?";
}

namespace {

constexpr std::string_view kCmpNames[] = {"==", ">", "<", ">=", "<="};

void dump_node(const Program& p, std::uint32_t id, int indent, std::string& out) {
  const Node& n = p.nodes[id];
  out.append(static_cast<std::size_t>(indent) * 2, ' ');
  switch (n.kind) {
    case NodeKind::all: out += "any\n"; return;
    case NodeKind::none: out += "none\n"; return;
    case NodeKind::not_: out += "not\n"; break;
    case NodeKind::and_: out += "and\n"; break;
    case NodeKind::or_: out += "or\n"; break;
    case NodeKind::leaf: {
      const Leaf& l = p.leaves[n.begin];
      std::string_view op = operand_name(l.operand);
      switch (l.kind) {
        case LeafKind::compare:
          out += fmt::format("{} {} {}\n", op, kCmpNames[static_cast<int>(l.cmp)], l.value);
          break;
        case LeafKind::in_int_set: out += fmt::format("{} in set#{}\n", op, l.set); break;
        case LeafKind::addr_equal: out += fmt::format("{} == {}\n", op, l.addr.to_string()); break;
        case LeafKind::addr_prefix: out += fmt::format("{} in {}\n", op, l.prefix.to_string()); break;
        case LeafKind::addr_in_set: out += fmt::format("{} in list#{}\n", op, l.set); break;
        case LeafKind::is_v4: out += fmt::format("{} is ipv4\n", op); break;
        case LeafKind::is_v6: out += fmt::format("{} is ipv6\n", op); break;
        case LeafKind::flags_all: out += fmt::format("{} has all of 0x{:02x}\n", op, l.value); break;
        case LeafKind::flags_any: out += fmt::format("{} has any of 0x{:02x}\n", op, l.value); break;
      }
      return;
    }
  }
  for (std::uint32_t i = n.begin; i < n.end; ++i) dump_node(p, p.children[i], indent + 1, out);
}

}  // namespace

std::string dump_program(const Program& program) {
  std::string out;
  dump_node(program, program.root, 0, out);
  return out;
}

}  // namespace filter

namespace {

using namespace filter;

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

std::uint64_t duration_ms(TimeNs start, TimeNs end) noexcept { return end > start ? (end - start) / kNsPerMs : 0; }

// count * factor / duration_ms without overflow, saturating.
std::uint64_t per_second(std::uint64_t count, std::uint64_t factor, std::uint64_t dur_ms) noexcept {
  if (dur_ms == 0) return 0;
  __extension__ using u128 = unsigned __int128;
  u128 v = static_cast<u128>(count) * factor / dur_ms;
  return v > kMax64 ? kMax64 : static_cast<std::uint64_t>(v);
}

std::uint64_t value_of(Operand op, const FlowRecord& r) noexcept {
  switch (op) {
    case Operand::src_port: return r.src_port;
    case Operand::dst_port: return r.dst_port;
    case Operand::proto: return r.proto;
    case Operand::tos: return r.tos;
    case Operand::tcp_flags: return r.tcp_flags;
    case Operand::input_if: return r.input_if;
    case Operand::output_if: return r.output_if;
    case Operand::packets: return r.packets;
    case Operand::bytes: return r.bytes;
    case Operand::duration_ms: return duration_ms(r.start_ns, r.end_ns);
    case Operand::pps: return per_second(r.packets, 1000, duration_ms(r.start_ns, r.end_ns));
    case Operand::bps: return per_second(r.bytes, 8000, duration_ms(r.start_ns, r.end_ns));
    case Operand::bpp: return r.packets == 0 ? 0 : r.bytes / r.packets;
    case Operand::icmp_type: return r.dst_port >> 8;
    case Operand::icmp_code: return r.dst_port & 0xffu;
    case Operand::src_addr:
    case Operand::dst_addr: return 0;
  }
  return 0;
}

const IpAddress& address_of(Operand op, const FlowRecord& r) noexcept {
  return op == Operand::src_addr ? r.src_addr : r.dst_addr;
}

bool compare(std::uint64_t x, Cmp cmp, std::uint64_t v) noexcept {
  switch (cmp) {
    case Cmp::eq: return x == v;
    case Cmp::gt: return x > v;
    case Cmp::lt: return x < v;
    case Cmp::ge: return x >= v;
    case Cmp::le: return x <= v;
  }
  return false;
}

bool leaf_matches(const Program& p, const Leaf& l, const FlowRecord& r) noexcept {
  switch (l.kind) {
    case LeafKind::compare: return compare(value_of(l.operand, r), l.cmp, l.value);
    case LeafKind::in_int_set: return p.int_sets[l.set].contains(value_of(l.operand, r));
    case LeafKind::addr_equal: return address_of(l.operand, r) == l.addr;
    case LeafKind::addr_prefix: return l.prefix.contains(address_of(l.operand, r));
    case LeafKind::addr_in_set: return p.addr_sets[l.set].contains(address_of(l.operand, r));
    case LeafKind::is_v4: return address_of(l.operand, r).is_v4();
    case LeafKind::is_v6: return !address_of(l.operand, r).is_v4();
    case LeafKind::flags_all: return (r.tcp_flags & l.value) == l.value;
    case LeafKind::flags_any: return (r.tcp_flags & l.value) != 0;
  }
  return false;
}

bool node_matches(const Program& p, std::uint32_t id, const FlowRecord& r) noexcept {
  const Node& n = p.nodes[id];
  switch (n.kind) {
    case NodeKind::all: return true;
    case NodeKind::none: return false;
    case NodeKind::leaf: return leaf_matches(p, p.leaves[n.begin], r);
    case NodeKind::not_: return !node_matches(p, p.children[n.begin], r);
    case NodeKind::and_:
      for (std::uint32_t i = n.begin; i < n.end; ++i)
        if (!node_matches(p, p.children[i], r)) return false;
      return true;
    case NodeKind::or_:
      for (std::uint32_t i = n.begin; i < n.end; ++i)
        if (node_matches(p, p.children[i], r)) return true;
      return false;
  }
  return false;
}

// ---------------------------------------------------------------- block statistics

enum class Tri { no, yes, maybe };

Tri decide_range(Cmp cmp, std::uint64_t v, std::uint64_t lo, std::uint64_t hi) noexcept {
  switch (cmp) {
    case Cmp::eq:
      if (v < lo || v > hi) return Tri::no;
      return lo == hi ? Tri::yes : Tri::maybe;
    case Cmp::gt:
      if (hi <= v) return Tri::no;
      return lo > v ? Tri::yes : Tri::maybe;
    case Cmp::lt:
      if (lo >= v) return Tri::no;
      return hi < v ? Tri::yes : Tri::maybe;
    case Cmp::ge:
      if (hi < v) return Tri::no;
      return lo >= v ? Tri::yes : Tri::maybe;
    case Cmp::le:
      if (lo > v) return Tri::no;
      return hi <= v ? Tri::yes : Tri::maybe;
  }
  return Tri::maybe;
}

bool operand_range(Operand op, const BlockStats& s, std::uint64_t& lo, std::uint64_t& hi) noexcept {
  switch (op) {
    case Operand::src_port: lo = s.src_port_min, hi = s.src_port_max; return true;
    case Operand::dst_port: lo = s.dst_port_min, hi = s.dst_port_max; return true;
    case Operand::packets: lo = s.packets_min, hi = s.packets_max; return true;
    case Operand::bytes: lo = s.bytes_min, hi = s.bytes_max; return true;
    case Operand::tcp_flags: lo = 0, hi = 255; return false;
    case Operand::proto: {
      int first = -1, last = -1;
      for (int p = 0; p < 256; ++p)
        if (s.has_proto(static_cast<std::uint8_t>(p))) {
          if (first < 0) first = p;
          last = p;
        }
      if (first < 0) return false;
      lo = static_cast<std::uint64_t>(first), hi = static_cast<std::uint64_t>(last);
      return true;
    }
    default: return false;
  }
}

Tri decide_leaf(const Program& p, const Leaf& l, const BlockStats& s) noexcept {
  switch (l.kind) {
    case LeafKind::compare: {
      if (l.operand == Operand::proto && l.cmp == Cmp::eq && (l.value > 255 || !s.has_proto(static_cast<std::uint8_t>(l.value))))
        return Tri::no;
      std::uint64_t lo, hi;
      if (!operand_range(l.operand, s, lo, hi)) return Tri::maybe;
      return decide_range(l.cmp, l.value, lo, hi);
    }
    case LeafKind::in_int_set: {
      std::uint64_t lo, hi;
      if (!operand_range(l.operand, s, lo, hi)) return Tri::maybe;
      const IntSet& set = p.int_sets[l.set];
      bool any = false, every = true;
      // Values outside [lo, hi] (or protocols absent from the block) cannot occur.
      for (std::uint64_t v = lo; v <= hi; ++v) {
        if (l.operand == Operand::proto && !s.has_proto(static_cast<std::uint8_t>(v))) continue;
        if (set.contains(v))
          any = true;
        else
          every = false;
        if (any && !every) break;
      }
      if (!any) return Tri::no;
      return every ? Tri::yes : Tri::maybe;
    }
    case LeafKind::is_v4:
    case LeafKind::is_v6: {
      const bool src = l.operand == Operand::src_addr;
      const bool has4 = s.families & (src ? BlockStats::kSrcHasV4 : BlockStats::kDstHasV4);
      const bool has6 = s.families & (src ? BlockStats::kSrcHasV6 : BlockStats::kDstHasV6);
      const bool want4 = l.kind == LeafKind::is_v4;
      if (want4 ? !has4 : !has6) return Tri::no;
      if (want4 ? !has6 : !has4) return Tri::yes;
      return Tri::maybe;
    }
    case LeafKind::flags_all:
      if ((s.tcp_flags_and & l.value) == l.value) return Tri::yes;
      if ((s.tcp_flags_or & l.value) != l.value) return Tri::no;
      return Tri::maybe;
    case LeafKind::flags_any:
      if ((s.tcp_flags_or & l.value) == 0) return Tri::no;
      if ((s.tcp_flags_and & l.value) != 0) return Tri::yes;
      return Tri::maybe;
    default: return Tri::maybe;
  }
}

Tri decide(const Program& p, std::uint32_t id, const BlockStats& s) noexcept {
  const Node& n = p.nodes[id];
  switch (n.kind) {
    case NodeKind::all: return Tri::yes;
    case NodeKind::none: return Tri::no;
    case NodeKind::leaf: return decide_leaf(p, p.leaves[n.begin], s);
    case NodeKind::not_: {
      Tri t = decide(p, p.children[n.begin], s);
      return t == Tri::maybe ? t : (t == Tri::yes ? Tri::no : Tri::yes);
    }
    case NodeKind::and_: {
      Tri result = Tri::yes;
      for (std::uint32_t i = n.begin; i < n.end; ++i) {
        Tri t = decide(p, p.children[i], s);
        if (t == Tri::no) return Tri::no;
        if (t == Tri::maybe) result = Tri::maybe;
      }
      return result;
    }
    case NodeKind::or_: {
      Tri result = Tri::no;
      for (std::uint32_t i = n.begin; i < n.end; ++i) {
        Tri t = decide(p, p.children[i], s);
        if (t == Tri::yes) return Tri::yes;
        if (t == Tri::maybe) result = Tri::maybe;
      }
      return result;
    }
  }
  return Tri::maybe;
}

// ---------------------------------------------------------------- column kernels

// Evaluates `test(row)` for rows [0, n) into selection bits, 64 rows per word.
template <class Test>
void fill_rows(Selection& out, std::size_t n, Test test) {
  out.assign(n, false);
  std::uint64_t* words = out.words();
  for (std::size_t base = 0; base < n; base += 64) {
    const std::size_t lim = std::min<std::size_t>(64, n - base);
    std::uint64_t m = 0;
    for (std::size_t j = 0; j < lim; ++j) m |= static_cast<std::uint64_t>(test(base + j)) << j;
    words[base / 64] = m;
  }
}

// Calls f with a row -> value accessor for an integer operand.
template <class F>
void with_operand(Operand op, const FlowColumns& c, F&& f) {
  switch (op) {
    case Operand::src_port: {
      const auto* v = c.src_port.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::dst_port: {
      const auto* v = c.dst_port.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::proto: {
      const auto* v = c.proto.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::tos: {
      const auto* v = c.tos.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::tcp_flags: {
      const auto* v = c.tcp_flags.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::input_if: {
      const auto* v = c.input_if.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::output_if: {
      const auto* v = c.output_if.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::packets: {
      const auto* v = c.packets.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::bytes: {
      const auto* v = c.bytes.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i]; });
    }
    case Operand::duration_ms: {
      const auto *s = c.start_ns.data(), *e = c.end_ns.data();
      return f([s, e](std::size_t i) -> std::uint64_t { return duration_ms(s[i], e[i]); });
    }
    case Operand::pps: {
      const auto *s = c.start_ns.data(), *e = c.end_ns.data(), *p = c.packets.data();
      return f([s, e, p](std::size_t i) -> std::uint64_t { return per_second(p[i], 1000, duration_ms(s[i], e[i])); });
    }
    case Operand::bps: {
      const auto *s = c.start_ns.data(), *e = c.end_ns.data(), *b = c.bytes.data();
      return f([s, e, b](std::size_t i) -> std::uint64_t { return per_second(b[i], 8000, duration_ms(s[i], e[i])); });
    }
    case Operand::bpp: {
      const auto *p = c.packets.data(), *b = c.bytes.data();
      return f([p, b](std::size_t i) -> std::uint64_t { return p[i] == 0 ? 0 : b[i] / p[i]; });
    }
    case Operand::icmp_type: {
      const auto* v = c.dst_port.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i] >> 8; });
    }
    case Operand::icmp_code: {
      const auto* v = c.dst_port.data();
      return f([v](std::size_t i) -> std::uint64_t { return v[i] & 0xffu; });
    }
    case Operand::src_addr:
    case Operand::dst_addr: return f([](std::size_t) -> std::uint64_t { return 0; });
  }
}

template <class Get>
void compare_rows(Selection& out, std::size_t n, Cmp cmp, std::uint64_t v, Get get) {
  switch (cmp) {
    case Cmp::eq: return fill_rows(out, n, [&](std::size_t i) { return get(i) == v; });
    case Cmp::gt: return fill_rows(out, n, [&](std::size_t i) { return get(i) > v; });
    case Cmp::lt: return fill_rows(out, n, [&](std::size_t i) { return get(i) < v; });
    case Cmp::ge: return fill_rows(out, n, [&](std::size_t i) { return get(i) >= v; });
    case Cmp::le: return fill_rows(out, n, [&](std::size_t i) { return get(i) <= v; });
  }
}

void leaf_rows(const Program& p, const Leaf& l, const FlowColumns& c, std::size_t n, Selection& out) {
  const IpAddress* addr = l.operand == Operand::src_addr ? c.src_addr.data() : c.dst_addr.data();
  switch (l.kind) {
    case LeafKind::compare:
      return with_operand(l.operand, c, [&](auto get) { compare_rows(out, n, l.cmp, l.value, get); });
    case LeafKind::in_int_set: {
      const IntSet& set = p.int_sets[l.set];
      return with_operand(l.operand, c,
                          [&](auto get) { fill_rows(out, n, [&](std::size_t i) { return set.contains(get(i)); }); });
    }
    case LeafKind::addr_equal: {
      const std::uint64_t hi = l.addr.hi(), lo = l.addr.lo();
      return fill_rows(out, n, [&](std::size_t i) { return ((addr[i].hi() ^ hi) | (addr[i].lo() ^ lo)) == 0; });
    }
    case LeafKind::addr_prefix:
      return fill_rows(out, n, [&](std::size_t i) { return l.prefix.contains(addr[i]); });
    case LeafKind::addr_in_set: {
      const AddressSet& set = p.addr_sets[l.set];
      return fill_rows(out, n, [&](std::size_t i) { return set.contains(addr[i]); });
    }
    case LeafKind::is_v4: return fill_rows(out, n, [&](std::size_t i) { return addr[i].is_v4(); });
    case LeafKind::is_v6: return fill_rows(out, n, [&](std::size_t i) { return !addr[i].is_v4(); });
    case LeafKind::flags_all: {
      const std::uint8_t* f = c.tcp_flags.data();
      const auto mask = static_cast<std::uint8_t>(l.value);
      return fill_rows(out, n, [&](std::size_t i) { return (f[i] & mask) == mask; });
    }
    case LeafKind::flags_any: {
      const std::uint8_t* f = c.tcp_flags.data();
      const auto mask = static_cast<std::uint8_t>(l.value);
      return fill_rows(out, n, [&](std::size_t i) { return (f[i] & mask) != 0; });
    }
  }
}

Status select_node(const Program& p, std::uint32_t id, ColumnSource& src, Selection& out) {
  const Node& node = p.nodes[id];
  const std::size_t n = src.size();
  if (const BlockStats* stats = src.stats()) {
    Tri t = decide(p, id, *stats);
    if (t != Tri::maybe) {
      out.assign(n, t == Tri::yes);
      return {};
    }
  }
  switch (node.kind) {
    case NodeKind::all: out.assign(n, true); return {};
    case NodeKind::none: out.assign(n, false); return {};
    case NodeKind::leaf: {
      const Leaf& l = p.leaves[node.begin];
      if (auto s = src.require(operand_columns(l.operand)); !s) return s;
      leaf_rows(p, l, src.columns(), n, out);
      return {};
    }
    case NodeKind::not_: {
      if (auto s = select_node(p, p.children[node.begin], src, out); !s) return s;
      out.invert();
      return {};
    }
    case NodeKind::and_:
    case NodeKind::or_: {
      const bool is_and = node.kind == NodeKind::and_;
      if (auto s = select_node(p, p.children[node.begin], src, out); !s) return s;
      Selection other;
      for (std::uint32_t i = node.begin + 1; i < node.end; ++i) {
        // Later children are not evaluated (and their columns not decoded) once the result is settled.
        if (is_and ? out.none() : out.all()) break;
        if (auto s = select_node(p, p.children[i], src, other); !s) return s;
        if (is_and)
          out.and_with(other);
        else
          out.or_with(other);
      }
      return {};
    }
  }
  return {};
}

// Rough cost of evaluating a subtree over a batch: bytes of columns touched.
unsigned cost(const Program& p, std::uint32_t id) {
  const Node& n = p.nodes[id];
  switch (n.kind) {
    case NodeKind::leaf: {
      const Leaf& l = p.leaves[n.begin];
      unsigned c = 0;
      ColumnSet cols = operand_columns(l.operand);
      for (unsigned f = 0; f < kFlowFieldCount; ++f)
        if (cols & (ColumnSet{1} << f)) c += 1 + (f == static_cast<unsigned>(FlowField::src_addr) ||
                                                          f == static_cast<unsigned>(FlowField::dst_addr)
                                                      ? 16
                                                      : 8);
      if (l.kind == LeafKind::addr_in_set) c += 16;
      return c;
    }
    case NodeKind::and_:
    case NodeKind::or_:
    case NodeKind::not_: {
      unsigned c = 0;
      for (std::uint32_t i = n.begin; i < n.end; ++i) c += cost(p, p.children[i]);
      return c;
    }
    default: return 0;
  }
}

// AND/OR are commutative and side-effect free: evaluating cheap children
// first lets a scan settle a block before decoding expensive columns.
void order_children(Program& p) {
  for (Node& n : p.nodes) {
    if (n.kind != NodeKind::and_ && n.kind != NodeKind::or_) continue;
    std::stable_sort(p.children.begin() + n.begin, p.children.begin() + n.end,
                     [&](std::uint32_t a, std::uint32_t b) { return cost(p, a) < cost(p, b); });
  }
}

std::shared_ptr<const Program> match_all_program() {
  auto p = std::make_shared<Program>();
  p->nodes.push_back(Node{NodeKind::all, 0, 0});
  return p;
}

}  // namespace

Filter::Filter() : program_(match_all_program()) {}
Filter::Filter(std::shared_ptr<const filter::Program> program) : program_(std::move(program)) {}

Result<Filter> Filter::compile(std::string_view expression) {
  auto program = parse_filter(expression);
  if (!program) return tl::unexpected(program.error());
  order_children(*program);
  return Filter(std::make_shared<const Program>(std::move(*program)));
}

bool Filter::matches(const FlowRecord& flow) const noexcept { return node_matches(*program_, program_->root, flow); }

Status Filter::select(ColumnSource& batch, Selection& out) const {
  return select_node(*program_, program_->root, batch, out);
}

ColumnSet Filter::columns() const noexcept { return program_->columns; }
bool Filter::matches_everything() const noexcept { return program_->nodes[program_->root].kind == NodeKind::all; }
const std::string& Filter::expression() const noexcept { return program_->expression; }
std::string Filter::describe() const { return dump_program(*program_); }

}  // namespace mamori::flow

#include "mamori/flow/filter/filter_parser.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <optional>

namespace mamori::flow::filter {

namespace {

enum class Tok : std::uint8_t { word, lparen, rparen, lbracket, rbracket, comma, op_and, op_or, op_not, cmp, end };

struct Token {
  Tok kind = Tok::end;
  std::string_view text;
  std::size_t line = 1;
  std::size_t column = 1;
  Cmp cmp = Cmp::eq;
};

constexpr std::size_t kMaxDepth = 200;

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_word_char(char c) noexcept {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    case '(': case ')': case '[': case ']': case ',': case '#':
    case '<': case '>': case '=': case '!': case '&': case '|':
    case '"': case '\'':
      return false;
    default: return static_cast<unsigned char>(c) > ' ';
  }
}

std::string where(std::size_t line, std::size_t column) {
  return line > 1 ? fmt::format("filter: line {}, column {}", line, column) : fmt::format("filter: column {}", column);
}

std::string shown(const Token& t) {
  if (t.kind == Tok::end) return "end of filter";
  return fmt::format("'{}'", t.text);
}

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t line = 1, line_start = 0;
  std::size_t i = 0;
  auto push = [&](Tok kind, std::size_t start, std::size_t len, Cmp cmp = Cmp::eq) {
    out.push_back(Token{kind, s.substr(start, len), line, start - line_start + 1, cmp});
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n') {
      ++i;
      ++line;
      line_start = i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    auto two = [&](char next) { return i + 1 < s.size() && s[i + 1] == next; };
    switch (c) {
      case '(': push(Tok::lparen, i, 1); ++i; continue;
      case ')': push(Tok::rparen, i, 1); ++i; continue;
      case '[': push(Tok::lbracket, i, 1); ++i; continue;
      case ']': push(Tok::rbracket, i, 1); ++i; continue;
      case ',': push(Tok::comma, i, 1); ++i; continue;
      case '&':
        if (two('&')) {
          push(Tok::op_and, i, 2);
          i += 2;
          continue;
        }
        break;
      case '|':
        if (two('|')) {
          push(Tok::op_or, i, 2);
          i += 2;
          continue;
        }
        break;
      case '!':
        if (two('=')) return fail(Errc::parse_error, "{}: '!=' is not a comparator (use 'not')", where(line, i - line_start + 1));
        push(Tok::op_not, i, 1);
        ++i;
        continue;
      case '=':
        push(Tok::cmp, i, two('=') ? 2 : 1, Cmp::eq);
        i += two('=') ? 2 : 1;
        continue;
      case '<':
        push(Tok::cmp, i, two('=') ? 2 : 1, two('=') ? Cmp::le : Cmp::lt);
        i += two('=') ? 2 : 1;
        continue;
      case '>':
        push(Tok::cmp, i, two('=') ? 2 : 1, two('=') ? Cmp::ge : Cmp::gt);
        i += two('=') ? 2 : 1;
        continue;
      default: break;
    }
    if (!is_word_char(c))
      return fail(Errc::parse_error, "{}: unexpected character '{}'", where(line, i - line_start + 1), c);
    std::size_t start = i;
    while (i < s.size() && is_word_char(s[i])) ++i;
    Token t{Tok::word, s.substr(start, i - start), line, start - line_start + 1, Cmp::eq};
    // Keyword operators become operator tokens; everything else stays a word.
    if (iequals(t.text, "and")) t.kind = Tok::op_and;
    else if (iequals(t.text, "or")) t.kind = Tok::op_or;
    else if (iequals(t.text, "not")) t.kind = Tok::op_not;
    else if (iequals(t.text, "eq")) t.kind = Tok::cmp, t.cmp = Cmp::eq;
    else if (iequals(t.text, "gt")) t.kind = Tok::cmp, t.cmp = Cmp::gt;
    else if (iequals(t.text, "lt")) t.kind = Tok::cmp, t.cmp = Cmp::lt;
    else if (iequals(t.text, "ge")) t.kind = Tok::cmp, t.cmp = Cmp::ge;
    else if (iequals(t.text, "le")) t.kind = Tok::cmp, t.cmp = Cmp::le;
    out.push_back(t);
  }
  out.push_back(Token{Tok::end, {}, line, s.size() - line_start + 1, Cmp::eq});
  return out;
}

struct ProtoName {
  std::string_view name;
  std::uint8_t number;
};

// The names nfdump's protocol table and /etc/protocols agree on.
constexpr ProtoName kProtocols[] = {
    {"hopopt", 0},  {"icmp", 1},   {"igmp", 2},     {"ggp", 3},         {"ipip", 4},   {"ipencap", 4},
    {"st", 5},      {"tcp", 6},    {"cbt", 7},      {"egp", 8},         {"igp", 9},    {"pup", 12},
    {"udp", 17},    {"rdp", 27},   {"dccp", 33},    {"ipv6", 41},       {"ipv6-route", 43},
    {"ipv6-frag", 44}, {"rsvp", 46}, {"gre", 47},   {"esp", 50},        {"ah", 51},    {"icmp6", 58},
    {"ipv6-icmp", 58}, {"ipv6-nonxt", 59}, {"ipv6-opts", 60}, {"eigrp", 88}, {"ospf", 89}, {"etherip", 97},
    {"encap", 98},  {"pim", 103},  {"ipcomp", 108}, {"vrrp", 112},      {"l2tp", 115}, {"isis", 124},
    {"sctp", 132},  {"udplite", 136}, {"mpls-in-ip", 137},
};

// Operators that decide ties the way nfdump's yacc grammar does: NOT binds
// tighter than AND, which binds tighter than OR.
class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  Result<Program> run() {
    if (peek().kind == Tok::end) {
      prog_.root = add_node(Node{NodeKind::all, 0, 0});
      return finish();
    }
    auto root = parse_or();
    if (!root) return tl::unexpected(root.error());
    if (peek().kind != Tok::end) {
      if (peek().kind == Tok::rparen) return error(peek(), "unbalanced ')'");
      return error(peek(), fmt::format("expected 'and', 'or' or end of filter, got {}", shown(peek())));
    }
    prog_.root = *root;
    return finish();
  }

 private:
  using NodeResult = Result<std::uint32_t>;

  const Token& peek(std::size_t k = 0) const {
    return toks_[std::min(pos_ + k, toks_.size() - 1)];
  }
  const Token& next() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool is_kw(const Token& t, std::string_view kw) const { return t.kind == Tok::word && iequals(t.text, kw); }

  tl::unexpected<Error> error(const Token& t, std::string_view message) const {
    return fail(Errc::parse_error, "{}: {}", where(t.line, t.column), message);
  }

  // ------------------------------------------------------------ node building

  std::uint32_t add_node(Node n) {
    prog_.nodes.push_back(n);
    return static_cast<std::uint32_t>(prog_.nodes.size() - 1);
  }
  std::uint32_t leaf(const Leaf& l) {
    prog_.leaves.push_back(l);
    return add_node(Node{NodeKind::leaf, static_cast<std::uint32_t>(prog_.leaves.size() - 1), 0});
  }
  NodeKind kind(std::uint32_t n) const { return prog_.nodes[n].kind; }

  // Builds an n-ary AND/OR, flattening nested ones and folding constants.
  std::uint32_t nary(NodeKind k, const std::vector<std::uint32_t>& items) {
    const NodeKind absorbing = k == NodeKind::and_ ? NodeKind::none : NodeKind::all;
    const NodeKind neutral = k == NodeKind::and_ ? NodeKind::all : NodeKind::none;
    std::vector<std::uint32_t> flat;
    for (std::uint32_t item : items) {
      if (kind(item) == absorbing) return item;
      if (kind(item) == neutral) continue;
      if (kind(item) == k) {
        const Node& n = prog_.nodes[item];
        flat.insert(flat.end(), prog_.children.begin() + n.begin, prog_.children.begin() + n.end);
      } else {
        flat.push_back(item);
      }
    }
    if (flat.empty()) return add_node(Node{neutral, 0, 0});
    if (flat.size() == 1) return flat[0];
    auto begin = static_cast<std::uint32_t>(prog_.children.size());
    prog_.children.insert(prog_.children.end(), flat.begin(), flat.end());
    return add_node(Node{k, begin, static_cast<std::uint32_t>(prog_.children.size())});
  }
  std::uint32_t negate(std::uint32_t item) {
    switch (kind(item)) {
      case NodeKind::all: return add_node(Node{NodeKind::none, 0, 0});
      case NodeKind::none: return add_node(Node{NodeKind::all, 0, 0});
      case NodeKind::not_: return prog_.children[prog_.nodes[item].begin];
      default: break;
    }
    auto begin = static_cast<std::uint32_t>(prog_.children.size());
    prog_.children.push_back(item);
    return add_node(Node{NodeKind::not_, begin, begin + 1});
  }

  enum class Dir { src, dst, either, both };

  // Applies a leaf template to the source and/or destination operand.
  std::uint32_t directed(Dir dir, Leaf l, Operand src_op, Operand dst_op) {
    Leaf s = l, d = l;
    s.operand = src_op;
    d.operand = dst_op;
    switch (dir) {
      case Dir::src: return leaf(s);
      case Dir::dst: return leaf(d);
      case Dir::either: return nary(NodeKind::or_, {leaf(s), leaf(d)});
      case Dir::both: return nary(NodeKind::and_, {leaf(s), leaf(d)});
    }
    return leaf(s);
  }

  // ------------------------------------------------------------ grammar

  NodeResult parse_or() {
    auto first = parse_and();
    if (!first) return first;
    std::vector<std::uint32_t> items{*first};
    while (peek().kind == Tok::op_or) {
      next();
      auto more = parse_and();
      if (!more) return more;
      items.push_back(*more);
    }
    return items.size() == 1 ? items[0] : nary(NodeKind::or_, items);
  }

  NodeResult parse_and() {
    auto first = parse_unary();
    if (!first) return first;
    std::vector<std::uint32_t> items{*first};
    while (peek().kind == Tok::op_and) {
      next();
      auto more = parse_unary();
      if (!more) return more;
      items.push_back(*more);
    }
    return items.size() == 1 ? items[0] : nary(NodeKind::and_, items);
  }

  NodeResult parse_unary() {
    if (++depth_ > kMaxDepth) return error(peek(), "expression nested too deeply");
    NodeResult r = parse_unary_inner();
    --depth_;
    return r;
  }

  NodeResult parse_unary_inner() {
    const Token& t = peek();
    if (t.kind == Tok::op_not) {
      next();
      ++negations_;
      auto inner = parse_unary();
      --negations_;
      if (!inner) return inner;
      return negate(*inner);
    }
    if (t.kind == Tok::lparen) {
      const Token& open = next();
      auto inner = parse_or();
      if (!inner) return inner;
      if (peek().kind != Tok::rparen)
        return error(peek(), fmt::format("expected ')' to close the '(' at column {}, got {}", open.column,
                                         shown(peek())));
      next();
      return inner;
    }
    return parse_primitive();
  }

  NodeResult parse_primitive() {
    const Token& t = next();
    if (t.kind != Tok::word) return error(t, fmt::format("expected a filter primitive, got {}", shown(t)));
    if (is_kw(t, "any")) return add_node(Node{NodeKind::all, 0, 0});
    if (is_kw(t, "ipv4") || is_kw(t, "inet")) return family(LeafKind::is_v4);
    if (is_kw(t, "ipv6") || is_kw(t, "inet6")) return family(LeafKind::is_v6);
    if (is_kw(t, "proto")) return parse_proto();
    if (is_kw(t, "icmp-type")) return parse_icmp(Operand::icmp_type);
    if (is_kw(t, "icmp-code")) return parse_icmp(Operand::icmp_code);
    if (is_kw(t, "src") || is_kw(t, "dst")) return parse_directed(t);
    if (is_kw(t, "ip") || is_kw(t, "host") || is_kw(t, "net") || is_kw(t, "port")) {
      --pos_;
      return parse_endpoint(Dir::either, "");
    }
    if (is_kw(t, "if")) return parse_interface(Dir::either);
    if (is_kw(t, "in") || is_kw(t, "out")) return parse_in_out(t);
    if (is_kw(t, "packets")) return parse_counter(Operand::packets);
    if (is_kw(t, "bytes")) return parse_counter(Operand::bytes);
    if (is_kw(t, "duration")) return parse_counter(Operand::duration_ms);
    if (is_kw(t, "pps")) return parse_counter(Operand::pps);
    if (is_kw(t, "bps")) return parse_counter(Operand::bps);
    if (is_kw(t, "bpp")) return parse_counter(Operand::bpp);
    if (is_kw(t, "flags")) return parse_flags();
    if (is_kw(t, "tos")) return parse_small(Operand::tos, "a TOS value (0-255)");
    return error(t, fmt::format("unknown filter primitive '{}'", t.text));
  }

  NodeResult family(LeafKind k) {
    Leaf l;
    l.kind = k;
    return directed(Dir::both, l, Operand::src_addr, Operand::dst_addr);
  }

  // ------------------------------------------------------------ values

  static std::optional<std::uint64_t> parse_number(std::string_view s, bool scaled) {
    if (s.empty()) return std::nullopt;
    std::uint64_t factor = 1;
    if (scaled) {
      switch (s.back()) {
        case 'k': case 'K': factor = 1000ULL; break;
        case 'm': case 'M': factor = 1000ULL * 1000; break;
        case 'g': case 'G': factor = 1000ULL * 1000 * 1000; break;
        default: break;
      }
      if (factor != 1) s.remove_suffix(1);
    }
    unsigned base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      s.remove_prefix(2);
    }
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
      unsigned d;
      if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
      else if (base == 16 && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
      else if (base == 16 && c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
      else return std::nullopt;
      if (v > (~std::uint64_t{0} - d) / base) return std::nullopt;
      v = v * base + d;
    }
    if (v > ~std::uint64_t{0} / factor) return std::nullopt;
    return v * factor;
  }

  Cmp parse_cmp() {
    if (peek().kind == Tok::cmp) return next().cmp;
    return Cmp::eq;
  }

  Result<std::uint64_t> expect_number(std::string_view what, std::uint64_t max, bool scaled) {
    const Token& t = next();
    if (t.kind == Tok::word) {
      if (auto v = parse_number(t.text, scaled)) {
        if (*v <= max) return *v;
        return error(t, fmt::format("{} out of range: {} (maximum {})", what, t.text, max));
      }
    }
    return error(t, fmt::format("expected {}, got {}", what, shown(t)));
  }

  // ------------------------------------------------------------ primitives

  NodeResult parse_proto() {
    const Token& t = next();
    if (t.kind == Tok::word) {
      std::optional<std::uint64_t> number = parse_number(t.text, false);
      if (!number) {
        for (const ProtoName& p : kProtocols)
          if (iequals(p.name, t.text)) number = p.number;
      }
      if (number && *number <= 255) {
        Leaf l;
        l.operand = Operand::proto;
        l.value = *number;
        return leaf(l);
      }
      if (number) return error(t, fmt::format("protocol number out of range: {} (0-255)", t.text));
      return error(t, fmt::format("unknown protocol '{}'", t.text));
    }
    return error(t, fmt::format("expected a protocol name or number, got {}", shown(t)));
  }

  std::uint32_t icmp_protocols() {
    Leaf l;
    l.kind = LeafKind::in_int_set;
    l.operand = Operand::proto;
    l.set = static_cast<std::uint32_t>(prog_.int_sets.size());
    prog_.int_sets.emplace_back();
    prog_.int_sets.back().add(kProtoIcmp);
    prog_.int_sets.back().add(kProtoIcmpV6);
    return leaf(l);
  }

  NodeResult parse_icmp(Operand op) {
    Leaf l;
    l.operand = op;
    l.cmp = parse_cmp();
    auto v = expect_number(op == Operand::icmp_type ? "an ICMP type (0-255)" : "an ICMP code (0-255)", 255, false);
    if (!v) return tl::unexpected(v.error());
    l.value = *v;
    // As in nfdump, an ICMP type or code test implies an ICMP protocol.
    return nary(NodeKind::and_, {icmp_protocols(), leaf(l)});
  }

  NodeResult parse_directed(const Token& first) {
    Dir dir = is_kw(first, "src") ? Dir::src : Dir::dst;
    std::string_view other = dir == Dir::src ? "dst" : "src";
    // "src or dst X" / "src and dst X" qualify both endpoints at once.
    if ((peek().kind == Tok::op_or || peek().kind == Tok::op_and) && is_kw(peek(1), other)) {
      dir = peek().kind == Tok::op_or ? Dir::either : Dir::both;
      next();
      next();
    }
    return parse_endpoint(dir, first.text);
  }

  NodeResult parse_endpoint(Dir dir, std::string_view qualifier) {
    const Token& t = next();
    if (is_kw(t, "ip") || is_kw(t, "host")) return parse_ip(dir);
    if (is_kw(t, "net")) return parse_net(dir);
    if (is_kw(t, "port")) return parse_port(dir);
    return error(t, fmt::format("expected 'ip', 'host', 'net' or 'port' after '{}', got {}", qualifier, shown(t)));
  }

  NodeResult addr_leaf(Dir dir, Leaf l) { return directed(dir, l, Operand::src_addr, Operand::dst_addr); }

  NodeResult parse_ip(Dir dir) {
    if (is_kw(peek(), "in")) {
      next();
      auto set = parse_address_list();
      if (!set) return tl::unexpected(set.error());
      Leaf l;
      l.kind = LeafKind::addr_in_set;
      l.set = *set;
      return addr_leaf(dir, l);
    }
    const Token& t = next();
    if (t.kind != Tok::word) return error(t, fmt::format("expected an IP address, got {}", shown(t)));
    auto a = IpAddress::parse(t.text);
    if (!a) {
      if (t.text.find('/') != std::string_view::npos)
        return error(t, fmt::format("expected an IP address, got '{}' (use 'net' for prefixes)", t.text));
      return error(t, fmt::format("expected an IP address, got '{}'", t.text));
    }
    Leaf l;
    l.kind = LeafKind::addr_equal;
    l.addr = *a;
    return addr_leaf(dir, l);
  }

  static std::optional<unsigned> mask_length(const IpAddress& mask) {
    if (!mask.is_v4()) return std::nullopt;
    std::uint32_t m = mask.v4_value();
    unsigned len = static_cast<unsigned>(std::countl_one(m));
    if (len < 32 && (m << len) != 0) return std::nullopt;  // holes in the mask
    return len;
  }

  NodeResult parse_net(Dir dir) {
    const Token& t = next();
    if (t.kind != Tok::word) return error(t, fmt::format("expected a network (a.b.c.d/n), got {}", shown(t)));
    Prefix prefix;
    if (t.text.find('/') != std::string_view::npos) {
      auto p = Prefix::parse(t.text);
      if (!p) return error(t, fmt::format("expected a network (a.b.c.d/n or x::/n), got '{}'", t.text));
      prefix = *p;
    } else {
      auto a = IpAddress::parse(t.text);
      if (!a) return error(t, fmt::format("expected a network (a.b.c.d/n), got '{}'", t.text));
      if (!a->is_v4()) return error(t, "an IPv6 network needs a prefix length (x::/n)");
      const Token& m = next();
      auto mask = m.kind == Tok::word ? IpAddress::parse(m.text) : Result<IpAddress>(fail(Errc::parse_error, ""));
      std::optional<unsigned> len = mask ? mask_length(*mask) : std::nullopt;
      if (!len) return error(m, fmt::format("expected a netmask (m.m.m.m) after '{}', got {}", t.text, shown(m)));
      prefix = Prefix::make(*a, *len);
    }
    Leaf l;
    l.kind = LeafKind::addr_prefix;
    l.prefix = prefix;
    return addr_leaf(dir, l);
  }

  Result<std::uint32_t> parse_address_list() {
    const Token& open = next();
    if (open.kind != Tok::lbracket) return error(open, fmt::format("expected '[' to start a list, got {}", shown(open)));
    AddressSet set;
    std::size_t count = 0;
    for (;;) {
      const Token& t = next();
      if (t.kind == Tok::rbracket) break;
      if (t.kind == Tok::comma) continue;
      if (t.kind != Tok::word) return error(t, fmt::format("expected an address, network or ']', got {}", shown(t)));
      auto p = Prefix::parse(t.text);
      if (!p) return error(t, fmt::format("expected an address or network in the list, got '{}'", t.text));
      set.add(*p);
      ++count;
    }
    if (count == 0) return error(open, "empty address list");
    set.finish();
    prog_.addr_sets.push_back(std::move(set));
    return static_cast<std::uint32_t>(prog_.addr_sets.size() - 1);
  }

  NodeResult parse_port(Dir dir) {
    Leaf l;
    if (is_kw(peek(), "in")) {
      next();
      const Token& open = next();
      if (open.kind != Tok::lbracket)
        return error(open, fmt::format("expected '[' to start a port list, got {}", shown(open)));
      IntSet set;
      std::size_t count = 0;
      for (;;) {
        const Token& t = next();
        if (t.kind == Tok::rbracket) break;
        if (t.kind == Tok::comma) continue;
        auto v = t.kind == Tok::word ? parse_number(t.text, false) : std::nullopt;
        if (!v || *v > 65535) return error(t, fmt::format("expected a port number or ']', got {}", shown(t)));
        set.add(static_cast<std::uint32_t>(*v));
        ++count;
      }
      if (count == 0) return error(open, "empty port list");
      l.kind = LeafKind::in_int_set;
      l.set = static_cast<std::uint32_t>(prog_.int_sets.size());
      prog_.int_sets.push_back(std::move(set));
    } else {
      l.cmp = parse_cmp();
      auto v = expect_number("a port number", 65535, false);
      if (!v) return tl::unexpected(v.error());
      l.value = *v;
    }
    return directed(dir, l, Operand::src_port, Operand::dst_port);
  }

  NodeResult parse_interface(Dir dir) {
    Leaf l;
    l.cmp = parse_cmp();
    auto v = expect_number("an interface number", 0xffffffffULL, false);
    if (!v) return tl::unexpected(v.error());
    l.value = *v;
    return directed(dir, l, Operand::input_if, Operand::output_if);
  }

  NodeResult parse_in_out(const Token& t) {
    const bool in = is_kw(t, "in");
    const Token& what = next();
    if (is_kw(what, "if")) return parse_interface(in ? Dir::src : Dir::dst);
    // A unidirectional flow's "in" counters are its counters; there are no "out" counters.
    if (in && is_kw(what, "packets")) return parse_counter(Operand::packets);
    if (in && is_kw(what, "bytes")) return parse_counter(Operand::bytes);
    if (in) return error(what, fmt::format("expected 'if', 'packets' or 'bytes' after 'in', got {}", shown(what)));
    return error(what, fmt::format("expected 'if' after 'out', got {}", shown(what)));
  }

  NodeResult parse_counter(Operand op) {
    Leaf l;
    l.operand = op;
    l.cmp = parse_cmp();
    auto v = expect_number(op == Operand::duration_ms ? "a duration in milliseconds" : "a number", ~std::uint64_t{0},
                           true);
    if (!v) return tl::unexpected(v.error());
    l.value = *v;
    return leaf(l);
  }

  NodeResult parse_small(Operand op, std::string_view what) {
    Leaf l;
    l.operand = op;
    l.cmp = parse_cmp();
    auto v = expect_number(what, 255, false);
    if (!v) return tl::unexpected(v.error());
    l.value = *v;
    return leaf(l);
  }

  NodeResult parse_flags() {
    const Token& t = next();
    if (t.kind != Tok::word) return error(t, fmt::format("expected TCP flags (e.g. 'SA'), got {}", shown(t)));
    std::uint64_t mask = 0;
    if (auto v = parse_number(t.text, false)) {
      if (*v > 255) return error(t, fmt::format("TCP flags value out of range: {} (0-255)", t.text));
      mask = *v;
    } else {
      for (std::size_t i = 0; i < t.text.size(); ++i) {
        switch (t.text[i]) {
          case 'F': case 'f': mask |= 0x01; break;
          case 'S': case 's': mask |= 0x02; break;
          case 'R': case 'r': mask |= 0x04; break;
          case 'P': case 'p': mask |= 0x08; break;
          case 'A': case 'a': mask |= 0x10; break;
          case 'U': case 'u': mask |= 0x20; break;
          case 'E': case 'e': mask |= 0x40; break;
          case 'C': case 'c': mask |= 0x80; break;
          case 'X': case 'x': mask |= 0x3f; break;
          default:
            return fail(Errc::parse_error, "{}: unknown TCP flag '{}' in '{}' (use F S R P A U E C or X)",
                        where(t.line, t.column + i), t.text[i], t.text);
        }
      }
    }
    // nfdump quirks, kept for identical results: flags only exist on TCP
    // flows (nfdump zeroes them for other protocols), and a negated flags
    // test means "none of these flags" rather than "not all of them", so
    // that 'flags S and not flags AFRPU' selects flows with only SYN set.
    Leaf l;
    l.kind = negations_ % 2 == 0 ? LeafKind::flags_all : LeafKind::flags_any;
    l.operand = Operand::tcp_flags;
    l.value = mask;
    Leaf tcp;
    tcp.operand = Operand::proto;
    tcp.value = kProtoTcp;
    return nary(NodeKind::and_, {leaf(tcp), leaf(l)});
  }

  // ------------------------------------------------------------ finishing

  void collect_columns(std::uint32_t n, ColumnSet& out) const {
    const Node& node = prog_.nodes[n];
    switch (node.kind) {
      case NodeKind::leaf: out |= operand_columns(prog_.leaves[node.begin].operand); return;
      case NodeKind::and_:
      case NodeKind::or_:
      case NodeKind::not_:
        for (std::uint32_t i = node.begin; i < node.end; ++i) collect_columns(prog_.children[i], out);
        return;
      default: return;
    }
  }

  Result<Program> finish() {
    collect_columns(prog_.root, prog_.columns);
    return std::move(prog_);
  }

  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::size_t negations_ = 0;  // NOTs enclosing the primitive being parsed
  Program prog_;
};

}  // namespace

Result<Program> parse_filter(std::string_view expression) {
  auto tokens = tokenize(expression);
  if (!tokens) return tl::unexpected(tokens.error());
  Parser parser(std::move(*tokens));
  auto program = parser.run();
  if (program) program->expression = std::string(expression);
  return program;
}

}  // namespace mamori::flow::filter

#include "mamori/detect/indicator/stix_pattern.hpp"

#include <cctype>

namespace mamori::detect {

namespace {

// A comparison or sub-expression: either a set of addresses each sufficient
// for it to be true, or "not satisfiable by an address alone".
struct Term {
  bool sufficient = false;
  std::vector<Prefix> prefixes;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  PatternAddresses run() {
    PatternAddresses out;
    Term t = pattern();
    skip_space();
    if (error_.empty() && pos_ != s_.size()) error_ = fmt::format("unexpected '{}' at offset {}", s_[pos_], pos_);
    if (!error_.empty()) {
      out.verdict = PatternVerdict::unparsable;
      out.reason = error_;
      return out;
    }
    if (!t.sufficient || t.prefixes.empty()) {
      out.verdict = PatternVerdict::no_address;
      out.reason = reason_.empty() ? "no address comparison" : reason_;
      return out;
    }
    out.verdict = PatternVerdict::addresses;
    out.prefixes = std::move(t.prefixes);
    return out;
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  // A keyword (letters/underscores) at the cursor, not consumed.
  std::string_view peek_word() {
    skip_space();
    std::size_t end = pos_;
    while (end < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[end])) || s_[end] == '_')) ++end;
    return s_.substr(pos_, end - pos_);
  }
  bool eat_word(std::string_view w) {
    if (peek_word() != w) return false;
    pos_ += w.size();
    return true;
  }
  void set_error(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  void not_sufficient(std::string why) {
    if (reason_.empty()) reason_ = std::move(why);
  }

  static Term either(Term a, Term b) {
    // OR: any address sufficient for one side is sufficient for the whole.
    Term t;
    t.sufficient = a.sufficient || b.sufficient;
    if (a.sufficient) t.prefixes = std::move(a.prefixes);
    if (b.sufficient) t.prefixes.insert(t.prefixes.end(), b.prefixes.begin(), b.prefixes.end());
    return t;
  }

  // pattern := observation (OR|AND|FOLLOWEDBY observation)*
  Term pattern() {
    Term t = observation();
    while (error_.empty()) {
      if (eat_word("OR")) {
        t = either(std::move(t), observation());
      } else if (eat_word("AND") || eat_word("FOLLOWEDBY")) {
        observation();
        not_sufficient("observation expressions joined with AND/FOLLOWEDBY");
        t = Term{};
      } else {
        break;
      }
    }
    return t;
  }

  // observation := '[' comparison ']' qualifier* | '(' pattern ')' qualifier*
  Term observation() {
    Term t;
    if (eat('[')) {
      t = comparison_or();
      if (!eat(']')) set_error(fmt::format("expected ']' at offset {}", pos_));
    } else if (eat('(')) {
      t = pattern();
      if (!eat(')')) set_error(fmt::format("expected ')' at offset {}", pos_));
    } else {
      set_error(fmt::format("expected '[' at offset {}", pos_));
      return t;
    }
    while (error_.empty()) {
      const std::string_view w = peek_word();
      if (w == "WITHIN" || w == "REPEATS" || w == "START") {
        skip_qualifier();
        not_sufficient(fmt::format("{} qualifier", w));
        t = Term{};
      } else {
        break;
      }
    }
    return t;
  }

  void skip_qualifier() {
    // WITHIN n SECONDS | REPEATS n TIMES | START t'..' STOP t'..': consume up to the next ']' / OR / AND / ')'.
    while (pos_ < s_.size()) {
      skip_space();
      const std::string_view w = peek_word();
      if (w == "OR" || w == "AND" || w == "FOLLOWEDBY" || peek(')') || pos_ >= s_.size()) return;
      if (peek('\'')) {
        std::string skipped;
        if (!string_literal(skipped)) return;
      } else {
        pos_ += w.empty() ? 1 : w.size();
      }
    }
  }

  Term comparison_or() {
    Term t = comparison_and();
    while (error_.empty() && eat_word("OR")) t = either(std::move(t), comparison_and());
    return t;
  }

  Term comparison_and() {
    Term t = comparison_term();
    while (error_.empty() && eat_word("AND")) {
      comparison_term();
      not_sufficient("comparisons joined with AND");
      t = Term{};
    }
    return t;
  }

  Term comparison_term() {
    if (eat('(')) {
      Term t = comparison_or();
      if (!eat(')')) set_error(fmt::format("expected ')' at offset {}", pos_));
      return t;
    }
    skip_space();
    // object path: type ':' property (with '.', '_', '-', '[', ']', '*', digits)
    const std::size_t start = pos_;
    int depth = 0;  // list indices inside a path, e.g. extensions[*]
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.' || c == '*') {
        ++pos_;
      } else if (c == '[' && pos_ > start) {
        ++depth;
        ++pos_;
      } else if (c == ']' && depth > 0) {
        --depth;
        ++pos_;
      } else if (c == '\'' && pos_ > start && s_[pos_ - 1] == '.') {
        std::string quoted;  // a quoted property name, e.g. hashes.'SHA-256'
        if (!string_literal(quoted)) return {};
      } else {
        break;
      }
    }
    const std::string_view path = s_.substr(start, pos_ - start);
    if (path.find(':') == std::string_view::npos) {
      set_error(fmt::format("expected an object path at offset {}", start));
      return {};
    }
    const bool address_path = path == "ipv4-addr:value" || path == "ipv6-addr:value" ||
                              path == "network-traffic:src_ref.value" || path == "network-traffic:dst_ref.value";
    const bool negated = eat_word("NOT");
    std::string op;
    skip_space();
    if (pos_ + 1 < s_.size() && (s_.substr(pos_, 2) == "!=" || s_.substr(pos_, 2) == "<=" || s_.substr(pos_, 2) == ">=")) {
      op = std::string(s_.substr(pos_, 2));
      pos_ += 2;
    } else if (pos_ < s_.size() && (s_[pos_] == '=' || s_[pos_] == '<' || s_[pos_] == '>')) {
      op = std::string(1, s_[pos_++]);
    } else {
      op = std::string(peek_word());
      if (op.empty()) {
        set_error(fmt::format("expected a comparison operator at offset {}", pos_));
        return {};
      }
      pos_ += op.size();
    }
    std::vector<std::string> values;
    if (op == "IN") {
      if (!eat('(')) {
        set_error(fmt::format("expected '(' after IN at offset {}", pos_));
        return {};
      }
      do {
        std::string v;
        if (!value(v)) return {};
        values.push_back(std::move(v));
      } while (eat(','));
      if (!eat(')')) {
        set_error(fmt::format("expected ')' at offset {}", pos_));
        return {};
      }
    } else {
      std::string v;
      if (!value(v)) return {};
      values.push_back(std::move(v));
    }
    if (!address_path) {
      not_sufficient(fmt::format("compares {}", path));
      return {};
    }
    if (negated || (op != "=" && op != "IN" && op != "ISSUBSET")) {
      not_sufficient(fmt::format("{}{} on an address", negated ? "NOT " : "", op));
      return {};
    }
    Term t;
    t.sufficient = true;
    for (const auto& v : values) {
      auto p = v.find('/') == std::string::npos
                   ? IpAddress::parse(v).map([](IpAddress a) { return Prefix::make(a, a.is_v4() ? 32 : 128); })
                   : Prefix::parse(v);
      if (!p) {
        set_error(fmt::format("'{}' is not an address or prefix", v));
        return {};
      }
      t.prefixes.push_back(*p);
    }
    return t;
  }

  // A constant: a quoted string, or a bare number/boolean/typed literal (kept as text).
  bool value(std::string& out) {
    skip_space();
    if (peek('\'')) return string_literal(out);
    const std::size_t start = pos_;
    // t'...', b'...', h'...' typed literals, numbers, true/false.
    if (pos_ + 1 < s_.size() && (s_[pos_] == 't' || s_[pos_] == 'b' || s_[pos_] == 'h') && s_[pos_ + 1] == '\'') {
      ++pos_;
      return string_literal(out);
    }
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                                s_[pos_] == '-' || s_[pos_] == '+')) {
      ++pos_;
    }
    if (pos_ == start) {
      set_error(fmt::format("expected a value at offset {}", pos_));
      return false;
    }
    out = std::string(s_.substr(start, pos_ - start));
    return true;
  }

  bool string_literal(std::string& out) {
    if (!eat('\'')) {
      set_error(fmt::format("expected a quoted string at offset {}", pos_));
      return false;
    }
    out.clear();
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '\\' && pos_ < s_.size()) {
        out.push_back(s_[pos_++]);
      } else if (c == '\'') {
        return true;
      } else {
        out.push_back(c);
      }
    }
    set_error("unterminated string");
    return false;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
  std::string reason_;
};

}  // namespace

PatternAddresses parse_address_pattern(std::string_view pattern) { return Parser(pattern).run(); }

}  // namespace mamori::detect

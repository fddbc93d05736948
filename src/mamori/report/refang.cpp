#include "mamori/report/refang.hpp"

#include <array>

namespace mamori::report {

namespace {

struct Pattern {
  std::string_view from;  // matched case-insensitively (ASCII)
  std::string_view to;
  bool word_start;  // only where no letter or digit precedes (hxxp, not "thxxp")
};

// Longer forms first where one is a prefix of another ("[://]" before "[:]").
constexpr std::array<Pattern, 20> kPatterns{{
    {"[://]", "://", false}, {"[:]//", "://", false}, {"[:]", ":", false},   {"[.]", ".", false},
    {"(.)", ".", false},     {"{.}", ".", false},     {"[dot]", ".", false}, {"(dot)", ".", false},
    {"{dot}", ".", false},   {"\\.", ".", false},     {"[@]", "@", false},   {"(@)", "@", false},
    {"{@}", "@", false},     {"[at]", "@", false},    {"(at)", "@", false},  {"{at}", "@", false},
    {"[/]", "/", false},     {"hxxps", "https", true}, {"hxxp", "http", true},
    {"fxp", "ftp", true},
}};

inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool matches_at(std::string_view input, std::size_t i, const Pattern& p) noexcept {
  if (input.size() - i < p.from.size()) return false;
  for (std::size_t k = 0; k < p.from.size(); ++k)
    if (lower(input[i + k]) != p.from[k]) return false;
  if (p.word_start) {
    if (i > 0 && alnum(input[i - 1])) return false;
    // A rewritten scheme must be a scheme: "hxxp://" or "hxxp[:]//", never the word "meow" in prose.
    const std::size_t after = i + p.from.size();
    const std::string_view rest = input.substr(after);
    if (!rest.starts_with(":") && !rest.starts_with("[:") && !rest.starts_with("s:") && !rest.starts_with("s[:"))
      return false;
  }
  return true;
}

}  // namespace

RefangedText refang(std::string_view input) {
  RefangedText out;
  out.text.reserve(input.size());
  out.origin.reserve(input.size() + 1);
  out.rewritten.reserve(input.size());
  std::size_t i = 0;
  while (i < input.size()) {
    const char c = input[i];
    // Every pattern starts with one of these; the common byte takes the fast path.
    const char lc = lower(c);
    if (lc == '[' || lc == '(' || lc == '{' || lc == '\\' || lc == 'h' || lc == 'f') {
      bool hit = false;
      for (const auto& p : kPatterns) {
        if (!matches_at(input, i, p)) continue;
        for (char t : p.to) {
          out.text += t;
          out.origin.push_back(static_cast<std::uint32_t>(i));
          out.rewritten.push_back(true);
        }
        i += p.from.size();
        hit = true;
        break;
      }
      if (hit) continue;
    }
    out.text += c;
    out.origin.push_back(static_cast<std::uint32_t>(i));
    out.rewritten.push_back(false);
    ++i;
  }
  out.origin.push_back(static_cast<std::uint32_t>(input.size()));
  return out;
}

}  // namespace mamori::report

#pragma once
// Undoing defanging. Analysts write indicators so that nobody clicks them:
// 1.2.3[.]4, evil[.]example, hxxp://, hxxps[:]//, user[@]example[dot]com.
// refang() rewrites those forms and keeps, for every output byte, the offset
// of the input byte it came from, so an indicator found in the refanged text
// can be traced back to where the reporter wrote it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mamori::report {

struct RefangedText {
  std::string text;
  std::vector<std::uint32_t> origin;  // origin[i]: offset in the input of text[i]; size text.size() + 1
  std::vector<bool> rewritten;        // rewritten[i]: text[i] came from a defanged form
};

RefangedText refang(std::string_view input);

}  // namespace mamori::report

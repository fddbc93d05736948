#include "mamori/report/model.hpp"

#include <sodium.h>

#include <fmt/format.h>

#include "mamori/crypto/encoding.hpp"

namespace mamori::report {

bool is_valid_identifier(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(id[0])) return false;
  for (char c : id)
    if (!alnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  return true;
}

std::string generate_report_id(TimeNs now) {
  // Idempotent and thread-safe; randombytes_buf needs the library initialised.
  // Should it fail, randombytes_buf still reads the kernel's generator.
  [[maybe_unused]] const int ready = sodium_init();
  std::uint8_t random[8];
  randombytes_buf(random, sizeof random);
  // yyyy-mm-ddThh:mm:ss from the RFC 3339 form, without separators.
  const std::string t = format_rfc3339(now);
  std::string compact;
  for (std::size_t i = 0; i < 19; ++i)
    if (t[i] != '-' && t[i] != ':') compact += t[i];
  return fmt::format("rpt-{}Z-{}", compact, crypto::hex_encode(crypto::ByteView(random, sizeof random)));
}

}  // namespace mamori::report

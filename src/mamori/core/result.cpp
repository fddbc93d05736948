#include "mamori/core/result.hpp"

namespace mamori {

std::string_view errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::parse_error: return "parse_error";
    case Errc::io_error: return "io_error";
    case Errc::truncated: return "truncated";
    case Errc::corrupt: return "corrupt";
    case Errc::unsupported: return "unsupported";
    case Errc::not_found: return "not_found";
    case Errc::exhausted: return "exhausted";
  }
  return "unknown";
}

}  // namespace mamori

#pragma once
// Recoverable errors travel as values (no exceptions on the data path).
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <tl/expected.hpp>

namespace mamori {

enum class Errc {
  invalid_argument,
  parse_error,
  io_error,
  truncated,
  corrupt,
  unsupported,
  not_found,
  exhausted,
};

std::string_view errc_name(Errc code) noexcept;

struct Error {
  Errc code;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

template <class... Args>
tl::unexpected<Error> fail(Errc code, fmt::format_string<Args...> format, Args&&... args) {
  return tl::unexpected<Error>(Error{code, fmt::format(format, std::forward<Args>(args)...)});
}

}  // namespace mamori

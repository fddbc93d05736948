#include "mamori/detect/sketch/option_reader.hpp"

#include <charconv>
#include <string>

namespace mamori::detect::sketch {

void OptionReader::note(const Error& error) {
  if (!error_) error_ = Error{error.code, fmt::format("{}: {}", detector_, error.message)};
}

double OptionReader::number(std::string_view key, double fallback, double low, double high) {
  auto v = options_.number(key, fallback);
  if (!v) {
    note(v.error());
    return fallback;
  }
  if (!(*v >= low && *v <= high)) {
    note({Errc::invalid_argument, fmt::format("option {}: {} is outside [{}, {}]", key, *v, low, high)});
    return fallback;
  }
  return *v;
}

std::uint64_t OptionReader::count(std::string_view key, std::uint64_t fallback, std::uint64_t low, std::uint64_t high) {
  auto v = options_.count(key, fallback);
  if (!v) {
    note(v.error());
    return fallback;
  }
  if (*v < low || *v > high) {
    note({Errc::invalid_argument, fmt::format("option {}: {} is outside [{}, {}]", key, *v, low, high)});
    return fallback;
  }
  return *v;
}

TimeNs OptionReader::duration(std::string_view key, TimeNs fallback, TimeNs low) {
  auto v = options_.duration(key, fallback);
  if (!v) {
    note(v.error());
    return fallback;
  }
  if (*v < low) {
    note({Errc::invalid_argument, fmt::format("option {}: shorter than {} ms", key, low / kNsPerMs)});
    return fallback;
  }
  return *v;
}

bool OptionReader::flag(std::string_view key, bool fallback) {
  auto text = options_.text(key, fallback ? "true" : "false");
  if (!text) {
    note(text.error());
    return fallback;
  }
  const std::string& v = *text;
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  note({Errc::invalid_argument, fmt::format("option {}: '{}' is not true or false", key, v)});
  return fallback;
}

std::vector<std::uint16_t> OptionReader::ports(std::string_view key, const std::vector<std::uint16_t>& fallback) {
  auto text = options_.text(key, "");
  if (!text) {
    note(text.error());
    return fallback;
  }
  if (!options_.values().contains(std::string(key))) return fallback;
  std::vector<std::uint16_t> ports;
  std::string_view rest = *text;
  while (true) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || value > 65535) {
      note({Errc::invalid_argument, fmt::format("option {}: '{}' is not a port number", key, item)});
      return fallback;
    }
    ports.push_back(static_cast<std::uint16_t>(value));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ports;
}

Status OptionReader::finish() const {
  if (error_) return tl::unexpected(*error_);
  if (auto st = options_.check_all_used(); !st) return fail(st.error().code, "{}: {}", detector_, st.error().message);
  return {};
}

}  // namespace mamori::detect::sketch

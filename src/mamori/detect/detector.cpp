#include "mamori/detect/detector.hpp"

#include <charconv>

namespace mamori::detect {

namespace {

std::string_view value_of(const std::map<std::string, std::string>& values, std::map<std::string, bool>& used,
                          std::string_view key, bool& found) {
  auto it = values.find(std::string(key));
  found = it != values.end();
  if (!found) return {};
  used[it->first] = true;
  return it->second;
}

}  // namespace

Result<double> DetectorOptions::number(std::string_view key, double fallback) const {
  bool found = false;
  const std::string_view text = value_of(values_, used_, key, found);
  if (!found) return fallback;
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail(Errc::invalid_argument, "option {}: '{}' is not a number", key, text);
  }
  return v;
}

Result<std::uint64_t> DetectorOptions::count(std::string_view key, std::uint64_t fallback) const {
  bool found = false;
  const std::string_view text = value_of(values_, used_, key, found);
  if (!found) return fallback;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail(Errc::invalid_argument, "option {}: '{}' is not a whole number", key, text);
  }
  return v;
}

Result<TimeNs> DetectorOptions::duration(std::string_view key, TimeNs fallback) const {
  bool found = false;
  const std::string_view text = value_of(values_, used_, key, found);
  if (!found) return fallback;
  auto d = parse_duration(text);
  if (!d) return fail(Errc::invalid_argument, "option {}: {}", key, d.error().message);
  return *d;
}

Result<std::string> DetectorOptions::text(std::string_view key, std::string fallback) const {
  bool found = false;
  const std::string_view value = value_of(values_, used_, key, found);
  if (!found) return fallback;
  return std::string(value);
}

Status DetectorOptions::check_all_used() const {
  std::string unknown;
  for (const auto& [key, value] : values_) {
    if (!used_.contains(key)) unknown += fmt::format("{}{}", unknown.empty() ? "" : ", ", key);
  }
  if (!unknown.empty()) return fail(Errc::invalid_argument, "unknown option(s): {}", unknown);
  return {};
}

void DetectorRegistry::add(DetectorInfo info) { detectors_.push_back(std::move(info)); }

const DetectorInfo* DetectorRegistry::find(std::string_view name) const noexcept {
  for (const auto& d : detectors_)
    if (d.name == name) return &d;
  return nullptr;
}

}  // namespace mamori::detect

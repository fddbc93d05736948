#pragma once
// Reads a detector's `name.key=value` options with ranges checked, keeping
// the first error so a factory reads every option in a row and asks once at
// the end (finish() also reports keys nobody asked for).
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "mamori/detect/detector.hpp"

namespace mamori::detect::sketch {

class OptionReader {
 public:
  OptionReader(const DetectorOptions& options, std::string_view detector) : options_(options), detector_(detector) {}

  double number(std::string_view key, double fallback, double low, double high);
  std::uint64_t count(std::string_view key, std::uint64_t fallback, std::uint64_t low = 0,
                      std::uint64_t high = std::numeric_limits<std::uint64_t>::max());
  TimeNs duration(std::string_view key, TimeNs fallback, TimeNs low = 0);
  // "true"/"false", "yes"/"no", "on"/"off", "1"/"0".
  bool flag(std::string_view key, bool fallback);
  // A comma-separated list of port numbers, e.g. "53,123,1900".
  std::vector<std::uint16_t> ports(std::string_view key, const std::vector<std::uint16_t>& fallback);

  // The first error met, or unknown keys.
  Status finish() const;

 private:
  void note(const Error& error);
  const DetectorOptions& options_;
  std::string_view detector_;
  std::optional<Error> error_;
};

}  // namespace mamori::detect::sketch

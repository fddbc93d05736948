#pragma once
// A small JSON text writer for the report documents: keys come out in the
// order written (the canonical documents depend on it) and numbers in their
// shortest round-trip form ("1.5", not Boost.JSON's "1.5E0").
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/time.hpp"

namespace mamori::report {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view value);
  JsonWriter& boolean(bool value);
  JsonWriter& number(std::uint64_t value);
  JsonWriter& number(double value);  // finite values only; others are written as null
  JsonWriter& time(TimeNs value);    // RFC 3339 string
  // Appends a complete JSON text as the next value.
  JsonWriter& raw(std::string_view json);

  std::string take() { return std::move(out_); }
  const std::string& text() const noexcept { return out_; }

 private:
  void separate();
  std::string out_;
  std::vector<bool> has_items_;  // per open container
  bool after_key_ = false;
};

}  // namespace mamori::report

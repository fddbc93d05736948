#include "mamori/detect/engine/country_locality.hpp"

#include "mamori/select/special_ranges.hpp"

namespace mamori::detect {

CountryLocality::CountryLocality(std::shared_ptr<const select::CountryTable> countries,
                                 const std::vector<select::CountryCode>& home_countries)
    : countries_(std::move(countries)), domestic_code_(65536, false) {
  domestic_code_[0] = true;
  for (auto cc : home_countries) domestic_code_[cc] = true;
  for (const auto& range : select::special_purpose_ranges()) {
    if (auto p = Prefix::parse(range.prefix)) special_.insert(*p, 1);
  }
}

}  // namespace mamori::detect

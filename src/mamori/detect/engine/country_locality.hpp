#pragma once
// Which end of an unselected flow is domestic, decided as the sensor's
// selection decides it (select::Selector): an address is domestic when it is
// in special-purpose space, in a home country, or of unknown country. Used
// for data whose FlowRecord::locality is unknown, e.g. `mamori detect --home JP`
// on a carrier's own capture.
#include <memory>
#include <vector>

#include "mamori/detect/flow_event.hpp"
#include "mamori/select/country_table.hpp"
#include "mamori/select/prefix_table.hpp"

namespace mamori::detect {

class CountryLocality final : public LocalityClassifier {
 public:
  CountryLocality(std::shared_ptr<const select::CountryTable> countries,
                  const std::vector<select::CountryCode>& home_countries);

  bool is_domestic(const IpAddress& address) const noexcept override {
    if (special_.lookup(address) != 0) return true;
    return domestic_code_[countries_->lookup(address)];
  }

 private:
  std::shared_ptr<const select::CountryTable> countries_;
  select::PrefixTable special_;
  std::vector<bool> domestic_code_;  // indexed by CountryCode; 0 (unknown) is domestic
};

}  // namespace mamori::detect

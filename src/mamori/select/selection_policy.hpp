#pragma once
// A selection policy (自動選別の基準): the versioned document, approved by the
// oversight body, that says which flows a sensor may keep and what of them.
// Schema: docs/selection-policy.md.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/flow/flow_fields.hpp"
#include "mamori/select/country_table.hpp"

namespace mamori::select {

// Directions a policy may keep. Domestic-to-domestic is not among them: it is
// always dropped and no policy can enable it.
enum class FlowDirection : std::uint8_t { foreign_to_domestic, domestic_to_foreign, foreign_to_foreign };

std::string_view flow_direction_name(FlowDirection d) noexcept;

// Mechanical fields only: addresses, ports, protocol, times, sizes, flags.
bool is_mechanical_field(flow::FlowField field) noexcept;

struct SelectionPolicy {
  std::string id;
  std::uint32_t version = 0;
  std::vector<CountryCode> home_countries;
  bool keep_foreign_to_domestic = false;
  bool keep_domestic_to_foreign = false;
  bool keep_foreign_to_foreign = false;
  std::vector<flow::FlowField> fields;  // kept; every other field is zeroed
  std::string pseudonymisation_key_id;
  TimeNs time_granularity = kNsPerSecond;
  TimeNs valid_from = 0;
  TimeNs valid_until = 0;
  TimeNs retention = 0;
  std::string legal_basis;
  std::vector<Prefix> domestic_prefixes;  // win over the country database
  std::string country_database;           // optional path; empty = the default
  // SHA-256 of the exact document bytes, hex: what the ledger records.
  std::string document_hash;

  bool keeps(FlowDirection d) const noexcept {
    switch (d) {
      case FlowDirection::foreign_to_domestic: return keep_foreign_to_domestic;
      case FlowDirection::domestic_to_foreign: return keep_domestic_to_foreign;
      case FlowDirection::foreign_to_foreign: return keep_foreign_to_foreign;
    }
    return false;
  }
  bool keeps_field(flow::FlowField f) const noexcept;
  bool valid_at(TimeNs t) const noexcept { return t >= valid_from && t < valid_until; }
};

inline constexpr TimeNs kMaxFlowRetention = 2 * 366 * 86400 * kNsPerSecond;  // R-LED 3: at most 2 years

// Parses and validates a policy document (TOML). Every problem is reported
// with the key it concerns; an invalid policy is never partially accepted.
Result<SelectionPolicy> parse_selection_policy(std::string_view document);
Result<SelectionPolicy> load_selection_policy(const std::string& path, std::string* document_out = nullptr);

std::string sha256_hex(std::string_view bytes);

}  // namespace mamori::select

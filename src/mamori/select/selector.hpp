#pragma once
// Machine selection (自動選別) of flows under an approved policy: keep only
// foreign-related flows in the directions the policy allows, pseudonymise the
// domestic side with Crypto-PAn, keep only whitelisted mechanical fields and
// coarsen times. Domestic-to-domestic flows are always dropped.
//
// An address is domestic when it is in a home country, in the policy's
// domestic prefixes, in special-purpose space, or of unknown country: an
// address the database does not know is never treated as foreign, so an
// unknown subscriber is pseudonymised rather than kept in clear.
#include <array>
#include <memory>
#include <span>
#include <vector>

#include "mamori/flow/flow_record.hpp"
#include "mamori/select/country_table.hpp"
#include "mamori/select/cryptopan.hpp"
#include "mamori/select/selection_policy.hpp"

namespace mamori::select {

enum class DropReason : std::uint8_t { domestic_to_domestic, direction_not_allowed, policy_not_valid };
inline constexpr std::size_t kDropReasonCount = 3;
std::string_view drop_reason_name(DropReason r) noexcept;

struct SelectionCounts {
  std::uint64_t in = 0;
  std::uint64_t kept = 0;
  std::array<std::uint64_t, kDropReasonCount> dropped{};
  std::array<std::uint64_t, 3> kept_by_direction{};  // indexed by FlowDirection
  std::uint64_t pseudonymised_addresses = 0;

  std::uint64_t dropped_total() const noexcept {
    std::uint64_t n = 0;
    for (auto d : dropped) n += d;
    return n;
  }
  void merge(const SelectionCounts& o) noexcept;
};

class Selector {
 public:
  Selector(SelectionPolicy policy, std::shared_ptr<const CountryTable> countries, CryptoPan pseudonymiser);

  // Appends the selected, transformed form of each kept flow to `out`.
  void select(std::span<const flow::FlowRecord> in, std::vector<flow::FlowRecord>& out, SelectionCounts& counts);
  // Drops a whole batch because the policy is not (or no longer) valid.
  static void refuse(std::span<const flow::FlowRecord> in, SelectionCounts& counts) noexcept;

  bool is_domestic(const IpAddress& a) const noexcept {
    if (overrides_.lookup(a) != 0) return true;
    return domestic_code_[countries_->lookup(a)];
  }
  CryptoPan& pseudonymiser() noexcept { return pan_; }

 private:
  void strip(flow::FlowRecord& r) const noexcept;

  SelectionPolicy policy_;
  std::shared_ptr<const CountryTable> countries_;
  CryptoPan pan_;
  PrefixTable overrides_;                // special-purpose ranges and the policy's domestic prefixes
  std::vector<bool> domestic_code_;      // indexed by CountryCode; code 0 (unknown) is domestic
  std::array<bool, flow::kFlowFieldCount> keep_{};
};

// Canonical, padding-free serialisation of a flow for batch hashes: 96
// bytes, big-endian, fields in FlowField order (docs/selection-policy.md).
inline constexpr std::size_t kCanonicalFlowSize = 96;
void canonical_flow(const flow::FlowRecord& r, std::byte* out) noexcept;

// SHA-256 over the canonical form of a batch of flows, incrementally.
class BatchHasher {
 public:
  BatchHasher();
  BatchHasher(BatchHasher&&) noexcept;
  BatchHasher& operator=(BatchHasher&&) noexcept;
  ~BatchHasher();
  void add(std::span<const flow::FlowRecord> flows);
  // Hex digest of everything added since the last call; starts a new batch.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::select

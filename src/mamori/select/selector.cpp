#include "mamori/select/selector.hpp"

#include "mamori/core/byte_reader.hpp"
#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/sha256.hpp"
#include "mamori/select/special_ranges.hpp"

namespace mamori::select {

using flow::FlowField;
using flow::FlowRecord;

std::string_view drop_reason_name(DropReason r) noexcept {
  switch (r) {
    case DropReason::domestic_to_domestic: return "domestic_to_domestic";
    case DropReason::direction_not_allowed: return "direction_not_allowed";
    case DropReason::policy_not_valid: return "policy_not_valid";
  }
  return "?";
}

void SelectionCounts::merge(const SelectionCounts& o) noexcept {
  in += o.in;
  kept += o.kept;
  for (std::size_t i = 0; i < dropped.size(); ++i) dropped[i] += o.dropped[i];
  for (std::size_t i = 0; i < kept_by_direction.size(); ++i) kept_by_direction[i] += o.kept_by_direction[i];
  pseudonymised_addresses += o.pseudonymised_addresses;
}

Selector::Selector(SelectionPolicy policy, std::shared_ptr<const CountryTable> countries,
                   CryptoPan pseudonymiser)
    : policy_(std::move(policy)), countries_(std::move(countries)), pan_(std::move(pseudonymiser)), domestic_code_(65536, false) {
  domestic_code_[0] = true;
  for (auto cc : policy_.home_countries) domestic_code_[cc] = true;
  for (const auto& range : special_purpose_ranges()) overrides_.insert(*Prefix::parse(range.prefix), 1);
  for (const auto& p : policy_.domestic_prefixes) overrides_.insert(p, 2);
  for (auto f : policy_.fields) keep_[static_cast<std::size_t>(f)] = true;
}

void Selector::strip(FlowRecord& r) const noexcept {
  const auto keep = [&](FlowField f) { return keep_[static_cast<std::size_t>(f)]; };
  // Times are coarsened to the policy's granularity before anything else.
  const TimeNs g = policy_.time_granularity;
  r.start_ns = keep(FlowField::start_ns) ? r.start_ns - r.start_ns % g : 0;
  r.end_ns = keep(FlowField::end_ns) ? r.end_ns - r.end_ns % g : 0;
  if (!keep(FlowField::src_addr)) r.src_addr = IpAddress();
  if (!keep(FlowField::dst_addr)) r.dst_addr = IpAddress();
  if (!keep(FlowField::src_port)) r.src_port = 0;
  if (!keep(FlowField::dst_port)) r.dst_port = 0;
  if (!keep(FlowField::proto)) r.proto = 0;
  if (!keep(FlowField::packets)) r.packets = 0;
  if (!keep(FlowField::bytes)) r.bytes = 0;
  if (!keep(FlowField::tcp_flags)) r.tcp_flags = 0;
  if (!keep(FlowField::tos)) r.tos = 0;
  if (!keep(FlowField::sampling_rate)) r.sampling_rate = 1;
  if (!keep(FlowField::raw_packets)) r.raw_packets = 0;
  if (!keep(FlowField::raw_bytes)) r.raw_bytes = 0;
  if (!keep(FlowField::direction)) r.direction = flow::Direction::unknown;
  // Never mechanical: the carrier's own network layout.
  r.exporter = IpAddress();
  r.observation_domain = 0;
  r.input_if = 0;
  r.output_if = 0;
  r.source = flow::FlowSource::unknown;
}

void Selector::select(std::span<const FlowRecord> in, std::vector<FlowRecord>& out, SelectionCounts& counts) {
  counts.in += in.size();
  for (const FlowRecord& f : in) {
    const bool src_domestic = is_domestic(f.src_addr);
    const bool dst_domestic = is_domestic(f.dst_addr);
    if (src_domestic && dst_domestic) {
      ++counts.dropped[static_cast<std::size_t>(DropReason::domestic_to_domestic)];
      continue;
    }
    const FlowDirection d = src_domestic   ? FlowDirection::domestic_to_foreign
                            : dst_domestic ? FlowDirection::foreign_to_domestic
                                           : FlowDirection::foreign_to_foreign;
    if (!policy_.keeps(d)) {
      ++counts.dropped[static_cast<std::size_t>(DropReason::direction_not_allowed)];
      continue;
    }
    FlowRecord r = f;
    if (src_domestic) {
      r.src_addr = pan_.anonymize(r.src_addr);
      ++counts.pseudonymised_addresses;
    }
    if (dst_domestic) {
      r.dst_addr = pan_.anonymize(r.dst_addr);
      ++counts.pseudonymised_addresses;
    }
    strip(r);
    r.locality = d == FlowDirection::domestic_to_foreign   ? flow::Locality::domestic_to_foreign
                 : d == FlowDirection::foreign_to_domestic ? flow::Locality::foreign_to_domestic
                                                           : flow::Locality::foreign_to_foreign;
    out.push_back(r);
    ++counts.kept;
    ++counts.kept_by_direction[static_cast<std::size_t>(d)];
  }
}

void Selector::refuse(std::span<const FlowRecord> in, SelectionCounts& counts) noexcept {
  counts.in += in.size();
  counts.dropped[static_cast<std::size_t>(DropReason::policy_not_valid)] += in.size();
}

void canonical_flow(const FlowRecord& r, std::byte* p) noexcept {
  store_be64(p, r.start_ns);
  store_be64(p + 8, r.end_ns);
  store_be64(p + 16, r.src_addr.hi());
  store_be64(p + 24, r.src_addr.lo());
  store_be64(p + 32, r.dst_addr.hi());
  store_be64(p + 40, r.dst_addr.lo());
  store_be16(p + 48, r.src_port);
  store_be16(p + 50, r.dst_port);
  p[52] = std::byte{r.proto};
  p[53] = std::byte{r.tcp_flags};
  p[54] = std::byte{r.tos};
  p[55] = std::byte{static_cast<std::uint8_t>(r.direction)};
  store_be64(p + 56, r.packets);
  store_be64(p + 64, r.bytes);
  store_be64(p + 72, r.raw_packets);
  store_be64(p + 80, r.raw_bytes);
  store_be32(p + 88, r.sampling_rate);
  p[92] = std::byte{static_cast<std::uint8_t>(r.locality)};
  p[93] = std::byte{0};  // reserved
  store_be16(p + 94, 0);  // reserved
}

struct BatchHasher::Impl {
  crypto::Sha256 hash;
  std::vector<std::byte> buffer;
};

BatchHasher::BatchHasher() : impl_(std::make_unique<Impl>()) {}
BatchHasher::BatchHasher(BatchHasher&&) noexcept = default;
BatchHasher& BatchHasher::operator=(BatchHasher&&) noexcept = default;
BatchHasher::~BatchHasher() = default;

void BatchHasher::add(std::span<const FlowRecord> flows) {
  impl_->buffer.resize(flows.size() * kCanonicalFlowSize);
  for (std::size_t i = 0; i < flows.size(); ++i) canonical_flow(flows[i], impl_->buffer.data() + i * kCanonicalFlowSize);
  impl_->hash.update(impl_->buffer.data(), impl_->buffer.size());
}

std::string BatchHasher::finish() {
  const crypto::Hash digest = impl_->hash.finish();
  impl_->hash = crypto::Sha256();
  return crypto::hex_encode(digest);
}

}  // namespace mamori::select

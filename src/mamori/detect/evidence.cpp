#include "mamori/detect/evidence.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mamori::detect {

void Evidence::add(const flow::FlowRecord& flow, const IpAddress& peer, std::uint16_t port) noexcept {
  first_ = std::min(first_, flow.start_ns);
  last_ = std::max(last_, std::max(flow.end_ns, flow.start_ns));
  ++flows_;
  packets_ += flow.packets;
  bytes_ += flow.bytes;
  proto_ = flow.proto;
  // The top 9 bits of a multiplicative remix: the address hash's low bits are not uniform
  // enough over consecutive addresses for linear counting.
  const std::uint64_t bit = (static_cast<std::uint64_t>(IpAddressHash{}(peer)) * 0x9e3779b97f4a7c15ULL) >> 55;
  peer_bits_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  if (!many_peers_ && std::find(peers_.begin(), peers_.begin() + n_peers_, peer) == peers_.begin() + n_peers_) {
    if (n_peers_ < kSamples) {
      peers_[n_peers_++] = peer;
    } else {
      many_peers_ = true;
    }
  }
  if (n_times_ < kSamples) times_[n_times_++] = flow.start_ns;
  if (std::find(ports_.begin(), ports_.begin() + n_ports_, port) == ports_.begin() + n_ports_ && n_ports_ < kSamples) {
    ports_[n_ports_++] = port;
  }
}

std::uint64_t Evidence::distinct_peers() const noexcept {
  if (!many_peers_) return n_peers_;
  constexpr double m = 512;
  unsigned set = 0;
  for (auto w : peer_bits_) set += static_cast<unsigned>(std::popcount(w));
  const double zeros = std::max(1.0, m - set);  // a full map saturates at m ln m
  const auto estimate = static_cast<std::uint64_t>(std::llround(-m * std::log(zeros / m)));
  return std::max<std::uint64_t>(estimate, kSamples + 1);
}

void Evidence::fill(Finding& out) const {
  out.first_seen = flows_ == 0 ? 0 : first_;
  out.last_seen = last_;
  out.flows = flows_;
  out.packets = packets_;
  out.bytes = bytes_;
  out.proto = proto_;
  out.peers = distinct_peers();
  out.sample_peers.assign(peers_.begin(), peers_.begin() + n_peers_);
  out.sample_times.assign(times_.begin(), times_.begin() + n_times_);
  out.ports.assign(ports_.begin(), ports_.begin() + n_ports_);
  std::sort(out.ports.begin(), out.ports.end());
}

}  // namespace mamori::detect

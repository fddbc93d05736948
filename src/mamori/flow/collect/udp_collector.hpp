#pragma once
// Receives NetFlow/IPFIX/sFlow datagrams on UDP sockets in batches
// (recvmmsg) and hands them to an ExportDecoder. Kernel receive-queue drops
// are read from SO_RXQ_OVFL so that loss is reported, not guessed.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/decode/export_decoder.hpp"

namespace mamori::flow {

struct ListenAddress {
  std::string host;  // numeric IPv4/IPv6 address
  std::uint16_t port = 0;
  std::string to_string() const;
};

// Parses "udp://HOST:PORT", "udp://[V6]:PORT" or "HOST:PORT".
Result<ListenAddress> parse_listen_address(std::string_view text);

struct CollectorOptions {
  int receive_buffer_bytes = 64 << 20;  // asks for more with SO_RCVBUFFORCE when allowed
  std::size_t batch = 64;               // datagrams per recvmmsg call
};

struct CollectorStats {
  std::uint64_t datagrams = 0;
  std::uint64_t bytes = 0;
  std::uint64_t truncated = 0;     // datagrams larger than our buffer
  std::uint64_t kernel_drops = 0;  // datagrams the kernel dropped (receive queue full)
  int receive_buffer_bytes = 0;    // what the kernel granted
};

class UdpCollector {
 public:
  static Result<UdpCollector> open(const std::vector<ListenAddress>& addresses, CollectorOptions options = {});
  UdpCollector(UdpCollector&&) noexcept;
  UdpCollector& operator=(UdpCollector&&) noexcept;
  ~UdpCollector();

  // The addresses actually bound (port 0 resolved).
  std::vector<ListenAddress> bound() const;
  // Waits up to `timeout_ms` for datagrams and decodes all that are queued.
  // Returns the number of datagrams received.
  Result<std::size_t> poll(ExportDecoder& decoder, std::vector<FlowRecord>& out, int timeout_ms);
  const CollectorStats& stats() const noexcept;

 private:
  struct Impl;
  explicit UdpCollector(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::flow

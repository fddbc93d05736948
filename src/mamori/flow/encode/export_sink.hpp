#pragma once
// Where encoded export datagrams go: a capture file of UDP packets, a UDP
// socket, or memory (tests). Encoders hand each finished datagram to a sink.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"

namespace mamori::flow {

class PcapWriter;

class ExportSink {
 public:
  virtual ~ExportSink() = default;
  // One datagram (the UDP payload) and the exporter's clock when it was sent.
  virtual Status send(Bytes datagram, TimeNs export_time_ns) = 0;
  virtual Status finish() { return {}; }
};

// Keeps every datagram; for tests and for callers that post-process.
class MemorySink final : public ExportSink {
 public:
  struct Datagram {
    std::vector<std::byte> bytes;
    TimeNs export_time_ns = 0;
  };
  Status send(Bytes datagram, TimeNs export_time_ns) override {
    datagrams.push_back({std::vector<std::byte>(datagram.begin(), datagram.end()), export_time_ns});
    return {};
  }
  std::vector<Datagram> datagrams;
};

// Writes each datagram as an Ethernet/IPv4(or IPv6)/UDP packet from the
// exporter to the collector into a pcap file, timestamped with the export time.
class PcapExportSink final : public ExportSink {
 public:
  struct Endpoints {
    IpAddress exporter = IpAddress::v4(0x7f000001);
    std::uint16_t exporter_port = 50000;
    IpAddress collector = IpAddress::v4(0x7f000001);
    std::uint16_t collector_port = 4739;
  };
  static Result<std::unique_ptr<PcapExportSink>> open(const std::string& path, const Endpoints& endpoints);
  ~PcapExportSink() override;
  Status send(Bytes datagram, TimeNs export_time_ns) override;
  Status finish() override;

 private:
  PcapExportSink(std::unique_ptr<PcapWriter> writer, const Endpoints& endpoints);
  std::unique_ptr<PcapWriter> writer_;
  Endpoints endpoints_;
  std::uint16_t ip_id_ = 0;
  std::vector<std::byte> frame_;
};

// Sends each datagram to a UDP collector. A refused or failed send is counted,
// not fatal: a collector that restarts must not stop the exporter.
class UdpExportSink final : public ExportSink {
 public:
  // `host` is a numeric IPv4/IPv6 address or a name resolved once here.
  static Result<std::unique_ptr<UdpExportSink>> open(const std::string& host, std::uint16_t port);
  ~UdpExportSink() override;
  Status send(Bytes datagram, TimeNs export_time_ns) override;

  // Pause `pause_us` after every `burst` datagrams, so a fast sender does not
  // overrun a collector's socket buffer on the same host (0: never pause).
  void set_throttle(std::uint32_t burst, std::uint32_t pause_us) noexcept {
    burst_ = burst;
    pause_us_ = pause_us;
  }
  std::uint64_t sent() const noexcept { return sent_; }
  std::uint64_t failed() const noexcept { return failed_; }
  const std::string& last_error() const noexcept { return last_error_; }

 private:
  explicit UdpExportSink(int fd) noexcept : fd_(fd) {}
  int fd_ = -1;
  std::uint64_t sent_ = 0;
  std::uint64_t failed_ = 0;
  std::uint32_t burst_ = 0;
  std::uint32_t pause_us_ = 0;
  std::uint32_t in_burst_ = 0;
  std::string last_error_;
};

// Parses "udp://HOST:PORT" (IPv6 hosts in brackets: udp://[::1]:2055); an
// empty host ("udp://:4739") is 127.0.0.1.
struct UdpTarget {
  std::string host;
  std::uint16_t port = 0;
};
Result<UdpTarget> parse_udp_target(std::string_view url);

}  // namespace mamori::flow

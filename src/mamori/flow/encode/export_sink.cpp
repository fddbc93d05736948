#include "mamori/flow/encode/export_sink.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "mamori/flow/capture/pcap_writer.hpp"

namespace mamori::flow {

PcapExportSink::PcapExportSink(std::unique_ptr<PcapWriter> writer, const Endpoints& endpoints)
    : writer_(std::move(writer)), endpoints_(endpoints) {}

PcapExportSink::~PcapExportSink() = default;

Result<std::unique_ptr<PcapExportSink>> PcapExportSink::open(const std::string& path, const Endpoints& endpoints) {
  if (endpoints.exporter.is_v4() != endpoints.collector.is_v4()) {
    return fail(Errc::invalid_argument, "exporter and collector must be of the same address family");
  }
  auto writer = PcapWriter::open(path, LinkType::ethernet);
  if (!writer) return tl::unexpected(writer.error());
  return std::unique_ptr<PcapExportSink>(new PcapExportSink(std::move(*writer), endpoints));
}

Status PcapExportSink::send(Bytes datagram, TimeNs export_time_ns) {
  build_udp_packet(LinkType::ethernet, endpoints_.exporter, endpoints_.exporter_port, endpoints_.collector,
                   endpoints_.collector_port, datagram, ip_id_++, frame_);
  return writer_->write(export_time_ns, frame_);
}

Status PcapExportSink::finish() { return writer_->close(); }

Result<std::unique_ptr<UdpExportSink>> UdpExportSink::open(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return fail(Errc::invalid_argument, "cannot resolve collector '{}': {}", host, gai_strerror(rc));
  }
  std::string error = "no usable address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    // connect() fixes the peer, so send() needs no address and reports ICMP
    // port-unreachable from an absent collector as ECONNREFUSED.
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    int buffer = 4 << 20;
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    freeaddrinfo(found);
    return std::unique_ptr<UdpExportSink>(new UdpExportSink(fd));
  }
  freeaddrinfo(found);
  return fail(Errc::io_error, "cannot open UDP socket to {}:{}: {}", host, port, error);
}

UdpExportSink::~UdpExportSink() {
  if (fd_ >= 0) ::close(fd_);
}

Status UdpExportSink::send(Bytes datagram, TimeNs /*export_time_ns*/) {
  if (burst_ != 0 && ++in_burst_ >= burst_) {
    in_burst_ = 0;
    std::this_thread::sleep_for(std::chrono::microseconds(pause_us_));
  }
  for (;;) {
    const ssize_t n = ::send(fd_, datagram.data(), datagram.size(), 0);
    if (n >= 0) {
      ++sent_;
      return {};
    }
    if (errno == EINTR) continue;
    ++failed_;
    last_error_ = std::strerror(errno);
    return {};
  }
}

Result<UdpTarget> parse_udp_target(std::string_view url) {
  constexpr std::string_view kScheme = "udp://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return fail(Errc::invalid_argument, "collector must be udp://HOST:PORT, got '{}'", url);
  }
  std::string_view rest = url.substr(kScheme.size());
  std::string_view host;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return fail(Errc::invalid_argument, "bad collector address '{}' (use udp://[IPv6]:PORT)", url);
    }
    host = rest.substr(1, close - 1);
    port_text = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return fail(Errc::invalid_argument, "collector '{}' has no port", url);
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return fail(Errc::invalid_argument, "put an IPv6 collector in brackets: udp://[{}]:PORT", host);
    }
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return fail(Errc::invalid_argument, "bad collector '{}' (expected udp://HOST:PORT with port 1-65535)", url);
  }
  // No host means this machine: a test collector, never someone else's.
  return UdpTarget{host.empty() ? std::string("127.0.0.1") : std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace mamori::flow

#include "mamori/flow/collect/udp_collector.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mamori::flow {

namespace {

constexpr std::size_t kDatagramBuffer = 65536;

struct Socket {
  int fd = -1;
  ListenAddress bound;
  std::uint32_t last_drop_counter = 0;
};

}  // namespace

std::string ListenAddress::to_string() const {
  if (host.find(':') != std::string::npos) return fmt::format("udp://[{}]:{}", host, port);
  return fmt::format("udp://{}:{}", host, port);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("udp://")) rest.remove_prefix(6);
  else if (rest.find("://") != std::string_view::npos) {
    return fail(Errc::invalid_argument, "listen address '{}': only udp:// is supported", text);
  }
  std::string_view host, port;
  if (rest.starts_with("[")) {
    auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return fail(Errc::invalid_argument, "listen address '{}': expected udp://[IPv6]:PORT", text);
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      return fail(Errc::invalid_argument, "listen address '{}': expected udp://HOST:PORT", text);
    }
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  auto address = IpAddress::parse(host);
  if (!address) return fail(Errc::invalid_argument, "listen address '{}': '{}' is not a numeric IP address", text, host);
  unsigned value = 0;
  if (port.empty() || port.size() > 5) return fail(Errc::invalid_argument, "listen address '{}': bad port", text);
  for (char c : port) {
    if (c < '0' || c > '9') return fail(Errc::invalid_argument, "listen address '{}': bad port", text);
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return fail(Errc::invalid_argument, "listen address '{}': port out of range", text);
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

struct UdpCollector::Impl {
  std::vector<Socket> sockets;
  CollectorOptions options;
  CollectorStats stats;
  std::vector<std::byte> buffers;
  std::vector<mmsghdr> messages;
  std::vector<iovec> iovecs;
  std::vector<sockaddr_storage> peers;
  std::vector<std::array<char, CMSG_SPACE(sizeof(std::uint32_t)) + CMSG_SPACE(sizeof(timespec))>> controls;

  ~Impl() {
    for (auto& s : sockets)
      if (s.fd >= 0) ::close(s.fd);
  }
};

UdpCollector::UdpCollector(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UdpCollector::UdpCollector(UdpCollector&&) noexcept = default;
UdpCollector& UdpCollector::operator=(UdpCollector&&) noexcept = default;
UdpCollector::~UdpCollector() = default;

Result<UdpCollector> UdpCollector::open(const std::vector<ListenAddress>& addresses, CollectorOptions options) {
  if (addresses.empty()) return fail(Errc::invalid_argument, "no listen address given");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  for (const auto& a : addresses) {
    sockaddr_storage ss{};
    socklen_t len;
    const bool v6 = a.host.find(':') != std::string::npos;
    if (v6) {
      auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
      s6->sin6_family = AF_INET6;
      s6->sin6_port = htons(a.port);
      inet_pton(AF_INET6, a.host.c_str(), &s6->sin6_addr);
      len = sizeof(sockaddr_in6);
    } else {
      auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
      s4->sin_family = AF_INET;
      s4->sin_port = htons(a.port);
      inet_pton(AF_INET, a.host.c_str(), &s4->sin_addr);
      len = sizeof(sockaddr_in);
    }
    int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return fail(Errc::io_error, "{}: socket: {}", a.to_string(), std::strerror(errno));
    Socket sock;
    sock.fd = fd;
    impl->sockets.push_back(sock);  // owned from here on, closed by ~Impl on any error
    int size = options.receive_buffer_bytes;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    if (v6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      return fail(Errc::io_error, "{}: bind: {}", a.to_string(), std::strerror(errno));
    }
    sockaddr_storage actual{};
    socklen_t actual_len = sizeof actual;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&actual), &actual_len);
    impl->sockets.back().bound = a;
    impl->sockets.back().bound.port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&actual)->sin6_port
                                               : reinterpret_cast<sockaddr_in*>(&actual)->sin_port);
    int granted = 0;
    socklen_t granted_len = sizeof granted;
    ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &granted_len);
    impl->stats.receive_buffer_bytes = granted;
  }
  const std::size_t batch = options.batch == 0 ? 1 : options.batch;
  impl->buffers.resize(batch * kDatagramBuffer);
  impl->messages.resize(batch);
  impl->iovecs.resize(batch);
  impl->peers.resize(batch);
  impl->controls.resize(batch);
  return UdpCollector(std::move(impl));
}

std::vector<ListenAddress> UdpCollector::bound() const {
  std::vector<ListenAddress> out;
  for (const auto& s : impl_->sockets) out.push_back(s.bound);
  return out;
}

const CollectorStats& UdpCollector::stats() const noexcept { return impl_->stats; }

Result<std::size_t> UdpCollector::poll(ExportDecoder& decoder, std::vector<FlowRecord>& out, int timeout_ms) {
  auto& m = *impl_;
  std::vector<pollfd> fds;
  fds.reserve(m.sockets.size());
  for (const auto& s : m.sockets) fds.push_back(pollfd{s.fd, POLLIN, 0});
  int ready = ::poll(fds.data(), fds.size(), timeout_ms);
  if (ready < 0) {
    if (errno == EINTR) return std::size_t{0};
    return fail(Errc::io_error, "poll: {}", std::strerror(errno));
  }
  std::size_t received = 0;
  for (std::size_t si = 0; si < m.sockets.size(); ++si) {
    if (!(fds[si].revents & POLLIN)) continue;
    Socket& sock = m.sockets[si];
    // Drain the socket: a collector that reads one batch per poll falls behind at line rate.
    for (int round = 0; round < 64; ++round) {
      const std::size_t batch = m.messages.size();
      for (std::size_t i = 0; i < batch; ++i) {
        m.iovecs[i] = iovec{m.buffers.data() + i * kDatagramBuffer, kDatagramBuffer};
        m.messages[i] = mmsghdr{};
        m.messages[i].msg_hdr.msg_iov = &m.iovecs[i];
        m.messages[i].msg_hdr.msg_iovlen = 1;
        m.messages[i].msg_hdr.msg_name = &m.peers[i];
        m.messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        m.messages[i].msg_hdr.msg_control = m.controls[i].data();
        m.messages[i].msg_hdr.msg_controllen = m.controls[i].size();
      }
      int n = ::recvmmsg(sock.fd, m.messages.data(), static_cast<unsigned>(batch), MSG_DONTWAIT, nullptr);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
        return fail(Errc::io_error, "{}: recvmmsg: {}", sock.bound.to_string(), std::strerror(errno));
      }
      const TimeNs fallback_now = now_ns();
      for (int i = 0; i < n; ++i) {
        const auto& hdr = m.messages[i].msg_hdr;
        const std::size_t len = m.messages[i].msg_len;
        TimeNs received_ns = fallback_now;
        for (cmsghdr* c = CMSG_FIRSTHDR(&hdr); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&hdr), c)) {
          if (c->cmsg_level != SOL_SOCKET) continue;
          if (c->cmsg_type == SO_RXQ_OVFL) {
            std::uint32_t drops;
            std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
            // The kernel reports a running total per socket.
            if (drops > sock.last_drop_counter) {
              m.stats.kernel_drops += drops - sock.last_drop_counter;
              sock.last_drop_counter = drops;
            }
          } else if (c->cmsg_type == SO_TIMESTAMPNS) {
            timespec ts;
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            received_ns = static_cast<TimeNs>(ts.tv_sec) * kNsPerSecond + static_cast<TimeNs>(ts.tv_nsec);
          }
        }
        if (hdr.msg_flags & MSG_TRUNC) {
          ++m.stats.truncated;
          continue;
        }
        IpAddress exporter;
        const auto* peer = static_cast<const sockaddr*>(hdr.msg_name);
        if (peer->sa_family == AF_INET) {
          exporter = IpAddress::v4(ntohl(reinterpret_cast<const sockaddr_in*>(peer)->sin_addr.s_addr));
        } else if (peer->sa_family == AF_INET6) {
          exporter = IpAddress::v6(reinterpret_cast<const sockaddr_in6*>(peer)->sin6_addr.s6_addr);
        }
        ++m.stats.datagrams;
        m.stats.bytes += len;
        decoder.decode(ExportDatagram{exporter, received_ns, Bytes(m.buffers.data() + i * kDatagramBuffer, len)}, out);
      }
      received += static_cast<std::size_t>(n);
      if (static_cast<std::size_t>(n) < batch) break;
    }
  }
  return received;
}

}  // namespace mamori::flow

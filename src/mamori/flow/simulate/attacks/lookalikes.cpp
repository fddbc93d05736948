#include "mamori/flow/simulate/attacks/lookalikes.hpp"

#include <algorithm>
#include <array>

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::array<std::string_view, kLookalikeCount> kNames = {"benign_ntp", "benign_update", "benign_cdn",
                                                                   "benign_push", "benign_dns"};

// OpenDNS, a public resolver the background model does not use.
constexpr std::uint32_t kOpenDns = (208u << 24) | (67u << 16) | (222u << 8) | 222u;
constexpr std::uint8_t kUnitedStates = 1;  // index in AddressPlan::japan()

TimeNs seconds(double s) noexcept { return static_cast<TimeNs>(s * 1e9); }
}  // namespace

std::string_view lookalike_name(Lookalike kind) noexcept { return kNames[static_cast<std::size_t>(kind)]; }

std::vector<LookalikeConfig> default_lookalike_configs() {
  return {{Lookalike::ntp, 30}, {Lookalike::update, 60}, {Lookalike::cdn, 300}, {Lookalike::push, 80},
          {Lookalike::dns, 150}};
}

Result<std::unique_ptr<LookalikeSource>> LookalikeSource::create(const std::vector<LookalikeConfig>& configs,
                                                                 AttackEnvironment& env) {
  if (configs.empty()) return fail(Errc::invalid_argument, "benign: no look-alikes configured");
  TimeNs record = env.active_timeout();
  if (record == 0) record = 300 * kNsPerSecond;
  std::unique_ptr<LookalikeSource> src(new LookalikeSource(env.factory(), record));
  for (const LookalikeConfig& config : configs) {
    if (config.clients == 0) return fail(Errc::invalid_argument, "benign: a look-alike needs clients");
    const std::string_view name = lookalike_name(config.kind);
    Rng setup = env.rng(name, 0);
    auto label = env.take_label();
    if (!label) return tl::unexpected(label.error());
    Service service{config.kind, {}, *label};
    switch (config.kind) {
      case Lookalike::ntp: service.server = env.infrastructure().allocate(InfraUse::ntp_pool, false, setup); break;
      case Lookalike::update: service.server = env.infrastructure().allocate(InfraUse::update_service, false, setup); break;
      case Lookalike::cdn: service.server = env.infrastructure().allocate(InfraUse::cdn, false, setup); break;
      case Lookalike::push: service.server = env.infrastructure().allocate(InfraUse::push_service, false, setup); break;
      case Lookalike::dns: service.server = env.infrastructure().fixed(IpAddress::v4(kOpenDns), kUnitedStates, setup); break;
    }
    src->planted_.push_back({*label, std::string(name), {{service.server.address, "server", true}}});
    const auto service_index = static_cast<std::uint32_t>(src->services_.size());
    src->services_.push_back(service);
    std::uint64_t stream = 1;
    for (std::uint32_t sub : env.pick_subscribers(config.clients, setup)) {
      Client c{service_index, env.subscribers()[sub], env.rng(name, stream++)};
      Rng& rng = c.rng;
      TimeNs first = env.start();
      switch (config.kind) {
        case Lookalike::ntp: {
          // ntpd settles on 64-1024 s polls; chrony and systemd-timesyncd similar.
          constexpr std::array<double, 5> kPolls = {64, 64, 128, 256, 1024};
          c.interval = seconds(kPolls[rng.below(kPolls.size())]);
          c.port = rng.chance(0.5) ? 123 : static_cast<std::uint16_t>(rng.between(32768, 60999));
          break;
        }
        case Lookalike::update: {
          constexpr std::array<double, 3> kChecks = {900, 1800, 3600};
          c.interval = seconds(kChecks[rng.below(kChecks.size())]);
          break;
        }
        case Lookalike::cdn: c.interval = seconds(600); break;  // mean gap between fetches
        case Lookalike::push:
          c.interval = src->record_;
          c.port = static_cast<std::uint16_t>(rng.between(49152, 65535));
          break;
        case Lookalike::dns: {
          constexpr std::array<double, 4> kPeriods = {30, 60, 120, 300};
          c.interval = seconds(kPeriods[rng.below(kPeriods.size())]);
          break;
        }
      }
      first += static_cast<TimeNs>(rng.uniform() * static_cast<double>(c.interval));
      const auto actor = static_cast<std::uint32_t>(src->clients_.size());
      src->clients_.push_back(c);
      src->schedule(actor, first);
      src->rate_ += 2.0 * 1e9 / static_cast<double>(c.interval);
    }
  }
  return src;
}

double LookalikeSource::rate_at(TimeNs) const noexcept { return rate_; }

TimeNs LookalikeSource::act(std::uint32_t actor, TimeNs now, FlowBatch& out) {
  Client& c = clients_[actor];
  const Service& s = services_[c.service];
  Rng& rng = c.rng;
  const double rtt = std::max(1.0, s.server.rtt_ms * rng.lognormal(1.0, 0.05));
  auto server = [&](std::uint16_t port) { return Peer{s.server.address, port, s.server.interface}; };
  auto ephemeral = [&] { return static_cast<std::uint16_t>(rng.between(32768, 60999)); };
  switch (s.kind) {
    case Lookalike::ntp: {
      UdpExchange u;
      u.start = now;
      u.client = c.host.peer(false, c.port);
      u.server = server(123);
      u.rtt_ms = rtt;
      u.request_bytes = u.response_bytes = 76;
      add_udp_exchange(factory_, u, s.label, out);
      return now + static_cast<TimeNs>(static_cast<double>(c.interval) * (1.0 + 0.01 * (2.0 * rng.uniform() - 1.0)));
    }
    case Lookalike::update: {
      TcpConversation t;
      t.start = now;
      t.client = c.host.peer(false, ephemeral());
      t.server = server(443);
      t.rtt_ms = rtt;
      t.request_payload = static_cast<std::uint64_t>(rng.lognormal(650, 0.05));
      const bool download = rng.chance(0.02);
      t.response_payload = static_cast<std::uint64_t>(download ? rng.lognormal(20e6, 0.8) : rng.lognormal(1600, 0.05));
      t.duration_ms = download ? static_cast<double>(t.response_payload) * 8.0 / 30e3 : 2.0 * rtt + rng.lognormal(60, 0.4);
      add_tcp_conversation(factory_, t, s.label, out);
      return now + static_cast<TimeNs>(static_cast<double>(c.interval) * (1.0 + 0.02 * (2.0 * rng.uniform() - 1.0)));
    }
    case Lookalike::cdn: {
      TcpConversation t;
      t.start = now;
      t.client = c.host.peer(false, ephemeral());
      t.server = server(443);
      t.rtt_ms = rtt;
      t.request_payload = static_cast<std::uint64_t>(rng.lognormal(700, 0.1));
      t.response_payload = static_cast<std::uint64_t>(rng.lognormal(45'000, 0.02));  // the same script for everyone
      t.duration_ms = 3.0 * rtt + rng.lognormal(80, 0.5);
      add_tcp_conversation(factory_, t, s.label, out);
      return now + static_cast<TimeNs>(rng.exponential() * static_cast<double>(c.interval));
    }
    case Lookalike::push: {
      // One exporter record per direction per active timeout of a connection
      // that never ends: keepalives (a few small packets) and now and then a notification.
      const std::uint64_t header = 52;
      const Peer client = c.host.peer(false, c.port);
      const Peer srv = server(5223);
      const std::uint64_t keepalives = 1 + rng.below(2);
      const std::uint64_t notes = rng.chance(0.2) ? 1 + rng.below(2) : 0;
      const TimeNs end = now + c.interval - kNsPerMs;
      FlowRecord up = factory_.make(now, end, client, srv, kProtoTcp);
      up.packets = up.raw_packets = keepalives + notes;
      up.bytes = up.raw_bytes = up.packets * header + keepalives * 37;
      up.tcp_flags = kAck | kPsh;
      FlowRecord down = factory_.make(now + ms_to_ns(rtt), end, srv, client, kProtoTcp);
      down.packets = down.raw_packets = keepalives + notes;
      down.bytes = down.raw_bytes = down.packets * header + keepalives * 37 + notes * 600;
      down.tcp_flags = kAck | kPsh;
      out.flows.push_back(up);
      out.labels.push_back(s.label);
      out.flows.push_back(down);
      out.labels.push_back(s.label);
      return now + c.interval;
    }
    case Lookalike::dns: {
      UdpExchange u;
      u.start = now;
      u.client = c.host.peer(false, ephemeral());
      u.server = server(53);
      u.rtt_ms = rtt;
      u.request_bytes = 28 + 34 + rng.below(3);
      u.response_bytes = 28 + 50 + rng.below(5);
      add_udp_exchange(factory_, u, s.label, out);
      return now + static_cast<TimeNs>(static_cast<double>(c.interval) * (1.0 + 0.05 * (2.0 * rng.uniform() - 1.0)));
    }
  }
  return kNever;
}

}  // namespace mamori::flow::sim::attacks

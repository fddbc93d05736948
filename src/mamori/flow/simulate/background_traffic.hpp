#pragma once
// The background model: a carrier's subscribers talking to domestic and
// foreign servers, as unidirectional NetFlow-style records (a request flow
// and its response flow per session), arriving as a Poisson process whose
// rate follows the diurnal profile. Deterministic for a given seed, whatever
// window sizes the driver asks for.
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/alias_table.hpp"
#include "mamori/flow/simulate/address_plan.hpp"
#include "mamori/flow/simulate/diurnal.hpp"
#include "mamori/flow/simulate/random.hpp"
#include "mamori/flow/simulate/time_wheel.hpp"
#include "mamori/flow/simulate/traffic_source.hpp"

namespace mamori::flow::sim {

struct BackgroundConfig {
  std::uint64_t seed = 1;
  std::uint32_t subscribers = 10'000;
  std::uint32_t servers = 2'000;       // domestic and foreign, besides a few well-known resolvers and NTP
  double flows_per_second = 2'000.0;   // mean over a day; the diurnal profile modulates it
  TimeNs start_ns = 0;                 // first possible flow start
  double ipv6_share = 0.2;             // share of sessions over IPv6
  DiurnalProfile diurnal;
  // Longer sessions are cut into records of at most this length, as a router's
  // active timeout does (0 disables).
  TimeNs active_timeout_ns = 300 * kNsPerSecond;
  IpAddress exporter = IpAddress::v4(0x7f000001);  // 127.0.0.1
  std::uint32_t observation_domain = 0;
};

Status validate(const BackgroundConfig& config);

// What a session is, for the service mix. Each yields a request flow from the
// initiator and (usually) a response flow back.
enum class Service : std::uint8_t {
  dns,
  https,
  http,
  quic,
  ntp,
  mail_submission,
  imaps,
  smtp_outbound,  // a domestic mail server delivering abroad
  video,
  push,
  update,
  ssh,
  icmp_echo,
  inbound_web,   // a foreign client reaching a domestic web server
  inbound_smtp,  // a foreign mail server delivering to a domestic one
};
inline constexpr std::size_t kServiceCount = static_cast<std::size_t>(Service::inbound_smtp) + 1;
std::string_view service_name(Service service) noexcept;
// Share of sessions of each service (sums to 1).
double service_share(Service service) noexcept;

class BackgroundTraffic final : public TrafficSource {
 public:
  static Result<std::unique_ptr<BackgroundTraffic>> create(const BackgroundConfig& config);

  void emit_until(TimeNs until, FlowBatch& out) override;
  double rate_at(TimeNs t) const noexcept override;

  // Sessions generated so far, per service (for reports and tests).
  const std::array<std::uint64_t, kServiceCount>& sessions_by_service() const noexcept { return sessions_; }
  // Mean records per session measured at start-up; relates --rate to the session rate.
  double flows_per_session() const noexcept { return flows_per_session_; }

  struct Host {
    IpAddress v4;
    IpAddress v6;
    std::uint16_t interface = 0;  // router interface facing the host
    std::uint8_t country = 0;     // index into the address plan (0 = home)
    std::uint8_t role = 0;
    float rtt_ms = 0.0F;
  };
  const std::vector<Host>& subscribers() const noexcept { return subscribers_; }
  const std::vector<Host>& servers() const noexcept { return servers_; }
  const AddressPlan& plan() const noexcept { return plan_; }

 private:
  explicit BackgroundTraffic(const BackgroundConfig& config);
  void build_hosts();
  void calibrate();
  void warm_start();

  // One session at `start`: its flows go through place().
  void generate_session(TimeNs start);
  void generate_session(TimeNs start, Service service);
  void place(const FlowRecord& flow);

  // Session shapes shared by the services.
  struct Endpoint {
    IpAddress addr;
    std::uint16_t port;
    std::uint16_t interface;
  };
  void tcp_session(TimeNs start, const Endpoint& client, const Endpoint& server, double rtt_ms,
                   std::uint64_t request_payload, std::uint64_t response_payload, double duration_ms);
  void udp_exchange(TimeNs start, const Endpoint& client, const Endpoint& server, double rtt_ms,
                    std::uint64_t request_packets, std::uint64_t request_bytes, std::uint64_t response_packets,
                    std::uint64_t response_bytes, double duration_ms);
  FlowRecord make_flow(TimeNs start, TimeNs end, const Endpoint& src, const Endpoint& dst, std::uint8_t proto) const;

  BackgroundConfig config_;
  AddressPlan plan_;
  Rng rng_;
  std::vector<Host> subscribers_;
  // Hot copies of the subscribers' addresses: drawing a subscriber is the
  // model's most frequent random memory access, so it touches 4 or 16 bytes.
  std::vector<std::uint32_t> subscriber_v4_;
  std::vector<IpAddress> subscriber_v6_;
  std::vector<Host> servers_;
  std::vector<Host> resolvers_;
  std::vector<Host> time_servers_;  // well-known NTP servers besides the pool's
  AliasTable subscriber_pick_;
  AliasTable service_pick_;
  AliasTable resolver_pick_;
  std::vector<AliasTable> server_pick_;          // per role
  std::vector<std::vector<std::uint32_t>> role_members_;
  std::vector<std::uint32_t> domestic_web_, domestic_mail_, foreign_mail_;
  std::vector<std::uint8_t> foreign_countries_;  // indexes of countries with access space
  AliasTable foreign_country_pick_;

  double session_rate_ = 0.0;  // mean sessions per second
  double flows_per_session_ = 2.0;
  double clock_s_ = 0.0;       // seconds after start of the next session
  std::uint64_t sequence_ = 0; // order of generation, the tie-break of equal starts
  TimeNs until_ = 0;           // the current emit window's end

  // A flow waiting for its window. A session longer than the active timeout
  // waits as one entry holding the whole session and the index of its next
  // piece, so memory grows with concurrent sessions, not with their pieces.
  struct Waiting {
    FlowRecord whole;
    std::uint64_t seq;      // (generation order << 16) | piece
    std::uint32_t piece;    // next piece to hand out
    std::uint32_t pieces;   // 1 when the flow is not split
  };
  struct Key {
    TimeNs start;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  bool piece_of(const Waiting& w, FlowRecord& out) const noexcept;
  TimeNs piece_start(const Waiting& w) const noexcept;
  // Stages the ready pieces of `w` and parks the rest (at most one entry).
  void advance(Waiting w);
  void stage(const FlowRecord& flow, std::uint64_t seq);
  TimeWheel<Waiting> waiting_;
  std::vector<FlowRecord> staged_flows_;
  std::vector<Key> staged_keys_;
  std::array<std::uint64_t, kServiceCount> sessions_{};
  bool calibrating_ = false;
  TimeNs floor_ns_ = 0;  // pieces starting earlier are dropped (the warm start's past)
  std::uint64_t calibration_flows_ = 0;
};

}  // namespace mamori::flow::sim

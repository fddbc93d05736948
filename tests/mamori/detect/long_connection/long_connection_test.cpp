#include "mamori/detect/long_connection/long_connection_detector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace mamori::detect {
namespace {

constexpr TimeNs kT0 = 1'748'862'000ULL * kNsPerSecond;
constexpr TimeNs kS = kNsPerSecond;

const IpAddress kClient = *IpAddress::parse("10.0.0.5");
const IpAddress kServer = *IpAddress::parse("198.51.100.7");

// By default a piece of an open TCP session (ACK, no FIN), which always gets an entry.
flow::FlowRecord record(TimeNs start, TimeNs length, std::uint64_t bytes, std::uint16_t client_port = 50000,
                        const IpAddress& server = kServer, std::uint8_t tcp_flags = 0x10) {
  flow::FlowRecord f;
  f.tcp_flags = tcp_flags;
  f.src_addr = kClient;
  f.dst_addr = server;
  f.src_port = client_port;
  f.dst_port = 8443;
  f.proto = flow::kProtoTcp;
  f.start_ns = start;
  f.end_ns = start + length;
  f.bytes = bytes;
  f.packets = bytes / 100 + 1;
  f.locality = flow::Locality::domestic_to_foreign;
  return f;
}

std::vector<Finding> run(LongConnectionDetector& d, const std::vector<flow::FlowRecord>& flows, bool final = true) {
  std::vector<FlowEvent> events;
  for (const auto& f : flows) events.push_back(orient(f, nullptr));
  d.observe(events);
  std::vector<Finding> out;
  d.emit(flows.empty() ? 0 : flows.back().end_ns, final, out);
  return out;
}

// A session cut into 5-minute records by an active timeout, with the next
// packet (a keepalive) up to `pause` after each cut.
std::vector<flow::FlowRecord> split_session(TimeNs hours_ns, TimeNs pause, std::uint64_t bytes_per_record) {
  std::vector<flow::FlowRecord> flows;
  for (TimeNs t = kT0; t < kT0 + hours_ns; t += 300 * kS + pause) flows.push_back(record(t, 300 * kS, bytes_per_record));
  return flows;
}

TEST(LongConnection, JoinsActiveTimeoutSplitsOfOneSession) {
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{});
  const auto out = run(d, split_session(3 * 3600 * kS, 40 * kS, 30'000));
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.kind, FindingKind::long_connection);
  EXPECT_EQ(f.endpoint, kServer) << "the foreign end";
  EXPECT_EQ(f.role, "c2_server");
  EXPECT_EQ(f.ports, (std::vector<std::uint16_t>{8443}));
  EXPECT_EQ(f.peers, 1u);
  EXPECT_EQ(f.sample_peers, (std::vector<IpAddress>{kClient}));
  std::map<std::string, double> m(f.metrics.begin(), f.metrics.end());
  EXPECT_GE(m["duration_s"], 3 * 3600 - 400);
  EXPECT_LT(m["bytes_per_s"], 1000);
  EXPECT_NEAR(m["rate_cv"], 0.0, 1e-9) << "identical records";
  EXPECT_GE(f.score, 70.0) << "steady over hours";
  EXPECT_LE(f.score, 100.0);
}

TEST(LongConnection, NewClientPortsAreNotJoinedAcrossLongGaps) {
  // Short contacts every 60 s from a new port each time (beaconing, not one long session).
  std::vector<flow::FlowRecord> flows;
  for (int i = 0; i < 180; ++i) {
    flows.push_back(record(kT0 + static_cast<TimeNs>(i) * 60 * kS, 2 * kS, 500, static_cast<std::uint16_t>(40000 + i)));
  }
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{});
  EXPECT_TRUE(run(d, flows).empty());
}

TEST(LongConnection, SameSessionGapBeyondSplitGapBreaksTheRun) {
  LongConnectionOptions o;
  o.min_duration = 2 * 3600 * kS;
  LongConnectionDetector d(o, DetectorLimits{});
  // 90 minutes, a 20-minute silence, 90 minutes: neither run reaches 2 h, but the union does.
  auto flows = split_session(90 * 60 * kS, 0, 3000);
  for (auto f : split_session(90 * 60 * kS, 0, 3000)) {
    f.start_ns += 110 * 60 * kS;
    f.end_ns += 110 * 60 * kS;
    flows.push_back(f);
  }
  const auto out = run(d, flows);
  ASSERT_EQ(out.size(), 1u) << "the union of spans is what counts";
  std::map<std::string, double> m(out[0].metrics.begin(), out[0].metrics.end());
  EXPECT_NEAR(m["duration_s"], 3 * 3600, 600);
  EXPECT_LT(m["duration_s"], (110 + 90) * 60) << "the silence is not counted";
}

TEST(LongConnection, ShortOrHeavyConnectionsDoNotReport) {
  LongConnectionDetector short_one(LongConnectionOptions{}, DetectorLimits{});
  EXPECT_TRUE(run(short_one, split_session(50 * 60 * kS, 0, 3000)).empty()) << "under an hour";
  LongConnectionDetector heavy(LongConnectionOptions{}, DetectorLimits{});
  EXPECT_TRUE(run(heavy, split_session(3 * 3600 * kS, 0, 300 * 50'000)).empty()) << "50 kB/s is a download, not C2";
}

TEST(LongConnection, SteadierRatesScoreHigher) {
  LongConnectionDetector steady(LongConnectionOptions{}, DetectorLimits{});
  LongConnectionDetector bursty(LongConnectionOptions{}, DetectorLimits{});
  auto flows = split_session(4 * 3600 * kS, 0, 30'000);
  auto varied = flows;
  for (std::size_t i = 0; i < varied.size(); ++i) varied[i].bytes = i % 2 == 0 ? 1'000 : 100'000;
  const auto a = run(steady, flows), b = run(bursty, varied);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_GT(a[0].score, b[0].score + 10);
}

TEST(LongConnection, ForeignClientOfADomesticServerNamesTheClient) {
  auto flows = split_session(2 * 3600 * kS, 0, 3000);
  for (auto& f : flows) f.locality = flow::Locality::foreign_to_domestic;  // the "client" end is foreign here
  // Source 10.0.0.5:50000 -> 198.51.100.7:8443 with the source foreign: a foreign client.
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{});
  const auto out = run(d, flows);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].endpoint, kClient);
  EXPECT_EQ(out[0].role, "remote_client");
}

TEST(LongConnection, ReportsOnlyWhenSomethingChanged) {
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{});
  const auto flows = split_session(2 * 3600 * kS, 0, 3000);
  ASSERT_EQ(run(d, flows, false).size(), 1u);
  EXPECT_TRUE(run(d, {}, true).empty());
}

TEST(LongConnection, PairsOfOneServerMakeOneFinding) {
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{});
  auto flows = split_session(2 * 3600 * kS, 0, 3000);
  auto other = flows;
  for (auto& f : other) f.src_addr = *IpAddress::parse("10.0.0.6");
  flows.insert(flows.end(), other.begin(), other.end());
  const auto out = run(d, flows);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].peers, 2u);
  EXPECT_EQ(out[0].flows, flows.size());
}

DetectorOptions opts(std::map<std::string, std::string> values) { return DetectorOptions(std::move(values)); }

TEST(LongConnection, OptionsValidate) {
  EXPECT_TRUE(LongConnectionOptions::from(opts({{"min_duration", "2h"}, {"max_bytes_per_second", "50"}})));
  EXPECT_FALSE(LongConnectionOptions::from(opts({{"min_duration", "0"}})));
  EXPECT_FALSE(LongConnectionOptions::from(opts({{"max_bytes_per_second", "-1"}})));
  EXPECT_FALSE(LongConnectionOptions::from(opts({{"gap", "soon"}})));
}

TEST(LongConnection, BoundedByMaxTracked) {
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{100});
  std::vector<flow::FlowRecord> flows;
  for (std::uint32_t i = 0; i < 5000; ++i) flows.push_back(record(kT0, kS, 10, 50000, IpAddress::v4(0x08000000u + i)));
  run(d, flows);
  EXPECT_EQ(d.tracked(), 100u);
  EXPECT_EQ(d.evicted(), 4900u);
  EXPECT_LT(d.memory_bytes(), 100u * 1024u);
}

TEST(LongConnection, ClosedShortSessionsGetNoEntry) {
  // Page loads (SYN..FIN within seconds) cannot be part of a long connection.
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{1000});
  std::vector<flow::FlowRecord> flows;
  for (std::uint32_t i = 0; i < 500; ++i)
    flows.push_back(record(kT0 + i * kS, 2 * kS, 3000, 50000, IpAddress::v4(0x08000000u + i), 0x1b));
  run(d, flows);
  EXPECT_EQ(d.tracked(), 0u);
}

TEST(LongConnection, ClosingPieceExtendsATrackedSession) {
  // Two hours of 5-minute pieces, then a short last piece with FIN: it belongs to the session.
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{1000});
  auto flows = split_session(2 * 3600 * kS, kS, 1000);
  const std::size_t pieces = flows.size();
  flows.push_back(record(flows.back().end_ns + kS, 10 * kS, 100, 50000, kServer, 0x19));
  const auto out = run(d, flows);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flows, pieces + 1);
}

TEST(LongConnection, FlaglessChannelIsFollowedFromItsSecondRecord) {
  // A UDP keepalive every 60 s from one port, which an exporter's idle timeout
  // cuts into one-packet records: held open for two hours.
  LongConnectionDetector d(LongConnectionOptions{}, DetectorLimits{1000});
  std::vector<flow::FlowRecord> flows;
  for (TimeNs t = kT0; t <= kT0 + 2 * 3600 * kS; t += 60 * kS) {
    flows.push_back(record(t, 0, 60, 40000, kServer, 0));
    flows.back().proto = flow::kProtoUdp;
  }
  const auto out = run(d, flows);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flows, flows.size() - 1);  // the first record was only remembered
  const auto duration = std::find_if(out[0].metrics.begin(), out[0].metrics.end(),
                                     [](const auto& m) { return m.first == "duration_s"; });
  ASSERT_NE(duration, out[0].metrics.end());
  EXPECT_GE(duration->second, 2 * 3600.0 - 60.0);

  // One flagless record per pair: nothing kept, but for the filter's false
  // positives (designed at 5 %).
  LongConnectionDetector once(LongConnectionOptions{}, DetectorLimits{1000});
  std::vector<flow::FlowRecord> single;
  for (std::uint32_t i = 0; i < 500; ++i) single.push_back(record(kT0, kS, 60, 40000, IpAddress::v4(0x08000000u + i), 0));
  run(once, single);
  EXPECT_LE(once.tracked(), 25u);
}

}  // namespace
}  // namespace mamori::detect

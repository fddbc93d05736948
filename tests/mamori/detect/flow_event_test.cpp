#include "mamori/detect/flow_event.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mamori::detect {
namespace {

using flow::FlowRecord;
using flow::Locality;

const IpAddress kA = *IpAddress::parse("203.0.113.10");  // the record's source
const IpAddress kB = *IpAddress::parse("198.51.100.20");  // the record's destination

FlowRecord record(std::uint16_t src_port, std::uint16_t dst_port, std::uint8_t proto = flow::kProtoTcp,
                  std::uint8_t flags = 0x18, Locality locality = Locality::unknown) {
  FlowRecord f;
  f.src_addr = kA;
  f.dst_addr = kB;
  f.src_port = src_port;
  f.dst_port = dst_port;
  f.proto = proto;
  f.tcp_flags = flags;
  f.locality = locality;
  return f;
}

// Treats one listed address as domestic.
class SetClassifier final : public LocalityClassifier {
 public:
  explicit SetClassifier(std::set<IpAddress> domestic) : domestic_(std::move(domestic)) {}
  bool is_domestic(const IpAddress& a) const noexcept override { return domestic_.contains(a); }

 private:
  std::set<IpAddress> domestic_;
};

struct PortCase {
  std::uint16_t src_port, dst_port;
  std::uint8_t proto, flags;
  bool source_initiates;
  const char* why;
};

class Orientation : public ::testing::TestWithParam<PortCase> {};

TEST_P(Orientation, PicksTheClient) {
  const PortCase& c = GetParam();
  const FlowRecord f = record(c.src_port, c.dst_port, c.proto, c.flags);
  const FlowEvent e = orient(f, nullptr);
  EXPECT_EQ(e.initiator_is_src, c.source_initiates) << c.why;
  EXPECT_EQ(e.initiator, c.source_initiates ? kA : kB) << c.why;
  EXPECT_EQ(e.responder, c.source_initiates ? kB : kA) << c.why;
  EXPECT_EQ(e.responder_port, c.source_initiates ? c.dst_port : c.src_port) << c.why;
  EXPECT_EQ(e.initiator_port, c.source_initiates ? c.src_port : c.dst_port) << c.why;
  EXPECT_EQ(e.flow, &f);
}

INSTANTIATE_TEST_SUITE_P(
    Ports, Orientation,
    ::testing::Values(
        PortCase{51000, 443, flow::kProtoTcp, 0x18, true, "request to a well-known port"},
        PortCase{443, 51000, flow::kProtoTcp, 0x18, false, "response from a well-known port"},
        PortCase{51000, 53, flow::kProtoUdp, 0, true, "DNS query"},
        PortCase{53, 51000, flow::kProtoUdp, 0, false, "DNS answer"},
        PortCase{51000, 3389, flow::kProtoTcp, 0x18, true, "RDP: a registered service port above 1023"},
        PortCase{3389, 51000, flow::kProtoTcp, 0x18, false, "RDP response"},
        PortCase{40000, 8443, flow::kProtoTcp, 0x18, true, "alternate HTTPS port"},
        PortCase{50000, 40000, flow::kProtoTcp, 0x18, true, "two ephemeral ports: the lower serves"},
        PortCase{40000, 50000, flow::kProtoUdp, 0, false, "two ephemeral ports the other way round"},
        PortCase{443, 51000, flow::kProtoTcp, 0x02, true, "a bare SYN opens even from a low port"},
        PortCase{443, 51000, flow::kProtoTcp, 0x12, false, "SYN+ACK answers: flags do not override ports"},
        PortCase{123, 123, flow::kProtoUdp, 0, true, "equal ports: the record's source"},
        PortCase{22, 1024, flow::kProtoTcp, 0x10, false, "SSH server port below 1024 wins over 1024"},
        PortCase{5223, 6000, flow::kProtoTcp, 0x18, false, "push service port vs a high port"}));

TEST(Orientation, IcmpRequestsComeFromTheInitiator) {
  // nfdump keeps ICMP type*256+code in dst_port.
  FlowRecord echo = record(0, 8 * 256, flow::kProtoIcmp);
  FlowEvent e = orient(echo, nullptr);
  EXPECT_TRUE(e.initiator_is_src);
  EXPECT_EQ(e.initiator_port, 0);
  EXPECT_EQ(e.responder_port, 8 * 256);

  FlowRecord reply = record(0, 0, flow::kProtoIcmp);  // echo reply, type 0
  e = orient(reply, nullptr);
  EXPECT_FALSE(e.initiator_is_src);
  EXPECT_EQ(e.initiator, kB);

  FlowRecord unreachable = record(0, 3 * 256 + 3, flow::kProtoIcmp);
  EXPECT_FALSE(orient(unreachable, nullptr).initiator_is_src);

  FlowRecord v6_echo = record(0, 128 * 256, flow::kProtoIcmpV6);
  EXPECT_TRUE(orient(v6_echo, nullptr).initiator_is_src);
  FlowRecord v6_reply = record(0, 129 * 256, flow::kProtoIcmpV6);
  EXPECT_FALSE(orient(v6_reply, nullptr).initiator_is_src);
  FlowRecord v6_solicit = record(0, 135 * 256, flow::kProtoIcmpV6);
  EXPECT_TRUE(orient(v6_solicit, nullptr).initiator_is_src);
}

TEST(Orientation, LocalityFromTheSelectionDecidesForeignEnds) {
  // Source is the client (port 51000 -> 443) in every case.
  struct Case {
    Locality locality;
    bool initiator_foreign, responder_foreign;
  };
  for (const Case c : {Case{Locality::domestic_to_foreign, false, true}, Case{Locality::foreign_to_domestic, true, false},
                       Case{Locality::foreign_to_foreign, true, true}, Case{Locality::domestic_to_domestic, false, false}}) {
    const FlowRecord f = record(51000, 443, flow::kProtoTcp, 0x18, c.locality);
    // A classifier must not override what the sensor decided.
    SetClassifier everything_domestic({kA, kB});
    const FlowEvent e = orient(f, &everything_domestic);
    EXPECT_EQ(e.initiator_foreign, c.initiator_foreign) << static_cast<int>(c.locality);
    EXPECT_EQ(e.responder_foreign, c.responder_foreign) << static_cast<int>(c.locality);
  }
}

TEST(Orientation, LocalityFollowsTheRecordDirectionWhenTheResponseIsRecorded) {
  // A response record (server -> client) selected as foreign_to_domestic: the source is the foreign server.
  const FlowRecord f = record(443, 51000, flow::kProtoTcp, 0x18, Locality::foreign_to_domestic);
  const FlowEvent e = orient(f, nullptr);
  EXPECT_EQ(e.responder, kA);
  EXPECT_TRUE(e.responder_foreign);
  EXPECT_FALSE(e.initiator_foreign);
  EXPECT_EQ(e.shard_key, kA);
}

TEST(Orientation, ClassifierDecidesUnknownLocality) {
  const FlowRecord f = record(51000, 443);
  SetClassifier a_domestic({kA});
  FlowEvent e = orient(f, &a_domestic);
  EXPECT_FALSE(e.initiator_foreign);
  EXPECT_TRUE(e.responder_foreign);
  EXPECT_EQ(e.shard_key, kB);

  SetClassifier b_domestic({kB});
  e = orient(f, &b_domestic);
  EXPECT_TRUE(e.initiator_foreign);
  EXPECT_FALSE(e.responder_foreign);
  EXPECT_EQ(e.shard_key, kA) << "a foreign client of a domestic server is the key";

  // Without a classifier, unknown locality means no end is known to be foreign.
  e = orient(f, nullptr);
  EXPECT_FALSE(e.initiator_foreign);
  EXPECT_FALSE(e.responder_foreign);
  EXPECT_EQ(e.shard_key, kB);
}

TEST(Orientation, ShardKeyIsTheResponderWhenBothOrNeitherAreForeign) {
  const FlowRecord both = record(51000, 443, flow::kProtoTcp, 0x18, Locality::foreign_to_foreign);
  EXPECT_EQ(orient(both, nullptr).shard_key, kB);
  const FlowRecord neither = record(51000, 443, flow::kProtoTcp, 0x18, Locality::domestic_to_domestic);
  EXPECT_EQ(orient(neither, nullptr).shard_key, kB);
}

TEST(Orientation, BothDirectionsOfOneSessionShareTheShardKey) {
  const FlowRecord request = record(51000, 443, flow::kProtoTcp, 0x18, Locality::domestic_to_foreign);
  FlowRecord response = request;
  std::swap(response.src_addr, response.dst_addr);
  std::swap(response.src_port, response.dst_port);
  response.locality = Locality::foreign_to_domestic;
  const FlowEvent a = orient(request, nullptr), b = orient(response, nullptr);
  EXPECT_EQ(a.shard_key, b.shard_key);
  EXPECT_EQ(a.initiator, b.initiator);
  EXPECT_EQ(a.responder_port, b.responder_port);
}

}  // namespace
}  // namespace mamori::detect

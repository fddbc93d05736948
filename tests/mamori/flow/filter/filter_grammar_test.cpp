#include <gtest/gtest.h>

#include <string>

#include "mamori/flow/filter/filter.hpp"

namespace mamori::flow {
namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

// 192.0.2.10:51234 -> 198.51.100.20:443 TCP, SYN+ACK, 10 packets, 5000 bytes
// in 2.5 s: pps 4, bps 16000, bpp 500.
FlowRecord tcp_flow() {
  FlowRecord f;
  f.start_ns = 1'700'000'000ULL * kNsPerSecond;
  f.end_ns = f.start_ns + 2500 * kNsPerMs;
  f.src_addr = ip("192.0.2.10");
  f.dst_addr = ip("198.51.100.20");
  f.src_port = 51234;
  f.dst_port = 443;
  f.proto = kProtoTcp;
  f.tcp_flags = 0x12;
  f.tos = 8;
  f.packets = 10;
  f.bytes = 5000;
  f.input_if = 3;
  f.output_if = 7;
  return f;
}

FlowRecord icmp_flow() {
  FlowRecord f = tcp_flow();
  f.proto = kProtoIcmp;
  f.src_port = 0;
  f.dst_port = 3 * 256 + 1;  // destination unreachable, host unreachable
  f.tcp_flags = 0;
  return f;
}

FlowRecord v6_flow() {
  FlowRecord f = tcp_flow();
  f.src_addr = ip("2001:db8::1");
  f.dst_addr = ip("2001:db8:1::2");
  return f;
}

struct Case {
  const char* expr;
  bool tcp;   // expected on tcp_flow()
  bool icmp;  // expected on icmp_flow()
  bool v6;    // expected on v6_flow()
};

const Case kCases[] = {
    {"any", true, true, true},
    {"", true, true, true},
    {"# only a comment", true, true, true},
    {"ipv4", true, true, false},
    {"inet", true, true, false},
    {"ipv6", false, false, true},
    {"INET6", false, false, true},
    {"proto tcp", true, false, true},
    {"PROTO TCP", true, false, true},
    {"proto 6", true, false, true},
    {"proto udp", false, false, false},
    {"proto icmp", false, true, false},
    {"proto 1", false, true, false},
    {"src ip 192.0.2.10", true, true, false},
    {"dst ip 192.0.2.10", false, false, false},
    {"ip 198.51.100.20", true, true, false},
    {"host 198.51.100.20", true, true, false},
    {"src host 198.51.100.20", false, false, false},
    {"ip 2001:db8::1", false, false, true},
    {"dst ip 2001:db8:1::2", false, false, true},
    {"net 192.0.2.0/24", true, true, false},
    {"src net 192.0.2.0/24", true, true, false},
    {"dst net 192.0.2.0/24", false, false, false},
    {"net 192.0.2.0 255.255.255.0", true, true, false},
    {"dst net 198.51.0.0 255.255.0.0", true, true, false},
    {"net 10.0.0.0/8", false, false, false},
    {"net 2001:db8::/32", false, false, true},
    {"src net 2001:db8:1::/48", false, false, false},
    {"dst net 2001:db8:1::/48", false, false, true},
    {"ip in [ 192.0.2.0/24 ]", true, true, false},
    {"src ip in [198.51.100.20]", false, false, false},
    {"ip in [2001:db8::1, 10.0.0.0/8]", false, false, true},
    {"port 443", true, false, true},
    {"src port 443", false, false, false},
    {"dst port 443", true, false, true},
    {"dst port > 1024", false, false, false},
    {"src port > 1024", true, false, true},
    {"port < 100", false, true, false},
    {"port gt 50000", true, false, true},
    {"port in [ 80 443 ]", true, false, true},
    {"src port in [80, 443]", false, false, false},
    {"dst port in [80,443]", true, false, true},
    {"packets 10", true, true, true},
    {"packets > 9", true, true, true},
    {"packets >= 11", false, false, false},
    {"bytes < 5k", false, false, false},
    {"bytes <= 5k", true, true, true},
    {"bytes eq 5000", true, true, true},
    {"bytes > 1m", false, false, false},
    {"in bytes 5000", true, true, true},
    {"duration 2500", true, true, true},
    {"duration > 2000", true, true, true},
    {"duration < 2500", false, false, false},
    {"pps 4", true, true, true},
    {"bps 16000", true, true, true},
    {"bps 16k", true, true, true},
    {"bpp 500", true, true, true},
    {"bpp > 500", false, false, false},
    {"flags S", true, false, true},
    {"flags SA", true, false, true},
    {"flags AS", true, false, true},
    {"flags A", true, false, true},
    {"flags SAF", false, false, false},
    {"flags R", false, false, false},
    {"not flags R", true, true, true},
    // As in nfdump: a negated flags test means "none of these flags".
    {"flags S and not flags AFRPU", false, false, false},
    {"flags S and not flags FRPU", true, false, true},
    {"not flags SF", false, true, false},
    {"not (flags A or tos 9)", false, true, false},
    {"not not flags SA", true, false, true},
    {"flags 18", true, false, true},
    {"tos 8", true, true, true},
    {"tos 0", false, false, false},
    {"if 3", true, true, true},
    {"in if 3", true, true, true},
    {"out if 3", false, false, false},
    {"out if 7", true, true, true},
    {"if 7", true, true, true},
    {"if 5", false, false, false},
    {"src or dst ip 192.0.2.10", true, true, false},
    {"src and dst ip 192.0.2.10", false, false, false},
    {"src and dst net 192.0.0.0/2", true, true, false},
    {"dst and src net 192.0.0.0/2", true, true, false},
    {"proto tcp and dst port 443", true, false, true},
    {"proto udp or dst port 443", true, false, true},
    {"not proto tcp", false, true, false},
    {"! proto tcp", false, true, false},
    {"proto udp || (src port 51234 && tos 8)", true, false, true},
    // NOT binds tighter than AND, AND tighter than OR.
    {"proto udp and dst port 443 or tos 8", true, true, true},
    {"proto udp and (dst port 443 or tos 8)", false, false, false},
    {"not proto udp and proto tcp", true, false, true},
    {"not (proto tcp and tos 8)", false, true, false},
    {"not not proto tcp", true, false, true},
    {"proto tcp # only tcp\n and dst port 443", true, false, true},
    {"icmp-type 3", false, true, false},
    {"icmp-code 1", false, true, false},
    {"icmp-type 8", false, false, false},
    {"icmp-type 1", false, false, false},  // 443 = 1 * 256 + 187, but the flow is not ICMP
    {"icmp-type > 2 and icmp-code < 2", false, true, false},
    {"(((proto tcp)))", true, false, true},
};

TEST(FilterGrammar, MatchesHandComputedExpectations) {
  const FlowRecord tcp = tcp_flow(), icmp = icmp_flow(), v6 = v6_flow();
  for (const Case& c : kCases) {
    auto f = Filter::compile(c.expr);
    ASSERT_TRUE(f) << c.expr << ": " << f.error().message;
    EXPECT_EQ(f->matches(tcp), c.tcp) << "'" << c.expr << "' on the TCP flow\n" << f->describe();
    EXPECT_EQ(f->matches(icmp), c.icmp) << "'" << c.expr << "' on the ICMP flow\n" << f->describe();
    EXPECT_EQ(f->matches(v6), c.v6) << "'" << c.expr << "' on the IPv6 flow\n" << f->describe();
  }
}

TEST(FilterGrammar, ReportsTheColumnsItReads) {
  auto cols = [](const char* e) { return Filter::compile(e)->columns(); };
  EXPECT_EQ(cols("any"), 0u);
  EXPECT_EQ(cols("proto 99"), column_bit(FlowField::proto));
  EXPECT_EQ(cols("port 80"), column_bit(FlowField::src_port) | column_bit(FlowField::dst_port));
  EXPECT_EQ(cols("duration > 5"), column_bit(FlowField::start_ns) | column_bit(FlowField::end_ns));
  EXPECT_EQ(cols("src ip 1.2.3.4 and bpp > 3"), column_bit(FlowField::src_addr) | column_bit(FlowField::packets) |
                                                    column_bit(FlowField::bytes));
  EXPECT_EQ(cols("icmp-type 8"), column_bit(FlowField::proto) | column_bit(FlowField::dst_port));
  EXPECT_TRUE(Filter::compile("any")->matches_everything());
  EXPECT_TRUE(Filter::compile("any or proto 6")->matches_everything());
  EXPECT_FALSE(Filter::compile("proto 6")->matches_everything());
  EXPECT_TRUE(Filter().matches_everything());
}

TEST(FilterGrammar, CountersAreSafeFromOverflow) {
  FlowRecord f = tcp_flow();
  f.bytes = ~0ULL;
  f.end_ns = f.start_ns + kNsPerMs;  // 1 ms
  EXPECT_TRUE(Filter::compile("bps > 1000")->matches(f));
  f.end_ns = f.start_ns;  // zero duration: rates are 0 as in nfdump
  EXPECT_TRUE(Filter::compile("pps 0 and bps 0")->matches(f));
  f.packets = 0;
  EXPECT_TRUE(Filter::compile("bpp 0")->matches(f));
}

struct ErrorCase {
  const char* expr;
  const char* message;
};

const ErrorCase kErrors[] = {
    {"src port foo", "filter: column 10: expected a port number, got 'foo'"},
    {"proto xyz", "filter: column 7: unknown protocol 'xyz'"},
    {"proto 300", "filter: column 7: protocol number out of range: 300 (0-255)"},
    {"proto tcp and", "filter: column 14: expected a filter primitive, got end of filter"},
    {"(proto tcp", "filter: column 11: expected ')' to close the '(' at column 1, got end of filter"},
    {"proto tcp)", "filter: column 10: unbalanced ')'"},
    {"proto tcp proto udp", "filter: column 11: expected 'and', 'or' or end of filter, got 'proto'"},
    {"src foo 1.2.3.4", "filter: column 5: expected 'ip', 'host', 'net' or 'port' after 'src', got 'foo'"},
    {"ip 1.2.3.400", "filter: column 4: expected an IP address, got '1.2.3.400'"},
    {"ip 10.0.0.0/8", "filter: column 4: expected an IP address, got '10.0.0.0/8' (use 'net' for prefixes)"},
    {"net 10.0.0.0 255.0.255.0", "filter: column 14: expected a netmask (m.m.m.m) after '10.0.0.0', got '255.0.255.0'"},
    {"net 2001:db8::", "filter: column 5: an IPv6 network needs a prefix length (x::/n)"},
    {"net 10.0.0.0/33", "filter: column 5: expected a network (a.b.c.d/n or x::/n), got '10.0.0.0/33'"},
    {"flags SZ", "filter: column 8: unknown TCP flag 'Z' in 'SZ' (use F S R P A U E C or X)"},
    {"port 70000", "filter: column 6: a port number out of range: 70000 (maximum 65535)"},
    {"port in [ ]", "filter: column 9: empty port list"},
    {"port in [ 80 x ]", "filter: column 14: expected a port number or ']', got 'x'"},
    {"port in 80", "filter: column 9: expected '[' to start a port list, got '80'"},
    {"ip in [ ]", "filter: column 7: empty address list"},
    {"port != 80", "filter: column 6: '!=' is not a comparator (use 'not')"},
    {"bogus", "filter: column 1: unknown filter primitive 'bogus'"},
    {"proto tcp\nand port foo", "filter: line 2, column 10: expected a port number, got 'foo'"},
    {"bytes > lots", "filter: column 9: expected a number, got 'lots'"},
    {"duration > 1x", "filter: column 12: expected a duration in milliseconds, got '1x'"},
    {"packets > 99999999999999999999", "filter: column 11: expected a number, got '99999999999999999999'"},
    {"out packets 5", "filter: column 5: expected 'if' after 'out', got 'packets'"},
    {"tos 256", "filter: column 5: a TOS value (0-255) out of range: 256 (maximum 255)"},
    {"proto tcp & port 80", "filter: column 11: unexpected character '&'"},
    {")", "filter: column 1: expected a filter primitive, got ')'"},
    {"and", "filter: column 1: expected a filter primitive, got 'and'"},
};

TEST(FilterErrors, NameTheColumnOfTheProblem) {
  for (const ErrorCase& c : kErrors) {
    auto f = Filter::compile(c.expr);
    ASSERT_FALSE(f) << c.expr;
    EXPECT_EQ(f.error().code, Errc::parse_error) << c.expr;
    EXPECT_EQ(f.error().message, c.message) << c.expr;
  }
}

TEST(FilterErrors, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  deep += "any";
  auto f = Filter::compile(deep);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("nested too deeply"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_FALSE(Filter::compile(nots + "any"));
  // Nesting within the limit works, and long flat chains are not nesting.
  std::string ok(150, '(');
  ok += "proto tcp" + std::string(150, ')');
  EXPECT_TRUE(Filter::compile(ok));
  std::string chain = "port 1";
  for (int i = 2; i < 20000; ++i) chain += " or port " + std::to_string(i);
  auto long_chain = Filter::compile(chain);
  ASSERT_TRUE(long_chain);
  EXPECT_TRUE(long_chain->matches(tcp_flow()));  // dst port 443
}

}  // namespace
}  // namespace mamori::flow

#include <gtest/gtest.h>

#include "mamori/detect/indicator/indicator_detector.hpp"
#include "mamori/detect/indicator/indicator_loader.hpp"
#include "mamori/detect/indicator/stix_pattern.hpp"

namespace mamori::detect {
namespace {

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

TEST(StixPattern, EqualityIssubsetInAndOr) {
  auto p = parse_address_pattern("[ipv4-addr:value = '198.51.100.7']");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);
  ASSERT_EQ(p.prefixes.size(), 1u);
  EXPECT_EQ(p.prefixes[0].to_string(), "198.51.100.7/32");

  p = parse_address_pattern("[ipv4-addr:value ISSUBSET '203.0.113.0/24']");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);
  EXPECT_EQ(p.prefixes[0].to_string(), "203.0.113.0/24");

  p = parse_address_pattern(
      "[ipv4-addr:value = '198.51.100.7' OR ipv6-addr:value = '2001:db8::1' OR ipv4-addr:value ISSUBSET "
      "'192.0.2.0/25']");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);
  EXPECT_EQ(p.prefixes.size(), 3u);

  p = parse_address_pattern(
      "[ipv4-addr:value = '198.51.100.7'] OR [ipv6-addr:value ISSUBSET '2001:db8::/32']");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);
  EXPECT_EQ(p.prefixes.size(), 2u);

  p = parse_address_pattern("[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2')]");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);
  EXPECT_EQ(p.prefixes.size(), 2u);

  p = parse_address_pattern("[network-traffic:dst_ref.value = '198.51.100.9']");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);

  p = parse_address_pattern("([ipv4-addr:value = '198.51.100.7'])");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);
}

TEST(StixPattern, AddressOrOtherStillNamesTheAddress) {
  auto p = parse_address_pattern("[ipv4-addr:value = '198.51.100.7' OR domain-name:value = 'evil.example']");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);
  EXPECT_EQ(p.prefixes.size(), 1u);
  p = parse_address_pattern("[domain-name:value = 'evil.example'] OR [ipv4-addr:value = '198.51.100.7']");
  ASSERT_EQ(p.verdict, PatternVerdict::addresses);
}

TEST(StixPattern, PatternsAnAddressAloneDoesNotSatisfy) {
  for (const char* pattern : {
           "[domain-name:value = 'evil.example']",
           "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
           "[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 443]",
           "[ipv4-addr:value = '198.51.100.7'] AND [domain-name:value = 'x.example']",
           "[ipv4-addr:value = '198.51.100.7'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.8']",
           "[ipv4-addr:value != '198.51.100.7']",
           "[ipv4-addr:value NOT = '198.51.100.7']",
           "[ipv4-addr:value = '198.51.100.7'] REPEATS 5 TIMES",
           "[ipv4-addr:value = '198.51.100.7'] WITHIN 300 SECONDS",
           "[ipv4-addr:value = '198.51.100.7'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
           "[network-traffic:dst_port = 4444]",
       }) {
    const auto p = parse_address_pattern(pattern);
    EXPECT_EQ(p.verdict, PatternVerdict::no_address) << pattern << ": " << p.reason;
    EXPECT_FALSE(p.reason.empty()) << pattern;
  }
}

TEST(StixPattern, MalformedPatterns) {
  for (const char* pattern :
       {"", "ipv4-addr:value = '1.2.3.4'", "[ipv4-addr:value = '1.2.3.4'", "[ipv4-addr:value = ]",
        "[ipv4-addr:value = '1.2.3.4'] OR", "[ipv4-addr:value = 'not-an-ip']",
        "[ipv4-addr:value = '1.2.3.4] ", "[= '1.2.3.4']", "[ipv4-addr:value IN ('1.2.3.4']"}) {
    EXPECT_EQ(parse_address_pattern(pattern).verdict, PatternVerdict::unparsable) << pattern;
  }
}

constexpr const char* kBundle = R"({
  "type": "bundle",
  "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
  "objects": [
    {"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--11111111-2222-4333-8444-555555555555",
     "created": "2024-01-01T00:00:00.000Z", "definition_type": "tlp", "definition": {"tlp": "red"}},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000001",
     "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "C2 server",
     "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
     "object_marking_refs": ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000002",
     "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "bad hosting range",
     "pattern": "[ipv4-addr:value ISSUBSET '203.0.113.0/24' OR ipv6-addr:value ISSUBSET '2001:db8:bad::/48']",
     "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
     "object_marking_refs": ["marking-definition--11111111-2222-4333-8444-555555555555"]},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000003",
     "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
     "pattern": "[domain-name:value = 'evil.example']", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000004",
     "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
     "pattern": "alert tcp any any -> any any", "pattern_type": "snort", "valid_from": "2024-01-01T00:00:00Z"},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000005",
     "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "revoked": true,
     "pattern": "[ipv4-addr:value = '198.51.100.99']", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"},
    {"type": "indicator", "spec_version": "2.1", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000006",
     "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
     "pattern": "[ipv4-addr:value = ", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"},
    {"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--bbbbbbbb-0000-4000-8000-000000000001", "value": "192.0.2.66",
     "object_marking_refs": ["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]},
    {"type": "ipv6-addr", "spec_version": "2.1", "id": "ipv6-addr--bbbbbbbb-0000-4000-8000-000000000002", "value": "2001:db8::66"},
    {"type": "identity", "spec_version": "2.1", "id": "identity--cccccccc-0000-4000-8000-000000000001",
     "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "feed"}
  ]
})";

TEST(IndicatorLoader, StixBundleWithScosAndPatterns) {
  IndicatorSet set;
  auto s = load_stix_indicators(kBundle, "feed.json", set);
  ASSERT_TRUE(s) << s.error().message;
  const auto& st = set.stats();
  EXPECT_EQ(st.addresses, 3u);  // 198.51.100.7, 192.0.2.66, 2001:db8::66
  EXPECT_EQ(st.prefixes, 2u);
  EXPECT_EQ(st.not_address, 1u);
  EXPECT_EQ(st.non_stix_patterns, 1u);
  EXPECT_EQ(st.revoked, 1u);
  EXPECT_EQ(st.unparsable, 1u);
  EXPECT_EQ(st.other_objects, 2u);  // the marking definition and the identity
  EXPECT_EQ(st.ignored(), 4u);

  const IndicatorEntry* e = set.lookup(ip("198.51.100.7"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->source.id, "indicator--aaaaaaaa-0000-4000-8000-000000000001");
  EXPECT_EQ(e->source.name, "C2 server");
  EXPECT_EQ(e->source.tlp, "amber");
  e = set.lookup(ip("203.0.113.200"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->source.tlp, "red") << "a TLP 1.0-style marking definition inside the bundle";
  EXPECT_EQ(e->prefix.to_string(), "203.0.113.0/24");
  ASSERT_NE(set.lookup(ip("2001:db8:bad:1::5")), nullptr);
  e = set.lookup(ip("192.0.2.66"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->source.tlp, "amber") << "TLP 1.0 AMBER id accepted on input";
  EXPECT_EQ(set.lookup(ip("198.51.100.99")), nullptr) << "revoked";
  EXPECT_EQ(set.lookup(ip("198.51.100.8")), nullptr);
}

TEST(IndicatorLoader, StixSyntaxErrorsGiveLineAndColumn) {
  IndicatorSet set;
  auto s = load_stix_indicators(
      "{\n  \"type\": \"bundle\",\n  \"objects\": [ {\"type\": \"ipv4-addr\",, } ]\n}", "bad.json", set);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("bad.json:3:"), std::string::npos) << s.error().message;
  s = load_stix_indicators(R"({"type":"bundle","objects":[{"type":"ipv4-addr","value":"999.1.1.1"}]})",
                           "v.json", set);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("999.1.1.1"), std::string::npos);
  s = load_stix_indicators(R"({"type":"ipv6-addr","value":"198.51.100.1"})", "v.json", set);
  ASSERT_FALSE(s) << "an IPv4 value in an ipv6-addr";
  s = load_stix_indicators(R"({"objects": 3})", "v.json", set);
  ASSERT_FALSE(s);
  s = load_stix_indicators("42", "v.json", set);
  ASSERT_FALSE(s);
}

TEST(IndicatorLoader, CsvWithHeaderAndWithout) {
  IndicatorSet set;
  auto s = load_csv_indicators(
      "first_seen,IP,description,tlp\n"
      "2024-01-01,198.51.100.7,\"C2, reported twice\",TLP:AMBER\n"
      "2024-01-02,203.0.113.0/24,scanner range,green\n"
      "\n",
      "feed.csv", set);
  ASSERT_TRUE(s) << s.error().message;
  const IndicatorEntry* e = set.lookup(ip("198.51.100.7"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->source.name, "C2, reported twice");
  EXPECT_EQ(e->source.tlp, "amber");
  EXPECT_EQ(e->source.origin, "feed.csv:2");
  ASSERT_NE(set.lookup(ip("203.0.113.1")), nullptr);

  IndicatorSet plain;
  s = load_csv_indicators("198.51.100.7,botnet\n2001:db8::1,c2\n", "plain.csv", plain);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(plain.size(), 2u) << "no header: the first column";
}

TEST(IndicatorLoader, CsvErrorsNameTheLine) {
  IndicatorSet set;
  auto s = load_csv_indicators("value,name\n198.51.100.7,a\n198.51.100.300,b\n", "bad.csv", set);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("bad.csv:3"), std::string::npos) << s.error().message;
  s = load_csv_indicators("name,value\nx\n", "short.csv", set);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("short.csv:2"), std::string::npos) << s.error().message;
  s = load_csv_indicators("value\n\"198.51.100.7\n", "quote.csv", set);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("quote.csv:2"), std::string::npos) << s.error().message;
}

TEST(IndicatorLoader, PlainListsWithComments) {
  IndicatorSet set;
  auto s = load_list_indicators("# feed\n198.51.100.7   # C2\n\n  203.0.113.0/24\n2001:db8::/32\r\n",
                                "list.txt", set);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.lookup(ip("198.51.100.7"))->source.origin, "list.txt:2");
  s = load_list_indicators("198.51.100.7\nexample.com\n", "list.txt", set);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("list.txt:2"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("example.com"), std::string::npos);
}

TEST(IndicatorLoader, FormatGuess) {
  EXPECT_EQ(guess_indicator_format("a.json", ""), IndicatorFormat::stix);
  EXPECT_EQ(guess_indicator_format("a.CSV", ""), IndicatorFormat::csv);
  EXPECT_EQ(guess_indicator_format("feed", " {\"type\":\"bundle\"}"), IndicatorFormat::stix);
  EXPECT_EQ(guess_indicator_format("feed.txt", "1.2.3.4\n"), IndicatorFormat::list);
  EXPECT_FALSE(parse_indicator_format("xml"));
}

TEST(IndicatorSet, LongestPrefixWinsWhateverTheOrder) {
  IndicatorSet set;
  ASSERT_TRUE(set.add(*Prefix::parse("10.0.0.0/8"), {"", "wide", "", "t:1"}));
  ASSERT_TRUE(set.add(*Prefix::parse("10.1.2.3/32"), {"", "host", "", "t:2"}));
  ASSERT_TRUE(set.add(*Prefix::parse("10.1.0.0/16"), {"", "mid", "", "t:3"}));
  ASSERT_TRUE(set.add(*Prefix::parse("10.1.0.0/16"), {"", "dup", "", "t:4"}));
  EXPECT_EQ(set.stats().duplicates, 1u);
  EXPECT_EQ(set.lookup(ip("10.1.2.3"))->source.name, "host");
  EXPECT_EQ(set.lookup(ip("10.1.2.4"))->source.name, "mid");
  EXPECT_EQ(set.lookup(ip("10.2.0.1"))->source.name, "wide");
  EXPECT_EQ(set.lookup(ip("11.0.0.1")), nullptr);
  EXPECT_EQ(set.lookup(ip("::ffff:10.1.2.3"))->source.name, "host") << "IPv4-mapped is IPv4";
  EXPECT_EQ(set.lookup(ip("2001:db8::1")), nullptr);
}

// IPv4 lookups skip the prefix table in /16s no prefix reaches into: a
// prefix of any length, in either family, must still be found.
TEST(IndicatorSet, PrefixesOfEveryLengthAndFamilyReachIpv4) {
  IndicatorSet set;
  ASSERT_TRUE(set.add(*Prefix::parse("172.16.0.0/12"), {"", "twelve", "", "t:1"}));
  ASSERT_TRUE(set.add(*Prefix::parse("192.0.2.128/25"), {"", "twenty-five", "", "t:2"}));
  ASSERT_TRUE(set.add(*Prefix::parse("2001:db8::/32"), {"", "v6", "", "t:3"}));
  EXPECT_EQ(set.lookup(ip("172.16.0.1"))->source.name, "twelve");
  EXPECT_EQ(set.lookup(ip("172.31.255.254"))->source.name, "twelve") << "the last /16 of the /12";
  EXPECT_EQ(set.lookup(ip("172.32.0.1")), nullptr);
  EXPECT_EQ(set.lookup(ip("172.15.255.255")), nullptr);
  EXPECT_EQ(set.lookup(ip("192.0.2.200"))->source.name, "twenty-five");
  EXPECT_EQ(set.lookup(ip("192.0.2.1")), nullptr) << "same /16, outside the prefix";
  EXPECT_EQ(set.lookup(ip("2001:db8::7"))->source.name, "v6");
  EXPECT_EQ(set.lookup(ip("8.8.8.8")), nullptr) << "an IPv6 prefix outside ::ffff:0:0/96 holds no IPv4";

  // IPv4 addresses match IPv4 prefixes, not an IPv6 prefix that happens to
  // span ::ffff:0:0/96.
  ASSERT_TRUE(set.add(*Prefix::parse("::/1"), {"", "half of IPv6", "", "t:4"}));
  EXPECT_EQ(set.lookup(ip("::1"))->source.name, "half of IPv6");
  EXPECT_EQ(set.lookup(ip("8.8.8.8")), nullptr);
}

flow::FlowRecord flow(const char* src, const char* dst, std::uint16_t sport, std::uint16_t dport, TimeNs t) {
  flow::FlowRecord f;
  f.src_addr = ip(src);
  f.dst_addr = ip(dst);
  f.src_port = sport;
  f.dst_port = dport;
  f.proto = flow::kProtoTcp;
  f.start_ns = t;
  f.end_ns = t + kNsPerSecond;
  f.packets = 3;
  f.bytes = 300;
  return f;
}

TEST(IndicatorDetector, EitherEndpointMatchesWithEvidence) {
  auto set = std::make_shared<IndicatorSet>();
  ASSERT_TRUE(load_stix_indicators(kBundle, "feed.json", *set));
  IndicatorDetector d(set, DetectorLimits{});
  std::vector<flow::FlowRecord> flows = {
      flow("10.0.0.1", "198.51.100.7", 50000, 443, 1000 * kNsPerSecond),  // a client reaches the C2 server
      flow("198.51.100.7", "10.0.0.2", 443, 50001, 1001 * kNsPerSecond),  // its answer to another client
      flow("203.0.113.50", "10.0.0.3", 40000, 22,
           1002 * kNsPerSecond),                                    // the range scans a domestic SSH server
      flow("10.0.0.4", "8.8.8.8", 50002, 53, 1003 * kNsPerSecond),  // no match
  };
  std::vector<FlowEvent> events;
  for (const auto& f : flows) events.push_back(orient(f, nullptr));
  d.observe(events);
  std::vector<Finding> out;
  d.emit(2000 * kNsPerSecond, false, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(d.tracked(), 2u);
  const Finding* c2 = out[0].endpoint == ip("198.51.100.7") ? &out[0] : &out[1];
  const Finding* range = c2 == &out[0] ? &out[1] : &out[0];
  EXPECT_EQ(c2->kind, FindingKind::indicator);
  EXPECT_EQ(c2->flows, 2u);
  EXPECT_EQ(c2->peers, 2u);
  EXPECT_EQ(c2->ports, (std::vector<std::uint16_t>{443}));
  EXPECT_DOUBLE_EQ(c2->score, 90.0);
  EXPECT_NE(c2->summary.find("C2 server"), std::string::npos);
  bool has_id = false;
  for (const auto& [k, v] : c2->attributes)
    has_id = has_id || (k == "indicator_id" && v == "indicator--aaaaaaaa-0000-4000-8000-000000000001");
  EXPECT_TRUE(has_id);
  EXPECT_EQ(range->endpoint, ip("203.0.113.50"));
  EXPECT_LT(range->score, 90.0) << "a /24 is weaker evidence than a host";
  EXPECT_EQ(range->ports, (std::vector<std::uint16_t>{22}));

  out.clear();
  d.emit(3000 * kNsPerSecond, false, out);
  EXPECT_TRUE(out.empty()) << "nothing new since the last emit";
  EXPECT_NE(d.status().find("5 indicators (3 addresses, 2 prefixes)"), std::string::npos) << d.status();
  EXPECT_NE(d.status().find("1 revoked"), std::string::npos) << d.status();
}

TEST(IndicatorDetector, BoundedByMaxTracked) {
  auto set = std::make_shared<IndicatorSet>();
  ASSERT_TRUE(set->add(*Prefix::parse("100.64.0.0/10"), {}));
  IndicatorDetector d(set, DetectorLimits{64});
  std::vector<flow::FlowRecord> flows;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    flow::FlowRecord f = flow("10.0.0.1", "100.64.0.0", 50000, 443, kNsPerSecond);
    f.dst_addr = IpAddress::v4(0x64400000u + i);
    flows.push_back(f);
  }
  std::vector<FlowEvent> events;
  for (const auto& f : flows) events.push_back(orient(f, nullptr));
  d.observe(events);
  EXPECT_EQ(d.tracked(), 64u);
  EXPECT_EQ(d.evicted(), 1000u - 64u);
}

}  // namespace
}  // namespace mamori::detect

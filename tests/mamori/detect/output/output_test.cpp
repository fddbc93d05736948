#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <string>

#include "mamori/detect/output/finding_json.hpp"
#include "mamori/detect/output/stix_bundle.hpp"
#include "mamori/detect/output/uuid5.hpp"

namespace mamori::detect {
namespace {

Finding sample(const char* endpoint = "198.51.100.3") {
  Finding f;
  f.kind = FindingKind::long_connection;
  f.detector = "long_connection";
  f.endpoint = *IpAddress::parse(endpoint);
  f.role = "c2_server";
  f.ports = {443, 8443};
  f.proto = 6;
  f.score = 81.234;
  f.first_seen = 1'748'862'000'123'456'789ULL;
  f.last_seen = 1'748'869'200'000'000'000ULL;
  f.flows = 24;
  f.packets = 480;
  f.bytes = 48'000;
  f.peers = 1;
  f.sample_peers = {*IpAddress::parse("10.1.2.3")};
  f.sample_times = {f.first_seen};
  f.metrics = {{"duration_s", 7199.9}, {"not_finite", std::numeric_limits<double>::infinity()}};
  f.attributes = {{"note", "quote \" and \\ backslash"}};
  f.summary = "line\nbreak";
  return f;
}

TEST(Uuid5, MatchesTheRfcVectorAndStixScoIds) {
  // RFC 9562 appendix A.4: www.example.com in the DNS namespace.
  auto dns = parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  ASSERT_TRUE(dns);
  EXPECT_EQ(format_uuid(uuid5(*dns, "www.example.com")), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  // STIX 2.1 §2.9 deterministic SCO id of ipv4-addr 198.51.100.3 (checked with Python's uuid.uuid5).
  auto sco = parse_uuid("00abedb4-aa42-466c-9c01-fed23315a9b7");
  ASSERT_TRUE(sco);
  EXPECT_EQ(format_uuid(uuid5(*sco, "{\"value\":\"198.51.100.3\"}")), "28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  EXPECT_FALSE(parse_uuid("not-a-uuid"));
  EXPECT_FALSE(parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c"));
}

TEST(FindingJson, OneLineWithEveryField) {
  const std::string line = finding_to_json(sample());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  for (const char* field : {"\"kind\":\"long_connection\"",
                            "\"detector\":\"long_connection\"",
                            "\"endpoint\":\"198.51.100.3\"",
                            "\"role\":\"c2_server\"",
                            "\"ports\":[443,8443]",
                            "\"proto\":6",
                            "\"score\":81.23",
                            "\"first_seen\":\"2025-06-02T11:00:00.123456789Z\"",
                            "\"first_seen_ns\":1748862000123456789",
                            "\"last_seen\":\"2025-06-02T13:00:00.000000000Z\"",
                            "\"flows\":24",
                            "\"packets\":480",
                            "\"bytes\":48000",
                            "\"peers\":1",
                            "\"sample_peers\":[\"10.1.2.3\"]",
                            "\"sample_times\":[\"2025-06-02T11:00:00.123456789Z\"]",
                            "\"duration_s\":7199.9",
                            "\"not_finite\":null",
                            "\"note\":\"quote \\\" and \\\\ backslash\"",
                            "\"summary\":\"line\\nbreak\""}) {
    EXPECT_NE(line.find(field), std::string::npos) << field << " in " << line;
  }
  EXPECT_EQ(findings_to_jsonl({sample(), sample("2001:db8::1")}),
            line + "\n" + finding_to_json(sample("2001:db8::1")) + "\n");
}

TEST(StixBundle, ObjectsRelationshipsAndTlp) {
  auto bundle = findings_to_stix({sample(), sample("2001:db8::7")}, StixOptions{});
  ASSERT_TRUE(bundle) << bundle.error().message;
  const std::string& b = *bundle;
  for (const char* needle :
       {"\"type\":\"bundle\"", "\"type\":\"infrastructure\"",
        "\"infrastructure_types\":[\"command-and-control\"]",
        "\"pattern\":\"[ipv4-addr:value = '198.51.100.3']\"",
        "\"pattern\":\"[ipv6-addr:value = '2001:db8::7']\"",
        "\"id\":\"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4\"", "\"type\":\"observed-data\"",
        "\"number_observed\":24", "\"relationship_type\":\"indicates\"",
        "\"relationship_type\":\"consists-of\"", "\"relationship_type\":\"based-on\"",
        "\"tlp_2_0\":\"amber\"", "\"id\":\"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421\"",
        "\"name\":\"TLP:AMBER\"", "\"first_seen\":\"2025-06-02T11:00:00.123Z\"", "\"confidence\":81",
        "\"identity_class\":\"system\""}) {
    EXPECT_NE(b.find(needle), std::string::npos) << needle;
  }
  // Deterministic: the same findings give the same bundle, byte for byte.
  EXPECT_EQ(*findings_to_stix({sample(), sample("2001:db8::7")}, StixOptions{}), b);
  // A different finding gives different ids.
  auto other = findings_to_stix({sample("198.51.100.4")}, StixOptions{});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->find("ipv4-addr--28bb3599"), std::string::npos);
}

TEST(StixBundle, IdsStayUniqueWhenFindingsShareAnEndpoint) {
  // Two detectors naming one server, and one finding reported again with more
  // evidence: one address object, one object per id, the latest evidence kept.
  Finding beacon = sample();
  beacon.kind = FindingKind::beaconing;
  beacon.detector = "beaconing";
  beacon.flows = 50;
  Finding again = sample();
  again.flows = 99;
  auto bundle = findings_to_stix({sample(), beacon, again}, StixOptions{});
  ASSERT_TRUE(bundle) << bundle.error().message;
  const std::string& b = *bundle;
  std::map<std::string, int> ids;
  for (std::size_t at = b.find("\"id\":\""); at != std::string::npos; at = b.find("\"id\":\"", at + 1)) {
    const std::size_t start = at + 6, end = b.find('"', start);
    ++ids[b.substr(start, end - start)];
  }
  for (const auto& [id, n] : ids) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(ids.count("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"), 1u);
  EXPECT_NE(b.find("\"number_observed\":99"), std::string::npos);
  EXPECT_EQ(b.find("\"number_observed\":24"), std::string::npos);
  EXPECT_EQ(std::count_if(ids.begin(), ids.end(),
                          [](const auto& kv) { return kv.first.starts_with("infrastructure--"); }),
            2);
}

TEST(StixBundle, TlpLevels) {
  StixOptions o;
  o.tlp = "red";
  auto bundle = findings_to_stix({sample()}, o);
  ASSERT_TRUE(bundle);
  EXPECT_NE(bundle->find("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"), std::string::npos);
  EXPECT_NE(bundle->find("\"name\":\"TLP:RED\""), std::string::npos);
  o.tlp = "amber+strict";
  EXPECT_TRUE(findings_to_stix({sample()}, o));
  o.tlp = "white";
  EXPECT_FALSE(findings_to_stix({sample()}, o)) << "TLP 1.0 names are not produced";
  EXPECT_EQ(*tlp2_marking_id("clear"), "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
  EXPECT_EQ(*tlp2_marking_id("green"), "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
}

TEST(StixBundle, EveryKindHasInfrastructureTypes) {
  for (int k = 0; k <= static_cast<int>(FindingKind::rare_server); ++k) {
    EXPECT_FALSE(infrastructure_types(static_cast<FindingKind>(k)).empty()) << k;
  }
  EXPECT_EQ(infrastructure_types(FindingKind::reflection)[0], "amplification");
}

}  // namespace
}  // namespace mamori::detect

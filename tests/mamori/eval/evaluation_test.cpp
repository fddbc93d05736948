#include "mamori/eval/evaluation.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mamori/eval/findings_file.hpp"
#include "mamori/eval/report.hpp"

namespace mamori::eval {
namespace {

using flow::sim::attacks::LabelRow;
using flow::sim::attacks::parse_label_csv;

// Four beacon C2s, three scanners, two reflectors of one attack, a controller,
// and an NTP look-alike.
constexpr const char* kLabels =
    "attack,endpoint,role,ports,proto,start,end,label,peers\n"
    "beacon,46.4.0.1,c2_server,443,6,2025-06-02T11:00:00Z,2025-06-02T12:00:00Z,1,3\n"
    "beacon,46.4.0.2,c2_server,8443,6,2025-06-02T11:00:00Z,2025-06-02T12:00:00Z,2,3\n"
    "beacon,46.4.0.3,c2_server,80,6,2025-06-02T11:00:00Z,2025-06-02T12:00:00Z,3,2\n"
    "beacon,2a01:4f8::4,c2_server,443,6,2025-06-02T11:00:00Z,2025-06-02T12:00:00Z,4,5\n"
    "scan,180.96.0.1,scanner,23,6,2025-06-02T11:00:00Z,2025-06-02T12:00:00Z,5,9000\n"
    "scan,180.96.0.2,scanner,22,6,2025-06-02T11:00:00Z,2025-06-02T12:00:00Z,6,4000\n"
    "scan,180.96.0.3,scanner,1-1024,6,2025-06-02T11:15:00Z,2025-06-02T11:15:07Z,7,1\n"
    "reflection,90.0.0.1,reflector,123,17,2025-06-02T11:09:00Z,2025-06-02T11:17:00Z,8,1\n"
    "reflection,90.0.0.2,reflector,123,17,2025-06-02T11:09:00Z,2025-06-02T11:17:00Z,8,1\n"
    "controller,37.187.0.9,controller,7777,6,2025-06-02T11:17:00Z,2025-06-02T11:40:00Z,9,40\n"
    "benign_ntp,95.211.0.1,server,123,17,2025-06-02T11:00:00Z,2025-06-02T12:00:00Z,10,30\n";

std::vector<LabelRow> labels() {
  auto rows = parse_label_csv(kLabels);
  EXPECT_TRUE(rows) << rows.error().message;
  return *rows;
}

std::string finding(std::string_view kind, std::string_view endpoint, std::string_view detector = "d",
                    double score = 80) {
  return fmt::format(R"({{"kind":"{}","detector":"{}","endpoint":"{}","role":"x","ports":[443],"proto":6,)"
                     R"("score":{},"first_seen":"2025-06-02T11:00:00Z","last_seen":"2025-06-02T11:30:00Z",)"
                     R"("flows":10,"peers":3,"summary":"s"}})",
                     kind, detector, endpoint, score);
}

FindingsText parse_ok(const std::string& text) {
  FindingsText f = parse_findings(text);
  for (const auto& e : f.errors) ADD_FAILURE() << "line " << e.line << ": " << e.message;
  return f;
}

const KindResult& kind(const Evaluation& ev, detect::FindingKind k) {
  for (const auto& r : ev.kinds) {
    if (r.kind == k) return r;
  }
  static KindResult none{};
  ADD_FAILURE() << "kind missing";
  return none;
}

TEST(Evaluation, CountsPrecisionAndRecallPerKind) {
  // Beaconing: 3 of 4 C2s found (one written in expanded IPv6), plus the NTP
  // look-alike and a background server: P = 3/5, R = 3/4.
  // Scanning: all 3 found, one of them by two detectors: P = R = 1.
  // Reflection: 1 of 2. Controller: none found. Fan-in: nothing planted, one finding.
  std::string text;
  for (const char* e : {"46.4.0.1", "46.4.0.2", "2a01:04f8:0:0::4", "95.211.0.1", "142.250.1.1"}) {
    text += finding("beaconing", e, "beacon") + "\n";
  }
  for (const char* e : {"180.96.0.1", "180.96.0.2", "180.96.0.3"})
    text += finding("scanning", e, "scan") + "\n";
  text += finding("scanning", "180.96.0.3", "trw") + "\n";
  text += finding("reflection", "90.0.0.1", "ddos") + "\n";
  text += finding("fan_in", "104.16.0.1", "fanin") + "\n";
  const auto findings = parse_ok(text);
  const Evaluation ev = evaluate(labels(), findings.findings, {});

  const Counts& b = kind(ev, detect::FindingKind::beaconing).counts;
  EXPECT_EQ(b.planted, 4u);
  EXPECT_EQ(b.true_positives, 3u);
  EXPECT_EQ(b.false_positives, 2u);
  EXPECT_EQ(b.false_negatives, 1u);
  EXPECT_DOUBLE_EQ(*b.precision(), 0.6);
  EXPECT_DOUBLE_EQ(*b.recall(), 0.75);
  EXPECT_NEAR(*b.f1(), 2 * 0.6 * 0.75 / 1.35, 1e-12);

  const KindResult& s = kind(ev, detect::FindingKind::scanning);
  EXPECT_EQ(s.counts.findings, 4u);
  EXPECT_EQ(s.counts.true_positives, 3u);
  EXPECT_EQ(s.counts.false_positives, 0u);
  EXPECT_DOUBLE_EQ(*s.counts.precision(), 1.0);
  EXPECT_DOUBLE_EQ(*s.counts.recall(), 1.0);
  ASSERT_EQ(s.detectors.size(), 2u);
  EXPECT_EQ(s.detectors.at("scan").true_positives, 3u);
  EXPECT_EQ(s.detectors.at("trw").true_positives, 1u);
  EXPECT_NEAR(*s.detectors.at("trw").recall(), 1.0 / 3, 1e-12);

  const Counts& r = kind(ev, detect::FindingKind::reflection).counts;
  EXPECT_EQ(r.planted, 2u);
  EXPECT_DOUBLE_EQ(*r.recall(), 0.5);

  const Counts& c = kind(ev, detect::FindingKind::ddos_controller).counts;
  EXPECT_EQ(c.planted, 1u);
  EXPECT_FALSE(c.precision()) << "no findings: precision is undefined";
  EXPECT_DOUBLE_EQ(*c.recall(), 0.0);
  EXPECT_FALSE(c.f1());

  const Counts& f = kind(ev, detect::FindingKind::fan_in).counts;
  EXPECT_EQ(f.planted, 0u);
  EXPECT_DOUBLE_EQ(*f.precision(), 0.0);
  EXPECT_FALSE(f.recall()) << "nothing planted: recall is undefined";

  EXPECT_EQ(ev.overall.planted, 10u);
  EXPECT_EQ(ev.overall.true_positives, 7u);
  EXPECT_EQ(ev.overall.false_positives, 3u);

  // The look-alike and the background server are listed, with their cause.
  ASSERT_EQ(ev.false_positives.size(), 3u);
  EXPECT_EQ(ev.false_positives[0].endpoint, "142.250.1.1");
  EXPECT_EQ(ev.false_positives[0].cause, FalsePositiveCause::background);
  EXPECT_EQ(ev.false_positives[1].endpoint, "95.211.0.1");
  EXPECT_EQ(ev.false_positives[1].cause, FalsePositiveCause::lookalike);
  EXPECT_EQ(ev.false_positives[1].attack, "benign_ntp");
  EXPECT_EQ(ev.false_positives[1].first_line, 4u);
  EXPECT_EQ(ev.false_positives[2].kind, "fan_in");
  // The missed ones, in kind order.
  ASSERT_EQ(ev.false_negatives.size(), 3u);
  EXPECT_EQ(ev.false_negatives[0].row.endpoint.to_string(), "46.4.0.3");
  EXPECT_EQ(ev.false_negatives[1].row.endpoint.to_string(), "90.0.0.2");
  EXPECT_EQ(ev.false_negatives[2].row.attack, "controller");
}

TEST(Evaluation, DuplicateFindingsCountOnce) {
  std::string text;
  for (int i = 0; i < 5; ++i) text += finding("beaconing", "46.4.0.1", "beacon", 50 + i) + "\n";
  for (int i = 0; i < 3; ++i) text += finding("beaconing", "17.1.1.1", "beacon") + "\n";
  const Evaluation ev = evaluate(labels(), parse_ok(text).findings, {});
  const KindResult& b = kind(ev, detect::FindingKind::beaconing);
  EXPECT_EQ(b.counts.findings, 8u);
  EXPECT_EQ(b.counts.true_positives, 1u);
  EXPECT_EQ(b.counts.false_positives, 1u);
  EXPECT_DOUBLE_EQ(*b.counts.precision(), 0.5);
  EXPECT_EQ(b.detectors.at("beacon").findings, 8u);
  EXPECT_EQ(b.detectors.at("beacon").true_positives, 1u);
  ASSERT_EQ(ev.false_positives.size(), 1u);
  EXPECT_EQ(ev.false_positives[0].findings, 3u);
}

TEST(Evaluation, AKindOnAnotherAttacksInfrastructureIsAFalsePositive) {
  // Strict by kind: calling a scanner a beacon C2 is wrong, but it is told apart from noise.
  const Evaluation ev = evaluate(labels(), parse_ok(finding("beaconing", "180.96.0.1")).findings, {});
  ASSERT_EQ(ev.false_positives.size(), 1u);
  EXPECT_EQ(ev.false_positives[0].cause, FalsePositiveCause::other_attack);
  EXPECT_EQ(ev.false_positives[0].attack, "scan");
  EXPECT_EQ(kind(ev, detect::FindingKind::beaconing).counts.false_positives, 1u);
  EXPECT_EQ(kind(ev, detect::FindingKind::scanning).counts.false_negatives, 3u);
}

TEST(Evaluation, AnotherAttacksEndpointInTheSameRoleIsCountedApart) {
  // A fan-in C2 called a beacon C2 (both c2_server) is the right infrastructure
  // under another kind: counted as same_role, not as a false positive. A
  // benign look-alike and a scanner stay false positives.
  std::string csv = kLabels;
  csv += "fanin,5.9.0.1,c2_server,443,6,2025-06-02T11:00:00Z,2025-06-02T12:00:00Z,11,200\n";
  auto rows = parse_label_csv(csv);
  ASSERT_TRUE(rows) << rows.error().message;
  std::string text;
  for (const char* e : {"5.9.0.1", "95.211.0.1", "180.96.0.1"})
    text += finding("beaconing", e, "beacon") + "\n";
  text += finding("fan_in", "46.4.0.2", "fanin") + "\n";
  const Evaluation ev = evaluate(*rows, parse_ok(text).findings, {});
  const Counts& b = kind(ev, detect::FindingKind::beaconing).counts;
  EXPECT_EQ(b.same_role, 1u);
  EXPECT_EQ(b.false_positives, 2u);
  EXPECT_EQ(b.true_positives, 0u);
  const Counts& f = kind(ev, detect::FindingKind::fan_in).counts;
  EXPECT_EQ(f.same_role, 1u) << "a beacon C2 called a fan-in server";
  EXPECT_EQ(f.false_positives, 0u);
}

TEST(Evaluation, UnknownAndUnscoredKindsAreReportedNotScored) {
  std::string text = finding("new_rare_server", "1.2.3.4") + "\n" + finding("long_connection", "95.211.0.1") +
                     "\n" + finding("long_connection", "8.8.8.8") + "\n" + finding("indicator", "46.4.0.1") +
                     "\n";
  const Evaluation ev = evaluate(labels(), parse_ok(text).findings, {});
  EXPECT_EQ(ev.findings_total, 4u);
  EXPECT_EQ(ev.unknown_kinds.at("new_rare_server"), 1u);
  EXPECT_EQ(ev.unscored_kinds.at("long_connection"), 2u);
  EXPECT_EQ(ev.unscored_kinds.at("indicator"), 1u);
  EXPECT_EQ(ev.overall.true_positives + ev.overall.false_positives, 0u);
  // A long-connection alarm about the push-like NTP server is listed but not counted.
  ASSERT_EQ(ev.false_positives.size(), 1u);
  EXPECT_FALSE(ev.false_positives[0].scored);
  EXPECT_EQ(ev.false_positives[0].attack, "benign_ntp");
}

TEST(Evaluation, MinimumScoreDropsWeakFindings) {
  std::string text = finding("beaconing", "46.4.0.1", "b", 90) + "\n" +
                     finding("beaconing", "95.211.0.1", "b", 30) + "\n" +
                     R"({"kind":"beaconing","endpoint":"46.4.0.2"})" + "\n";
  EvalOptions options;
  options.min_score = 50;
  const Evaluation ev = evaluate(labels(), parse_ok(text).findings, options);
  EXPECT_EQ(ev.below_min_score, 2u) << "a finding without a score counts as 0";
  const Counts& b = kind(ev, detect::FindingKind::beaconing).counts;
  EXPECT_EQ(b.true_positives, 1u);
  EXPECT_EQ(b.false_positives, 0u);
  EXPECT_DOUBLE_EQ(*b.precision(), 1.0);
}

TEST(Evaluation, EmptyInputs) {
  const Evaluation none = evaluate(labels(), {}, {});
  EXPECT_EQ(none.findings_total, 0u);
  EXPECT_EQ(none.overall.false_negatives, 10u);
  EXPECT_EQ(none.false_negatives.size(), 10u);
  for (const auto& k : none.kinds) EXPECT_FALSE(k.counts.precision());
  // Background only: every finding is a false positive, recall is undefined.
  const Evaluation background = evaluate({}, parse_ok(finding("scanning", "1.1.1.1")).findings, {});
  EXPECT_DOUBLE_EQ(*kind(background, detect::FindingKind::scanning).counts.precision(), 0.0);
  EXPECT_FALSE(kind(background, detect::FindingKind::scanning).counts.recall());
  EXPECT_TRUE(parse_findings("").findings.empty());
  EXPECT_EQ(parse_findings("\n  \n\r\n").lines, 0u);
}

TEST(FindingsFile, MalformedLinesAreReportedWithTheirNumbers) {
  const std::string text =
      finding("beaconing", "46.4.0.1") + "\n" +                                     // 1 fine
      "\n" +                                                                        // 2 blank
      "{\"kind\":\"scanning\"\n" +                                                  // 3 truncated JSON
      "[1,2]\n" +                                                                   // 4 not an object
      R"({"endpoint":"1.2.3.4"})" + "\n" +                                          // 5 no kind
      R"({"kind":"scanning","endpoint":7})" + "\n" +                                // 6 endpoint type
      R"({"kind":"scanning","endpoint":"1.2.3.4","score":"high"})" + "\n" +         // 7
      R"({"kind":"scanning","endpoint":"1.2.3.4","score":180})" + "\n" +            // 8
      R"({"kind":"scanning","endpoint":"1.2.3.4","ports":[22,70000]})" + "\n" +     // 9
      R"({"kind":"scanning","endpoint":"1.2.3.4","first_seen":"noon"})" + "\n" +    // 10
      R"({"kind":"scanning","endpoint":"1.2.3.4","flows":-1})" + "\n" +             // 11
      R"({"kind":"","endpoint":"1.2.3.4"})" + "\n" +                                // 12
      R"({"kind":"scanning","endpoint":"1.2.3.4","proto":"tcp","extra":{"a":1}})";  // 13 fine
  const FindingsText f = parse_findings(text);
  EXPECT_EQ(f.lines, 12u);
  ASSERT_EQ(f.findings.size(), 2u);
  EXPECT_EQ(f.findings[0].line, 1u);
  EXPECT_EQ(f.findings[1].line, 13u);
  std::vector<std::size_t> lines;
  for (const auto& e : f.errors) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<std::size_t>{3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_NE(f.errors[0].message.find("not valid JSON"), std::string::npos);
  EXPECT_NE(f.errors[2].message.find("missing \"kind\""), std::string::npos);
  EXPECT_NE(f.errors[5].message.find("outside 0-100"), std::string::npos);
}

TEST(FindingsFile, EndpointsAreCanonicalised) {
  const FindingsText f =
      parse_ok(finding("scanning", "2A01:04F8:0000::0004") + "\n" + finding("indicator", "10.0.0.0/8"));
  ASSERT_EQ(f.findings.size(), 2u);
  EXPECT_EQ(f.findings[0].endpoint, "2a01:4f8::4");
  EXPECT_EQ(f.findings[1].endpoint, "10.0.0.0/8");  // not an address: kept as written
}

TEST(Report, JsonCarriesEveryScoredKindWithNullsForUndefinedRatios) {
  const Evaluation ev = evaluate(labels(), parse_ok(finding("scanning", "180.96.0.1", "scan")).findings, {});
  const boost::json::value doc = boost::json::parse(format_json(ev));
  const auto& kinds = doc.at("kinds").as_object();
  for (const char* k : {"beaconing", "fan_in", "scanning", "brute_force", "reflection", "ddos_controller"}) {
    EXPECT_TRUE(kinds.contains(k)) << k;
  }
  const auto& scanning = kinds.at("scanning").as_object();
  EXPECT_EQ(scanning.at("precision").as_double(), 1.0);
  EXPECT_NEAR(scanning.at("recall").as_double(), 1.0 / 3, 1e-12);
  EXPECT_EQ(scanning.at("detectors").at("scan").at("true_positives").to_number<std::uint64_t>(), 1u);
  EXPECT_TRUE(kinds.at("beaconing").at("precision").is_null());
  EXPECT_EQ(kinds.at("beaconing").at("recall").as_double(), 0.0);
  EXPECT_EQ(doc.at("planted").at("beacon").to_number<std::uint64_t>(), 4u);
  EXPECT_EQ(doc.at("false_negatives").as_array().size(), 9u);
  const std::string text = format_text(ev);
  EXPECT_NE(text.find("scanning"), std::string::npos);
  EXPECT_NE(text.find("false negatives (9)"), std::string::npos);
}

}  // namespace
}  // namespace mamori::eval

#include "mamori/report/report_json.hpp"

#include <gtest/gtest.h>

#include "mamori/report/validate.hpp"
#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

const TimeNs kReceived = at("2025-03-01T09:00:00Z");

SubmissionContext ctx() { return context("rpt-1", "org-a", kReceived); }

std::string parse_error(std::string_view json, const SubmissionContext& c = ctx()) {
  auto r = parse_submission(json, c);
  EXPECT_FALSE(r) << "accepted: " << json;
  return r ? std::string() : r.error().message;
}

void expect_contains(const std::string& haystack, std::string_view needle) {
  EXPECT_NE(haystack.find(needle), std::string::npos) << "'" << needle << "' not in: " << haystack;
}

TEST(QuickReport, FourRequiredFieldsAreEnough) {
  // What a CSIRT can type in under a minute: type, time, contact (the
  // organisation comes from its credentials).
  auto r = parse_submission(R"({"incident_type":"ransomware","aware_at":"2025-03-01T08:40:00+00:00",
                                "contact":"soc@example.co.jp"})",
                            ctx());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stage, Stage::quick);
  EXPECT_EQ(r->id, "rpt-1");
  EXPECT_EQ(r->organisation, "org-a");
  EXPECT_EQ(r->received_at, kReceived);
  EXPECT_EQ(r->quick.incident_type, IncidentType::ransomware);
  EXPECT_EQ(r->quick.aware_at, at("2025-03-01T08:40:00Z"));
  EXPECT_EQ(r->quick.service_impact, ServiceImpact::unknown);
  EXPECT_EQ(r->quick.suspected_malicious, Answer::unknown);
  EXPECT_EQ(r->quick.cross_border, Answer::unknown);
  // Defaults: TLP:AMBER, anonymous to recipients, indicators shareable.
  EXPECT_EQ(r->handling.tlp, Tlp::amber);
  EXPECT_TRUE(r->handling.anonymous_to_recipients);
  EXPECT_TRUE(r->handling.share_indicators);
  EXPECT_TRUE(r->handling.permitted_purposes.empty());
}

TEST(QuickReport, AllEightFieldsRoundTrip) {
  Report r = submit(kLockbitQuick, context("rpt-lb-1", "org-kansai-grid", kLockbitQuickReceived));
  EXPECT_EQ(r.quick.affected_asset, "file servers at the Sakai substation office");
  EXPECT_EQ(r.quick.aware_at, at("2025-02-28T17:10:00Z"));  // +09:00 converted to UTC
  EXPECT_EQ(r.quick.service_impact, ServiceImpact::degraded);
  EXPECT_EQ(r.quick.suspected_malicious, Answer::yes);
  EXPECT_EQ(r.quick.contact, "CSIRT desk, +81-6-0000-0000");

  const std::string doc = serialize_report(r);
  EXPECT_TRUE(doc.starts_with(R"({"schema":"mamori.report/v1","id":"rpt-lb-1","stage":"quick","organisation":"org-kansai-grid",)"))
      << doc;
  auto back = parse_report_document(doc);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);
  EXPECT_EQ(serialize_report(*back), doc);  // same report, same bytes
}

TEST(QuickReport, EveryMissingRequiredFieldIsNamed) {
  const std::string e = parse_error("{}");
  expect_contains(e, "aware_at: is required");
  expect_contains(e, "incident_type: is required");
  expect_contains(e, "contact: is required");
}

TEST(QuickReport, BadValuesNameTheFieldAndTheChoices) {
  expect_contains(parse_error(R"({"incident_type":"ransom","aware_at":"2025-03-01T08:00:00Z","contact":"x"})"),
                  "incident_type: 'ransom' is not one of: ransomware, ddos, unauthorised_access, data_leak, malware, "
                  "service_outage_unknown_cause, other");
  expect_contains(parse_error(R"({"incident_type":"ddos","aware_at":"yesterday","contact":"x"})"),
                  "aware_at: 'yesterday' is not an RFC 3339 time");
  expect_contains(parse_error(R"({"incident_type":"ddos","aware_at":1740000000,"contact":"x"})"),
                  "aware_at: must be a string, not a number");
  expect_contains(parse_error(R"({"incident_type":"ddos","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                                  "service_impact":"bad"})"),
                  "service_impact: 'bad' is not one of: unknown, none, degraded, outage");
  expect_contains(parse_error(R"({"incident_type":"ddos","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                                  "cross_border":true})"),
                  "cross_border: must be a string, not a boolean");
  expect_contains(parse_error(R"({"incident_type":"ddos","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                                  "handling":{"tlp":"PURPLE"}})"),
                  "handling.tlp: 'PURPLE' is not a TLP 2.0 label");
  expect_contains(parse_error(R"({"incident_type":"ddos","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                                  "handling":{"anonymous_to_recipients":"no"}})"),
                  "handling.anonymous_to_recipients: must be true or false");
  expect_contains(parse_error(R"({"incident_type":"ddos","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                                  "handling":{"permitted_purposes":["Statistics!"]}})"),
                  "handling.permitted_purposes[0]: 'Statistics!' is not a purpose id");
}

TEST(QuickReport, TlpLabelsAcceptTheTlpPrefixAndTlp1White) {
  auto r = parse_submission(R"({"incident_type":"ddos","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                                "handling":{"tlp":"tlp:amber+strict"}})",
                            ctx());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->handling.tlp, Tlp::amber_strict);
  r = parse_submission(R"({"incident_type":"ddos","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                           "handling":{"tlp":"WHITE"}})",
                       ctx());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->handling.tlp, Tlp::clear);
}

TEST(QuickReport, NullMeansNotGiven) {
  auto r = parse_submission(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                                "affected_asset":null,"service_impact":null})",
                            ctx());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->quick.service_impact, ServiceImpact::unknown);
  expect_contains(parse_error(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":null})"),
                  "contact: is required");
}

TEST(QuickReport, UnknownAndServerAssignedFieldsAreRefused) {
  expect_contains(parse_error(R"({"incident_typ":"malware","incident_type":"malware","aware_at":"2025-03-01T08:00:00Z",
                                  "contact":"x"})"),
                  "incident_typ: unknown field");
  expect_contains(parse_error(R"({"id":"mine","received_at":"2025-03-01T08:00:00Z","incident_type":"malware",
                                  "aware_at":"2025-03-01T08:00:00Z","contact":"x"})"),
                  "id: is assigned by the hub");
  expect_contains(parse_error(R"({"received_at":"2025-03-01T08:00:00Z","incident_type":"malware",
                                  "aware_at":"2025-03-01T08:00:00Z","contact":"x"})"),
                  "received_at: is set by the hub");
  // A quick report has no incident or sequence.
  expect_contains(parse_error(R"({"incident":"rpt-0","incident_type":"malware","aware_at":"2025-03-01T08:00:00Z",
                                  "contact":"x"})"),
                  "incident: unknown field");
}

TEST(QuickReport, OrganisationMustBeTheAuthenticatedOne) {
  auto ok = parse_submission(R"({"organisation":"org-a","incident_type":"malware","aware_at":"2025-03-01T08:00:00Z",
                                 "contact":"x"})",
                             ctx());
  EXPECT_TRUE(ok);
  expect_contains(parse_error(R"({"organisation":"org-b","incident_type":"malware","aware_at":"2025-03-01T08:00:00Z",
                                  "contact":"x"})"),
                  "organisation: does not match the organisation of the credentials");
}

TEST(QuickReport, TimeOfAwarenessMustBePlausible) {
  expect_contains(parse_error(R"({"incident_type":"malware","aware_at":"1999-12-31T23:59:59Z","contact":"x"})"),
                  "aware_at: 1999-12-31T23:59:59.000000000Z is before 2000");
  // Five minutes of clock skew are tolerated, more is not.
  EXPECT_TRUE(parse_submission(R"({"incident_type":"malware","aware_at":"2025-03-01T09:04:00Z","contact":"x"})", ctx()));
  expect_contains(parse_error(R"({"incident_type":"malware","aware_at":"2025-03-01T09:06:00Z","contact":"x"})"),
                  "aware_at: 2025-03-01T09:06:00.000000000Z is after the report was received");
}

TEST(QuickReport, SingleLineFieldsRefuseControlCharacters) {
  expect_contains(parse_error(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":"a\nb"})"),
                  "contact: must be a single line");
  expect_contains(parse_error(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":"   "})"),
                  "contact: is required");
  expect_contains(parse_error(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":"x",
                                  "affected_asset":"a\u0000b"})"),
                  "affected_asset: must be a single line");
  const std::string long_contact(600, 'c');
  expect_contains(parse_error(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":")" +
                              long_contact + "\"}"),
                  "contact: is 600 bytes; at most 512");
}

TEST(Submission, HostileDocumentsAreRefusedCleanly) {
  auto r = parse_submission("not json", ctx());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::parse_error);
  r = parse_submission("[1,2,3]", ctx());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("must be a JSON object, not an array"), std::string::npos);
  r = parse_submission(std::string(600 * 1024, ' '), ctx());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("larger than"), std::string::npos);
  // Nesting deeper than the schema ever needs stops the parser, not the stack.
  std::string deep = R"({"handling":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  r = parse_submission(deep, ctx());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::parse_error);
  // Invalid UTF-8 is a JSON error.
  r = parse_submission("{\"contact\":\"\xff\xfe\"}", ctx());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::parse_error);
}

TEST(Submission, ProblemsAreAlsoReturnedAsAList) {
  std::vector<FieldError> problems;
  auto r = parse_submission(R"({"incident_type":"nope","contact":"x"})", ctx(), problems);
  ASSERT_FALSE(r);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "aware_at");
  EXPECT_EQ(problems[1].field, "incident_type");
}

TEST(FollowUp, LinksToTheQuickReportAndCarriesTheRansomwareForm) {
  Report r = submit(lockbit_follow_up("rpt-lb-1"), context("rpt-lb-2", "org-kansai-grid", at("2025-03-01T06:00:00Z")));
  EXPECT_EQ(r.stage, Stage::follow_up);
  EXPECT_EQ(r.incident_id(), "rpt-lb-1");
  EXPECT_EQ(r.follow_up.sequence, 1u);
  EXPECT_EQ(r.follow_up.amendments.service_impact, ServiceImpact::outage);
  EXPECT_FALSE(r.follow_up.amendments.incident_type);
  ASSERT_TRUE(r.follow_up.ransomware);
  const RansomwareDetails& rw = *r.follow_up.ransomware;
  EXPECT_EQ(rw.family, "LockBit 3.0");
  EXPECT_EQ(rw.encrypted_extension, ".lockbit");  // normalised
  EXPECT_EQ(rw.ransom_currency, "BTC");           // normalised
  EXPECT_EQ(rw.ransom_amount, "50");
  EXPECT_EQ(rw.wallet_addresses.size(), 2u);
  EXPECT_EQ(rw.intrusion_vector, IntrusionVector::vpn_device);
  EXPECT_EQ(rw.backups, BackupStatus::partially_affected);
  EXPECT_EQ(rw.data_exfiltrated, Answer::yes);
  EXPECT_EQ(r.follow_up.timeline.started_at, at("2025-02-27T15:00:00Z"));

  const std::string doc = serialize_report(r);
  auto back = parse_report_document(doc);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);
  EXPECT_EQ(serialize_report(*back), doc);
}

TEST(FollowUp, InheritsTheIncidentsHandlingUnlessItStatesItsOwn) {
  Handling inherited;
  inherited.tlp = Tlp::red;
  inherited.anonymous_to_recipients = false;
  const std::string body = R"({"stage":"follow_up","incident":"rpt-1","sequence":1,"changes":"contained"})";
  Report r = submit(body, context("rpt-2", "org-a", kReceived, &inherited));
  EXPECT_EQ(r.handling, inherited);
  Report own = submit(R"({"stage":"follow_up","incident":"rpt-1","sequence":1,"handling":{"tlp":"GREEN"}})",
                      context("rpt-2", "org-a", kReceived, &inherited));
  EXPECT_EQ(own.handling.tlp, Tlp::green);
}

TEST(FollowUp, StructuralErrorsAreNamed) {
  expect_contains(parse_error(R"({"stage":"follow_up","sequence":1})"), "incident: is required");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0"})"), "sequence: is required");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":0})"), "sequence: must be 1 or more");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":-1})"),
                  "sequence: must be a whole number");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-1","sequence":1})"),
                  "incident: must name the quick report, not this document");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"bad id!","sequence":1})"),
                  "incident: 'bad id!' is not an identifier");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,
                                  "aware_at":"2025-03-01T08:00:00Z"})"),
                  "aware_at: cannot be changed after the quick report: deadlines run from it");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,"changed_fields":["x"]})"),
                  "changed_fields: is computed by the hub");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,"contact":""})"),
                  "contact: is required");
  expect_contains(parse_error(R"({"stage":"later","incident":"rpt-0","sequence":1})"),
                  "stage: 'later' is not one of: quick, follow_up, final");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,"attack_techniques":["T86"]})"),
                  "attack_techniques[0]: 'T86' is not an ATT&CK technique id");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,"iocs":["ok", 5]})"),
                  "iocs[1]: must be a string, not a number");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,"timeline":[]})"),
                  "timeline: must be an object, not an array");
}

TEST(FollowUp, TimelineMustBeInOrder) {
  const std::string e = parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,
      "timeline":{"started_at":"2025-03-01T05:00:00Z","detected_at":"2025-03-01T04:00:00Z",
                  "recovered_at":"2025-03-01T03:00:00Z"}})");
  expect_contains(e, "timeline.detected_at: is before timeline.started_at");
  expect_contains(e, "timeline.recovered_at: is before timeline.started_at");
  expect_contains(e, "timeline.recovered_at: is before timeline.detected_at");
  expect_contains(parse_error(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,
                                  "timeline":{"contained_at":"2030-01-01T00:00:00Z"}})"),
                  "timeline.contained_at: 2030-01-01T00:00:00.000000000Z is after the report was received");
}

TEST(FinalReport, NeedsDescriptionRootCauseAndRemediation) {
  const std::string e = parse_error(R"({"stage":"final","incident":"rpt-0","sequence":3})");
  expect_contains(e, "description: is required");
  expect_contains(e, "root_cause: is required");
  expect_contains(e, "remediation: is required");
  auto r = parse_submission(R"json({"stage":"final","incident":"rpt-0","sequence":3,"description":"d",
                                "root_cause":"unpatched VPN (CVE-2023-4966)","remediation":"patched, credentials reset"})json",
                            ctx());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stage, Stage::final);
}

std::string ransomware_error(std::string_view fields) {
  return parse_error(std::string(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,"ransomware":{)") +
                     std::string(fields) + "}}");
}

TEST(RansomwareForm, EveryFieldIsValidated) {
  expect_contains(ransomware_error(R"("wallet_addresses":["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                                                           "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr"])"),
                  "ransomware.wallet_addresses[1]: segwit address: bech32 checksum mismatch");
  expect_contains(ransomware_error(R"("wallet_addresses":["send money"])"),
                  "ransomware.wallet_addresses[0]: 'send money' is not a Bitcoin");
  expect_contains(ransomware_error(R"("ransom_amount":"1,000","ransom_currency":"USD")"),
                  "ransomware.ransom_amount: '1,000' is not a decimal amount");
  expect_contains(ransomware_error(R"("ransom_amount":1.5,"ransom_currency":"BTC")"),
                  "ransomware.ransom_amount: give a fractional amount as a string");
  expect_contains(ransomware_error(R"("ransom_amount":"3")"),
                  "ransomware.ransom_currency: is required when ransom_amount is given");
  expect_contains(ransomware_error(R"("ransom_currency":"bitcoin!")"),
                  "ransomware.ransom_currency: 'bitcoin!' is not a currency code");
  expect_contains(ransomware_error(R"("ransom_paid_at":"2025-03-01T01:00:00Z")"),
                  "ransomware.ransom_paid_at: is given but ransom_paid is not \"yes\"");
  expect_contains(ransomware_error(R"("encrypted_extension":"../../etc")"),
                  "ransomware.encrypted_extension: '../../etc' is not a file extension");
  expect_contains(ransomware_error(R"("intrusion_vector":"magic")"),
                  "ransomware.intrusion_vector: 'magic' is not one of: unknown, vpn_device, remote_desktop");
  expect_contains(ransomware_error(R"("backups":"maybe")"), "ransomware.backups: 'maybe' is not one of");
  expect_contains(ransomware_error(R"("affected_systems":[""])"), "ransomware.affected_systems[0]: is empty");
  expect_contains(ransomware_error(R"("colour":"red")"), "ransomware.colour: unknown field");

  // A whole-number amount may be a JSON number; it is kept as decimal text.
  auto r = parse_submission(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,
                                "ransomware":{"ransom_amount":2000000,"ransom_currency":"usd","ransom_paid":"yes",
                                              "ransom_paid_at":"2025-03-01T01:00:00Z"}})",
                            ctx());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->follow_up.ransomware->ransom_amount, "2000000");
  EXPECT_EQ(r->follow_up.ransomware->ransom_currency, "USD");
}

std::string ddos_error(std::string_view fields) {
  return parse_error(std::string(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,"ddos":{)") +
                     std::string(fields) + "}}");
}

TEST(DdosForm, DnsAmplificationMapsToReflectionAmplification) {
  Report r = submit(ddos_follow_up("rpt-dd-1"), context("rpt-dd-2", "org-example-isp", at("2025-06-10T05:00:00Z")));
  ASSERT_TRUE(r.follow_up.ddos);
  const DdosDetails& d = *r.follow_up.ddos;
  EXPECT_DOUBLE_EQ(*d.peak_gbps, 120.5);
  EXPECT_EQ(*d.peak_pps, 35'000'000u);
  // 02:58 to 04:13: the duration follows from the times.
  EXPECT_EQ(*d.duration_seconds, 75u * 60);
  EXPECT_EQ(d.techniques, (std::vector<std::string>{"T1498.001", "T1498.002"}));
  EXPECT_EQ(d.mitigation, (std::vector<DdosMitigation>{DdosMitigation::upstream_scrubbing, DdosMitigation::rtbh}));
  const std::string doc = serialize_report(r);
  EXPECT_NE(doc.find(R"("peak_gbps":120.5,)"), std::string::npos) << doc;  // not 1.205E2
  EXPECT_NE(doc.find(R"("techniques":["T1498.001","T1498.002"])"), std::string::npos) << doc;
  auto back = parse_report_document(doc);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);
}

TEST(DdosForm, EveryFieldIsValidated) {
  expect_contains(ddos_error(R"("peak_gbps":-3)"), "ddos.peak_gbps: -3 is outside 0 < Gbps <= 1000000");
  expect_contains(ddos_error(R"("peak_gbps":"lots")"), "ddos.peak_gbps: must be a number, not a string");
  expect_contains(ddos_error(R"("peak_pps":1.5)"), "ddos.peak_pps: must be a whole number");
  expect_contains(ddos_error(R"("peak_pps":0)"), "ddos.peak_pps: must be positive");
  expect_contains(ddos_error(R"("started_at":"2025-03-01T05:00:00Z","ended_at":"2025-03-01T04:00:00Z")"),
                  "ddos.ended_at: is before ddos.started_at");
  expect_contains(ddos_error(R"("vectors":["syn_flood","teardrop"])"), "ddos.vectors[1]: 'teardrop' is not one of");
  expect_contains(ddos_error(R"("vectors":["syn_flood","syn_flood"])"), "ddos.vectors[1]: 'syn_flood' is listed twice");
  expect_contains(ddos_error(R"("techniques":["T1059"])"),
                  "ddos.techniques[0]: 'T1059' is not a denial-of-service technique");
  expect_contains(ddos_error(R"("targets":["203.0.113.1","our website"])"),
                  "ddos.targets[1]: 'our website' is not an IP address, prefix, host name or URL");
  expect_contains(ddos_error(R"("mitigation":["prayer"])"), "ddos.mitigation[0]: 'prayer' is not one of");
  expect_contains(ddos_error(R"("duration_seconds":999999999999)"), "ddos.duration_seconds: 999999999999 is more than");

  // Explicit techniques are kept alongside those implied by the vectors.
  auto r = parse_submission(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,
                                "ddos":{"vectors":["syn_flood","http_flood"],"techniques":["T1499"]}})",
                            ctx());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->follow_up.ddos->techniques, (std::vector<std::string>{"T1499", "T1499.001", "T1499.002"}));
}

TEST(Validation, AppliesToReportsBuiltInCode) {
  Report r;
  r.id = "rpt-9";
  r.organisation = "org-a";
  r.received_at = kReceived;
  r.quick.aware_at = at("2025-03-01T08:00:00Z");
  r.quick.incident_type = IncidentType::malware;
  r.quick.contact = "desk \xc3\x28";  // invalid UTF-8
  auto s = validate_report(r);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("contact: is not valid UTF-8"), std::string::npos) << s.error().message;
  r.quick.contact = "desk";
  r.organisation = "";
  s = validate_report(r);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("organisation: is required"), std::string::npos);
  r.organisation = "org-a";
  EXPECT_TRUE(validate_report(r));
}

TEST(ReportDocument, RequiresItsServerFields) {
  auto r = parse_report_document(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":"x"})");
  ASSERT_FALSE(r);
  for (const char* f : {"schema: is required", "stage: is required", "id: is required", "organisation: is required",
                        "received_at: is required"})
    EXPECT_NE(r.error().message.find(f), std::string::npos) << f << " in " << r.error().message;
  r = parse_report_document(R"({"schema":"mamori.report/v9","stage":"quick","id":"a","organisation":"b",
                                "received_at":"2025-03-01T09:00:00Z","incident_type":"malware",
                                "aware_at":"2025-03-01T08:00:00Z","contact":"x"})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("schema: 'mamori.report/v9' is not mamori.report/v1"), std::string::npos);
}

TEST(ReportIds, AreValidSortableAndDistinct) {
  const std::string a = generate_report_id(at("2025-03-01T09:00:00Z"));
  const std::string b = generate_report_id(at("2025-03-01T09:00:00Z"));
  EXPECT_TRUE(a.starts_with("rpt-20250301T090000Z-")) << a;
  EXPECT_TRUE(is_valid_identifier(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(is_valid_identifier(""));
  EXPECT_FALSE(is_valid_identifier("-leading"));
  EXPECT_FALSE(is_valid_identifier("has space"));
  EXPECT_FALSE(is_valid_identifier(std::string(129, 'a')));
  EXPECT_TRUE(is_valid_identifier(std::string(128, 'a')));
}

}  // namespace
}  // namespace mamori::report

#include "mamori/report/access.hpp"

#include <gtest/gtest.h>

#include "mamori/crypto/encoding.hpp"
#include "mamori/ledger/entry.hpp"
#include "mamori/report/reporting_config.hpp"
#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

AccessPolicy policy() {
  auto config = default_reporting_config();
  EXPECT_TRUE(config) << config.error().message;
  return config->access;
}

// A LockBit quick report fanned out to the agency, METI and the police.
ReportAccessInfo lockbit(Tlp tlp = Tlp::amber, bool anonymous = true) {
  ReportAccessInfo info;
  info.report_id = "rpt-lb-1";
  info.incident_id = "rpt-lb-1";
  info.reporter_organisation = "org-kansai-grid";
  info.handling.tlp = tlp;
  info.handling.anonymous_to_recipients = anonymous;
  info.recipient_organisations = {"jp.ncs", "jp.meti", "jp.npa"};
  info.identity_visible_organisations = {"jp.ncs"};
  return info;
}

AccessRequest request(std::string org, ReaderRole role, std::string purpose, std::uint32_t clearance = 0) {
  return AccessRequest{Reader{"user:" + org + "/alice", std::move(org), role, clearance}, std::move(purpose),
                       at("2025-03-01T10:00:00Z")};
}

AccessDecision decide(const ReportAccessInfo& info, const AccessRequest& req) { return decide_access(policy(), info, req); }

void expect_refused(const AccessDecision& d, std::string_view why) {
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.record.allowed);
  EXPECT_FALSE(d.identity_visible);
  EXPECT_NE(d.reason.find(why), std::string::npos) << d.reason;
  EXPECT_EQ(d.record.reason, d.reason);
}

TEST(Access, ReporterReadsItsOwnReportWithoutAPurpose) {
  const auto d = decide(lockbit(Tlp::red), request("org-kansai-grid", ReaderRole::operator_, ""));
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.identity_visible);
  EXPECT_EQ(d.record.purpose, "reporter");
}

TEST(Access, ForbiddenPurposesAreRefusedWithTheReason) {
  expect_refused(decide(lockbit(), request("jp.meti", ReaderRole::analyst, "sanctions_against_reporter", 5)),
                 "purpose 'sanctions_against_reporter' is never allowed: reported information serves cybersecurity only");
  expect_refused(decide(lockbit(), request("jp.meti", ReaderRole::analyst, "regulatory_enforcement", 5)),
                 "is never allowed");
  expect_refused(decide(lockbit(), request("jp.npa", ReaderRole::analyst, "criminal_investigation_of_reporter", 5)),
                 "a report is not evidence against the organisation that filed it");
  expect_refused(decide(lockbit(Tlp::clear), request("org-vendor", ReaderRole::vendor, "commercial_use", 5)),
                 "may not be used for commercial purposes");
  expect_refused(decide(lockbit(), request("jp.ncs", ReaderRole::analyst, "", 5)), "a purpose must be declared");
  expect_refused(decide(lockbit(), request("jp.ncs", ReaderRole::analyst, "curiosity", 5)),
                 "purpose 'curiosity' is not on the allowed list (cybersecurity_analysis, incident_coordination, "
                 "early_warning, statistics, oversight)");
}

TEST(Access, RolesArePerPurpose) {
  expect_refused(decide(lockbit(Tlp::clear), request("org-other", ReaderRole::operator_, "incident_coordination")),
                 "role 'operator' may not read for purpose 'incident_coordination'");
  expect_refused(decide(lockbit(Tlp::clear), request("jp.ncs", ReaderRole::admin, "cybersecurity_analysis", 5)),
                 "role 'admin' may not read");
  EXPECT_TRUE(decide(lockbit(Tlp::clear), request("org-other", ReaderRole::operator_, "cybersecurity_analysis")).allowed);
}

TEST(Access, TlpLimitsTheAudience) {
  // GREEN: any registered organisation, e.g. another operator hunting for the same actor.
  auto d = decide(lockbit(Tlp::green), request("org-other-utility", ReaderRole::operator_, "cybersecurity_analysis"));
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_FALSE(d.identity_visible);  // anonymous to everyone but the agency
  // AMBER: the report's recipients only.
  expect_refused(decide(lockbit(Tlp::amber), request("org-other-utility", ReaderRole::operator_, "cybersecurity_analysis")),
                 "TLP:AMBER limits this report to its recipients; organisation 'org-other-utility' is not one");
  d = decide(lockbit(Tlp::amber), request("jp.meti", ReaderRole::analyst, "cybersecurity_analysis"));
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_FALSE(d.identity_visible);
  d = decide(lockbit(Tlp::amber), request("jp.ncs", ReaderRole::analyst, "incident_coordination"));
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_TRUE(d.identity_visible);  // the agency sees who reported
  // AMBER+STRICT: no early warning to others (it passes information on), and clearance 1.
  expect_refused(decide(lockbit(Tlp::amber_strict), request("jp.ncs", ReaderRole::analyst, "early_warning", 5)),
                 "purpose 'early_warning' may read up to TLP:AMBER; this report is TLP:AMBER+STRICT");
  expect_refused(decide(lockbit(Tlp::amber_strict), request("jp.meti", ReaderRole::analyst, "cybersecurity_analysis", 0)),
                 "TLP:AMBER+STRICT needs clearance 1; the reader has 0");
  EXPECT_TRUE(decide(lockbit(Tlp::amber_strict), request("jp.meti", ReaderRole::analyst, "cybersecurity_analysis", 1)).allowed);
  // RED: recipients with clearance 2; statistics do not read RED reports.
  expect_refused(decide(lockbit(Tlp::red), request("jp.npa", ReaderRole::analyst, "cybersecurity_analysis", 1)),
                 "TLP:RED needs clearance 2");
  EXPECT_TRUE(decide(lockbit(Tlp::red), request("jp.npa", ReaderRole::analyst, "cybersecurity_analysis", 2)).allowed);
  expect_refused(decide(lockbit(Tlp::red), request("jp.ncs", ReaderRole::analyst, "statistics", 9)),
                 "purpose 'statistics' may read up to TLP:AMBER+STRICT");
  // Not anonymous: every allowed reader sees the reporter.
  EXPECT_TRUE(decide(lockbit(Tlp::amber, false), request("jp.meti", ReaderRole::analyst, "cybersecurity_analysis"))
                  .identity_visible);
}

TEST(Access, EarlyWarningRespectsTheReportersShareIndicatorsChoice) {
  ReportAccessInfo info = lockbit(Tlp::amber);
  EXPECT_TRUE(decide(info, request("jp.ncs", ReaderRole::analyst, "early_warning")).allowed);
  info.handling.share_indicators = false;
  expect_refused(decide(info, request("jp.ncs", ReaderRole::analyst, "early_warning")),
                 "the reporter does not allow this report's indicators to be passed on");
  // Analysis that keeps the information in house is unaffected.
  EXPECT_TRUE(decide(info, request("jp.ncs", ReaderRole::analyst, "cybersecurity_analysis")).allowed);
}

TEST(Access, OversightReadsBeyondTheRecipientsButNeedsClearance) {
  auto d = decide(lockbit(Tlp::red), request("oversight-commission", ReaderRole::overseer, "oversight", 2));
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_FALSE(d.identity_visible);
  expect_refused(decide(lockbit(Tlp::red), request("oversight-commission", ReaderRole::overseer, "oversight", 1)),
                 "TLP:RED needs clearance 2");
  expect_refused(decide(lockbit(Tlp::amber), request("oversight-commission", ReaderRole::analyst, "oversight", 5)),
                 "role 'analyst' may not read for purpose 'oversight'");
}

TEST(Access, TheReporterCanNarrowThePurposes) {
  ReportAccessInfo info = lockbit(Tlp::green);
  info.handling.permitted_purposes = {"cybersecurity_analysis", "incident_coordination"};
  expect_refused(decide(info, request("jp.ncs", ReaderRole::analyst, "statistics")),
                 "the reporter has not permitted purpose 'statistics' for this report");
  EXPECT_TRUE(decide(info, request("jp.ncs", ReaderRole::analyst, "incident_coordination")).allowed);
  // Narrowing cannot widen: a forbidden purpose stays forbidden even if listed.
  info.handling.permitted_purposes.push_back("commercial_use");
  expect_refused(decide(info, request("org-x", ReaderRole::operator_, "commercial_use")), "is never allowed");
}

TEST(Access, EveryDecisionIsRecorded) {
  const auto req = request("jp.meti", ReaderRole::analyst, "sanctions_against_reporter", 5);
  const auto d = decide(lockbit(), req);
  const AccessRecord& r = d.record;
  EXPECT_EQ(r.report_id, "rpt-lb-1");
  EXPECT_EQ(r.incident_id, "rpt-lb-1");
  EXPECT_EQ(r.reporter_organisation, "org-kansai-grid");
  EXPECT_EQ(r.reader_id, "user:jp.meti/alice");
  EXPECT_EQ(r.reader_organisation, "jp.meti");
  EXPECT_EQ(r.reader_role, ReaderRole::analyst);
  EXPECT_EQ(r.purpose, "sanctions_against_reporter");
  EXPECT_EQ(r.time, at("2025-03-01T10:00:00Z"));
  EXPECT_FALSE(r.allowed);
}

TEST(Access, LedgerBodyHoldsHashesAndIdsOnly) {
  AccessRequest req = request("jp.meti", ReaderRole::analyst, "cybersecurity_analysis");
  req.reader.id = "alice.tanaka@meti.example";  // a person's identifier
  const auto d = decide(lockbit(), req);
  auto body = access_ledger_body(d.record);
  ASSERT_TRUE(body) << body.error().message;
  const std::string hash = crypto::hex_encode(crypto::sha256(std::string_view("alice.tanaka@meti.example")));
  EXPECT_EQ(*body, R"({"decision":"allowed","incident":"rpt-lb-1","purpose":"cybersecurity_analysis",)"
                   R"("reader_org":"jp.meti","reader_role":"analyst","reader_sha256":")" +
                       hash + R"(","report":"rpt-lb-1","reporter_org":"org-kansai-grid","time_ns":1740823200000000000})");
  EXPECT_EQ(body->find("alice"), std::string::npos);
  EXPECT_EQ(*ledger::canonicalize_body(*body), *body);  // already canonical
  EXPECT_EQ(access_ledger_actor(d.record), "analyst:jp.meti");
  EXPECT_TRUE(ledger::validate_actor(access_ledger_actor(d.record)));
  EXPECT_TRUE(ledger::validate_kind(ledger::kinds::report_access));
}

TEST(Access, ReporterListsWhoReadItsReportAndWhy) {
  const ReportAccessInfo info = lockbit();
  std::vector<AccessRecord> log;
  auto add = [&](AccessRequest req, TimeNs t) {
    req.time = t;
    log.push_back(decide(info, req).record);
  };
  add(request("jp.meti", ReaderRole::analyst, "cybersecurity_analysis"), at("2025-03-01T12:00:00Z"));
  add(request("jp.ncs", ReaderRole::analyst, "incident_coordination"), at("2025-03-01T11:00:00Z"));
  add(request("org-kansai-grid", ReaderRole::operator_, ""), at("2025-03-01T11:30:00Z"));  // its own read
  add(request("jp.meti", ReaderRole::analyst, "regulatory_enforcement"), at("2025-03-01T13:00:00Z"));
  log.push_back(AccessRecord{"rpt-other", "rpt-other", "org-x", "u", "jp.ncs", ReaderRole::analyst, "statistics", 1, true, ""});

  auto reads = reads_of_report(log, info, "org-kansai-grid");
  ASSERT_TRUE(reads) << reads.error().message;
  ASSERT_EQ(reads->size(), 3u);
  EXPECT_EQ((*reads)[0].reader_organisation, "jp.ncs");  // oldest first
  EXPECT_EQ((*reads)[1].purpose, "cybersecurity_analysis");
  EXPECT_EQ((*reads)[2].purpose, "regulatory_enforcement");
  EXPECT_FALSE((*reads)[2].allowed);  // attempts that were refused are listed too

  const std::string json = access_log_to_json(*reads);
  EXPECT_EQ(json.find("alice"), std::string::npos) << json;  // reader ids are not shown
  EXPECT_NE(json.find(R"({"report":"rpt-lb-1","reader_organisation":"jp.ncs","reader_role":"analyst",)"
                      R"("purpose":"incident_coordination","time":"2025-03-01T11:00:00.000000000Z","decision":"allowed",)"),
            std::string::npos)
      << json;

  auto other = reads_of_report(log, info, "jp.meti");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("only the reporting organisation"), std::string::npos);
}

TEST(Access, AccessInfoFromAFanOut) {
  Report r;
  r.id = "rpt-2";
  r.stage = Stage::follow_up;
  r.follow_up.incident = "rpt-1";
  r.organisation = "org-a";
  r.handling.tlp = Tlp::red;
  std::vector<Delivery> deliveries(2);
  deliveries[0].route.recipient = Recipient{"jp.ncs", "agency", RecipientKind::national_agency, true};
  deliveries[1].route.recipient = Recipient{"jp.mic", "MIC", RecipientKind::ministry, false};
  const ReportAccessInfo info = make_access_info(r, deliveries);
  EXPECT_EQ(info.report_id, "rpt-2");
  EXPECT_EQ(info.incident_id, "rpt-1");
  EXPECT_EQ(info.reporter_organisation, "org-a");
  EXPECT_EQ(info.handling.tlp, Tlp::red);
  EXPECT_EQ(info.recipient_organisations, (std::vector<std::string>{"jp.ncs", "jp.mic"}));
  EXPECT_EQ(info.identity_visible_organisations, (std::vector<std::string>{"jp.ncs"}));
}

TEST(AccessPolicy, CheckCatchesBrokenPolicies) {
  AccessPolicy p = policy();
  EXPECT_TRUE(p.check());
  AccessPolicy bad = p;
  bad.forbidden.push_back(ForbiddenPurpose{"statistics", "no"});
  auto e = bad.check();
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("both allowed and forbidden"), std::string::npos);
  bad = p;
  bad.purposes.push_back(bad.purposes.front());
  EXPECT_FALSE(bad.check());
  bad = p;
  bad.purposes[0].roles.clear();
  EXPECT_FALSE(bad.check());
  bad = p;
  bad.purposes[0].id = "Bad-Id";
  EXPECT_FALSE(bad.check());
  bad = p;
  bad.min_clearance = {0, 0, 3, 1, 2};  // AMBER+STRICT needing less than AMBER
  EXPECT_FALSE(bad.check());
  bad = p;
  bad.forbidden[0].reason.clear();
  EXPECT_FALSE(bad.check());
  EXPECT_EQ(parse_reader_role("operator"), ReaderRole::operator_);
  EXPECT_EQ(reader_role_name(ReaderRole::overseer), "overseer");
  EXPECT_FALSE(parse_reader_role("root"));
}

}  // namespace
}  // namespace mamori::report

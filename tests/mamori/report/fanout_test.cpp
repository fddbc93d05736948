#include "mamori/report/fanout.hpp"

#include <gtest/gtest.h>

#include <array>

#include "mamori/report/recipient_view.hpp"
#include "mamori/report/reporting_config.hpp"
#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

FanoutRules rules() {
  auto config = default_reporting_config();
  EXPECT_TRUE(config) << config.error().message;
  return config->fanout;
}

crypto::SigningKey hub_key() {
  std::array<std::uint8_t, 32> seed;
  seed.fill(42);
  return std::move(*crypto::SigningKey::from_seed("hub.mamori.example", crypto::KeyRole::hub, seed));
}

std::vector<std::string> recipient_ids(const std::vector<Route>& routes) {
  std::vector<std::string> out;
  for (const auto& r : routes) out.push_back(r.recipient.id);
  return out;
}

IncidentState incident_of(const Report& quick) {
  auto s = start_incident(quick);
  EXPECT_TRUE(s) << s.error().message;
  return *s;
}

TEST(Fanout, RansomwareAtAPowerCompanyReachesAgencyMinistryAndPolice) {
  const Report q = submit(kLockbitQuick, context("rpt-lb-1", "org-kansai-grid", kLockbitQuickReceived));
  const auto routes = route_report(rules(), power_company(), incident_of(q));
  EXPECT_EQ(recipient_ids(routes), (std::vector<std::string>{"jp.ncs", "jp.meti", "jp.npa"}));
  EXPECT_EQ(routes[0].reasons, (std::vector<std::string>{"national agency: receives every report"}));
  EXPECT_EQ(routes[1].reasons, (std::vector<std::string>{"sector ministry for sector 'electricity'"}));
  EXPECT_NE(routes[2].reasons[0].find("ransomware is a crime"), std::string::npos);
}

TEST(Fanout, EverySectorReachesItsMinistry) {
  const Report q = submit(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":"x"})",
                          context("rpt-1", "org-a", at("2025-03-01T09:00:00Z")));
  const std::map<std::string, std::string> expected{
      {"information_communication", "jp.mic"}, {"finance", "jp.fsa"},       {"aviation", "jp.mlit"},
      {"airports", "jp.mlit"},                 {"railways", "jp.mlit"},     {"electricity", "jp.meti"},
      {"gas", "jp.meti"},                      {"government", "jp.mic"},    {"medical", "jp.mhlw"},
      {"water", "jp.mlit"},                    {"logistics", "jp.mlit"},    {"chemicals", "jp.meti"},
      {"credit_cards", "jp.meti"},             {"petroleum", "jp.meti"},    {"ports", "jp.mlit"}};
  ASSERT_EQ(japan_ci_sectors().size(), expected.size());
  for (const auto& sector : japan_ci_sectors()) {
    ReporterProfile p{"org-a", std::string(sector.id), {"JP"}, false};
    EXPECT_EQ(recipient_ids(route_report(rules(), p, incident_of(q))),
              (std::vector<std::string>{"jp.ncs", expected.at(std::string(sector.id))}))
        << sector.id;
  }
  // An organisation outside the critical-infrastructure sectors still reports to the agency.
  ReporterProfile other{"org-a", "software_vendor", {"JP"}, false};
  EXPECT_EQ(recipient_ids(route_report(rules(), other, incident_of(q))), (std::vector<std::string>{"jp.ncs"}));
}

TEST(Fanout, PersonalDataBringsInThePrivacyCommissionOnceAndWithBothReasons) {
  const Report q = submit(R"({"incident_type":"data_leak","aware_at":"2025-03-01T08:00:00Z","contact":"x"})",
                          context("rpt-1", "org-hospital", at("2025-03-01T09:00:00Z")));
  ReporterProfile hospital{"org-hospital", "medical", {"JP"}, false};
  IncidentState s = incident_of(q);
  // A data leak whose personal-data question is still open already goes to the PPC.
  auto routes = route_report(rules(), hospital, s);
  EXPECT_EQ(recipient_ids(routes), (std::vector<std::string>{"jp.ncs", "jp.mhlw", "jp.ppc"}));
  // Confirmed: both PPC rules match, one route with both reasons.
  s.personal_data_involved = Answer::yes;
  routes = route_report(rules(), hospital, s);
  ASSERT_EQ(recipient_ids(routes), (std::vector<std::string>{"jp.ncs", "jp.mhlw", "jp.ppc"}));
  EXPECT_EQ(routes[2].reasons.size(), 2u);
  // Ruled out: no PPC.
  s.personal_data_involved = Answer::no;
  EXPECT_EQ(recipient_ids(route_report(rules(), hospital, s)), (std::vector<std::string>{"jp.ncs", "jp.mhlw"}));
  // Malware that turns out to involve personal data reaches the PPC through a follow-up.
  Report m = submit(R"({"incident_type":"malware","aware_at":"2025-03-01T08:00:00Z","contact":"x"})",
                    context("rpt-m", "org-hospital", at("2025-03-01T09:00:00Z")));
  IncidentState ms = incident_of(m);
  EXPECT_EQ(recipient_ids(route_report(rules(), hospital, ms)), (std::vector<std::string>{"jp.ncs", "jp.mhlw"}));
  Report f = submit(R"({"stage":"follow_up","incident":"rpt-m","sequence":1,"personal_data_involved":"yes"})",
                    context("rpt-m2", "org-hospital", at("2025-03-02T09:00:00Z")));
  auto applied = apply_follow_up(ms, f);
  ASSERT_TRUE(applied);
  EXPECT_EQ(recipient_ids(route_report(rules(), hospital, applied->state)),
            (std::vector<std::string>{"jp.ncs", "jp.mhlw", "jp.ppc"}));
}

TEST(Fanout, EachRecipientGetsItsViewAndAVerifiableReceipt) {
  const Report q = submit(kLockbitQuick, context("rpt-lb-1", "org-kansai-grid", kLockbitQuickReceived));
  const IncidentState s = incident_of(q);
  const auto key = hub_key();
  const TimeNs now = kLockbitQuickReceived + 3 * kNsPerMs;
  auto out = fan_out(q, s, power_company(), rules(), key, now);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->document, serialize_report(q));
  EXPECT_EQ(out->document_sha256, crypto::sha256(out->document));
  ASSERT_EQ(out->deliveries.size(), 3u);
  for (const auto& d : out->deliveries) {
    auto r = verify_receipt_for(d.signed_receipt, key.verifier(), d.route.recipient.id, out->document, d.view);
    ASSERT_TRUE(r) << d.route.recipient.id << ": " << r.error().message;
    EXPECT_EQ(r->report_id, "rpt-lb-1");
    EXPECT_EQ(r->incident_id, "rpt-lb-1");
    EXPECT_EQ(r->time, now);
    EXPECT_EQ(d.receipt, *r);
  }
  // The agency sees who reported; the ministry and the police do not.
  const Delivery& agency = out->deliveries[0];
  const Delivery& ministry = out->deliveries[1];
  EXPECT_TRUE(agency.identity_visible);
  EXPECT_FALSE(ministry.identity_visible);
  EXPECT_NE(agency.view.find(R"("reporter":{"anonymous":false,"organisation":"org-kansai-grid","sector":"electricity"})"),
            std::string::npos)
      << agency.view;
  EXPECT_NE(agency.view.find("CSIRT desk"), std::string::npos);
  EXPECT_EQ(ministry.view.find("org-kansai-grid"), std::string::npos) << ministry.view;
  EXPECT_EQ(ministry.view.find("CSIRT desk"), std::string::npos) << ministry.view;
  EXPECT_NE(ministry.view.find(R"("reporter":{"anonymous":true,"sector":"electricity"})"), std::string::npos);
  // The view keeps everything else.
  EXPECT_NE(ministry.view.find(R"("incident_type":"ransomware")"), std::string::npos);
  EXPECT_NE(ministry.view.find(R"("tlp":"AMBER")"), std::string::npos);
  // A receipt for the ministry's view does not vouch for the agency's.
  EXPECT_FALSE(verify_receipt_for(ministry.signed_receipt, key.verifier(), "jp.meti", out->document, agency.view));
}

TEST(Fanout, ReportersWhoWaiveAnonymityAreNamedToEveryone) {
  const Report q = submit(kDdosQuick, context("rpt-dd-1", "org-example-isp", at("2025-06-10T03:15:00Z")));
  auto out = fan_out(q, incident_of(q), telecom_operator(), rules(), hub_key(), at("2025-06-10T03:15:01Z"));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->deliveries.size(), 2u);  // agency and MIC; DDoS goes to no police by default
  for (const auto& d : out->deliveries) {
    EXPECT_TRUE(d.identity_visible);
    EXPECT_NE(d.view.find("org-example-isp"), std::string::npos);
    EXPECT_NE(d.view.find("noc@example-isp.example"), std::string::npos);
  }
}

TEST(Fanout, AnonymousFollowUpViewDropsTheCorrectedContact) {
  const Report f = submit(R"({"stage":"follow_up","incident":"rpt-1","sequence":1,"contact":"Mr. Tanaka, 090-0000-0000"})",
                          context("rpt-2", "org-a", at("2025-03-01T09:00:00Z")));
  const std::string view = recipient_view(f, ReporterProfile{"org-a", "gas", {"JP"}, false}, false);
  EXPECT_EQ(view.find("Tanaka"), std::string::npos) << view;
  EXPECT_EQ(view.find("org-a"), std::string::npos) << view;
  EXPECT_NE(recipient_view(f, ReporterProfile{"org-a", "gas", {"JP"}, false}, true).find("Tanaka"), std::string::npos);
}

TEST(Fanout, RefusesMismatchedInputs) {
  const Report q = submit(kLockbitQuick, context("rpt-lb-1", "org-kansai-grid", kLockbitQuickReceived));
  IncidentState s = incident_of(q);
  ReporterProfile wrong = power_company();
  wrong.organisation = "org-other";
  EXPECT_FALSE(fan_out(q, s, wrong, rules(), hub_key(), 1));
  s.incident_id = "rpt-other";
  EXPECT_FALSE(fan_out(q, s, power_company(), rules(), hub_key(), 1));
}

TEST(FanoutRules, CheckCatchesBrokenConfigurations) {
  FanoutRules r = rules();
  EXPECT_TRUE(r.check());
  FanoutRules bad = r;
  bad.national_agency = "jp.nobody";
  EXPECT_FALSE(bad.check());
  bad = r;
  bad.sector_ministry["gas"] = "jp.nobody";
  EXPECT_FALSE(bad.check());
  bad = r;
  bad.rules.push_back(FanoutRule{"x", "jp.nobody", "", {}});
  EXPECT_FALSE(bad.check());
  bad = r;
  bad.rules.push_back(FanoutRule{"everything", "jp.npa", "", {}});
  auto e = bad.check();
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("has no condition"), std::string::npos);
  bad = r;
  bad.recipients.push_back(bad.recipients.front());
  EXPECT_FALSE(bad.check());
  bad = r;
  bad.recipients.push_back(Recipient{"bad id", "x", RecipientKind::other, false});
  EXPECT_FALSE(bad.check());
}

}  // namespace
}  // namespace mamori::report

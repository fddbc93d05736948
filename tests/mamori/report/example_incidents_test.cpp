// End to end, the way the hub will drive the library: a quick report filed
// in under a minute, fanned out with receipts, then a follow-up with the
// ransomware or DDoS form, indicators, deadlines and purpose-bound reads.
#include <gtest/gtest.h>

#include <array>
#include <chrono>

#include "mamori/report/access.hpp"
#include "mamori/report/deadlines.hpp"
#include "mamori/report/fanout.hpp"
#include "mamori/report/indicators.hpp"
#include "mamori/report/reporting_config.hpp"
#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

crypto::SigningKey hub_key() {
  std::array<std::uint8_t, 32> seed;
  seed.fill(1);
  return std::move(*crypto::SigningKey::from_seed("hub.mamori.example", crypto::KeyRole::hub, seed));
}

std::vector<std::string> recipients(const FanoutResult& out) {
  std::vector<std::string> ids;
  for (const auto& d : out.deliveries) ids.push_back(d.route.recipient.id);
  return ids;
}

TEST(ExampleIncident, LockbitRansomwareAtAPowerCompany) {
  const auto config = default_reporting_config();
  ASSERT_TRUE(config) << config.error().message;
  const auto key = hub_key();
  const ReporterProfile reporter = power_company();

  // 速報: parsed, validated, routed, receipted.
  const auto started = std::chrono::steady_clock::now();
  auto quick = parse_submission(kLockbitQuick, context("rpt-lb-1", reporter.organisation, kLockbitQuickReceived));
  ASSERT_TRUE(quick) << quick.error().message;
  auto incident = start_incident(*quick);
  ASSERT_TRUE(incident);
  auto out = fan_out(*quick, *incident, reporter, config->fanout, key, kLockbitQuickReceived);
  ASSERT_TRUE(out) << out.error().message;
  // Quick report to every receipt: far inside the one-second goal.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_EQ(recipients(*out), (std::vector<std::string>{"jp.ncs", "jp.meti", "jp.npa"}));
  for (const auto& d : out->deliveries)
    EXPECT_TRUE(verify_receipt_for(d.signed_receipt, key.verifier(), d.route.recipient.id, out->document, d.view));

  // 続報 with the ransomware form.
  const TimeNs t1 = at("2025-03-01T06:00:00Z");
  auto follow = parse_submission(lockbit_follow_up("rpt-lb-1"),
                                 context("rpt-lb-2", reporter.organisation, t1, &incident->handling));
  ASSERT_TRUE(follow) << follow.error().message;
  auto applied = apply_follow_up(*incident, *follow);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(applied->report.follow_up.changed_fields, (std::vector<std::string>{"service_impact"}));
  auto out2 = fan_out(applied->report, applied->state, reporter, config->fanout, key, t1);
  ASSERT_TRUE(out2);
  EXPECT_EQ(recipients(*out2), (std::vector<std::string>{"jp.ncs", "jp.meti", "jp.npa"}));
  EXPECT_NE(out2->document.find(R"("changed_fields":["service_impact"])"), std::string::npos);

  // Indicators for correlation: wallets among them (R-VEN 3).
  const IndicatorSet ind = report_indicators(applied->report);
  std::size_t wallets = 0;
  for (const auto& i : ind.indicators())
    wallets += i.type == IndicatorType::bitcoin_address || i.type == IndicatorType::monero_address;
  EXPECT_EQ(wallets, 2u);

  // Deadlines under the Japanese default: 速報 met in 10 minutes, 続報 met, 確報 pending.
  const auto ds = compute_deadlines(config->deadlines, reporter, applied->state);
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds[0].status_at(t1), DeadlineStatus::met);
  EXPECT_EQ(ds[1].status_at(t1), DeadlineStatus::met);
  EXPECT_EQ(ds[2].status_at(t1), DeadlineStatus::pending);
  EXPECT_EQ(ds[2].due, at("2025-03-30T17:10:00Z"));
  EXPECT_EQ(overdue_at(ds, at("2025-04-01T00:00:00Z")).size(), 1u);

  // The police read for analysis (allowed, anonymised); a ministry asking for
  // enforcement is refused; the reporter sees both.
  const ReportAccessInfo info = make_access_info(applied->report, out2->deliveries);
  std::vector<AccessRecord> log;
  auto police = decide_access(config->access, info,
                              AccessRequest{Reader{"npa-analyst-7", "jp.npa", ReaderRole::analyst, 1},
                                            "cybersecurity_analysis", at("2025-03-01T07:00:00Z")});
  EXPECT_TRUE(police.allowed) << police.reason;
  EXPECT_FALSE(police.identity_visible);
  log.push_back(police.record);
  auto ministry = decide_access(config->access, info,
                                AccessRequest{Reader{"meti-staff-3", "jp.meti", ReaderRole::analyst, 1},
                                              "regulatory_enforcement", at("2025-03-01T08:00:00Z")});
  EXPECT_FALSE(ministry.allowed);
  log.push_back(ministry.record);
  for (const auto& r : log) EXPECT_TRUE(access_ledger_body(r));
  auto reads = reads_of_report(log, info, reporter.organisation);
  ASSERT_TRUE(reads);
  EXPECT_EQ(reads->size(), 2u);
}

TEST(ExampleIncident, DnsAmplificationAgainstATelecomOperator) {
  const auto config = default_reporting_config();
  ASSERT_TRUE(config);
  const auto key = hub_key();
  ReporterProfile reporter = telecom_operator();
  reporter.jurisdictions.push_back("EU");  // also operates an EU network: NIS2 applies too

  auto quick = parse_submission(kDdosQuick, context("rpt-dd-1", reporter.organisation, at("2025-06-10T03:15:00Z")));
  ASSERT_TRUE(quick) << quick.error().message;
  auto incident = start_incident(*quick);
  ASSERT_TRUE(incident);
  auto follow = parse_submission(ddos_follow_up("rpt-dd-1"),
                                 context("rpt-dd-2", reporter.organisation, at("2025-06-10T05:00:00Z"), &incident->handling));
  ASSERT_TRUE(follow) << follow.error().message;
  EXPECT_EQ(follow->handling.tlp, Tlp::green);  // inherited
  auto applied = apply_follow_up(*incident, *follow);
  ASSERT_TRUE(applied);
  auto out = fan_out(applied->report, applied->state, reporter, config->fanout, key, at("2025-06-10T05:00:00Z"));
  ASSERT_TRUE(out);
  EXPECT_EQ(recipients(*out), (std::vector<std::string>{"jp.ncs", "jp.mic"}));
  EXPECT_NE(out->document.find(R"("techniques":["T1498.001","T1498.002"])"), std::string::npos);

  const IndicatorSet ind = report_indicators(applied->report);
  std::vector<std::string> values;
  for (const auto& i : ind.indicators()) values.push_back(i.value);
  for (const char* v : {"203.0.113.10", "www.example-isp.example", "198.51.100.0/24", "192.0.2.53", "192.0.2.54",
                        "2001:db8::53", "amp.attacker-dns.example"})
    EXPECT_NE(std::find(values.begin(), values.end(), v), values.end()) << v;

  const auto ds = compute_deadlines(config->deadlines, reporter, applied->state);
  std::vector<std::string> stages;
  for (const auto& d : ds) stages.push_back(d.regime + "/" + d.stage + "/" + std::string(deadline_status_name(d.status_at(at("2025-06-10T05:00:00Z")))));
  EXPECT_EQ(stages, (std::vector<std::string>{"jp-default/quick_report/met", "jp-default/follow_up/met",
                                              "jp-default/final_report/pending", "nis2/early_warning/met",
                                              "nis2/incident_notification/met", "nis2/final_report/pending"}));

  // TLP:GREEN and not anonymous: another operator may read it for analysis, and sees who reported.
  const ReportAccessInfo info = make_access_info(applied->report, out->deliveries);
  auto peer = decide_access(config->access, info,
                            AccessRequest{Reader{"peer-soc", "org-other-isp", ReaderRole::operator_, 0},
                                          "cybersecurity_analysis", at("2025-06-10T06:00:00Z")});
  EXPECT_TRUE(peer.allowed) << peer.reason;
  EXPECT_TRUE(peer.identity_visible);
}

}  // namespace
}  // namespace mamori::report

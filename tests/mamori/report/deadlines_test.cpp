#include "mamori/report/deadlines.hpp"

#include <gtest/gtest.h>

#include "mamori/report/reporting_config.hpp"
#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

DeadlineRules rules() {
  auto config = default_reporting_config();
  EXPECT_TRUE(config) << config.error().message;
  return config->deadlines;
}

TEST(Period, ParseAndFormat) {
  EXPECT_EQ(*parse_period("24h"), (Period{24, Period::Unit::hours}));
  EXPECT_EQ(*parse_period("90min"), (Period{90, Period::Unit::minutes}));
  EXPECT_EQ(*parse_period("30d"), (Period{30, Period::Unit::days}));
  EXPECT_EQ(*parse_period("1month"), (Period{1, Period::Unit::months}));
  EXPECT_EQ(*parse_period("3months"), (Period{3, Period::Unit::months}));
  EXPECT_EQ(format_period(*parse_period("1mo")), "1mo");
  EXPECT_EQ(format_period(*parse_period("72h")), "72h");
  EXPECT_FALSE(parse_period(""));
  EXPECT_FALSE(parse_period("h"));
  EXPECT_FALSE(parse_period("24"));
  EXPECT_FALSE(parse_period("24 hours"));
  EXPECT_FALSE(parse_period("1y"));
  EXPECT_FALSE(parse_period("1201mo"));
  EXPECT_FALSE(parse_period("99999999h"));
}

TEST(Period, UtcArithmeticHasNoDaylightSaving) {
  // 2025-03-30 is the EU's spring-forward day and 2025-11-02 the US fall-back:
  // in UTC a day is still 24 hours and 72 hours are still 72 hours.
  EXPECT_EQ(add_period(at("2025-03-29T12:00:00Z"), *parse_period("24h")), at("2025-03-30T12:00:00Z"));
  EXPECT_EQ(add_period(at("2025-03-29T12:00:00Z"), *parse_period("1d")), at("2025-03-30T12:00:00Z"));
  EXPECT_EQ(add_period(at("2025-11-01T06:30:00Z"), *parse_period("72h")), at("2025-11-04T06:30:00Z"));
  EXPECT_EQ(add_period(at("2025-03-01T00:00:00Z"), *parse_period("90m")), at("2025-03-01T01:30:00Z"));
}

TEST(Period, CalendarMonthsClampToTheMonthEnd) {
  EXPECT_EQ(add_period(at("2025-01-15T10:00:00Z"), *parse_period("1mo")), at("2025-02-15T10:00:00Z"));
  EXPECT_EQ(add_period(at("2025-01-31T10:00:00Z"), *parse_period("1mo")), at("2025-02-28T10:00:00Z"));
  EXPECT_EQ(add_period(at("2024-01-31T10:00:00Z"), *parse_period("1mo")), at("2024-02-29T10:00:00Z"));  // leap year
  EXPECT_EQ(add_period(at("2025-12-31T23:59:59.5Z"), *parse_period("1mo")), at("2026-01-31T23:59:59.5Z"));
  EXPECT_EQ(add_period(at("2025-03-31T00:00:00Z"), *parse_period("1mo")), at("2025-04-30T00:00:00Z"));
  EXPECT_EQ(add_period(at("2025-08-31T00:00:00Z"), *parse_period("6mo")), at("2026-02-28T00:00:00Z"));
  // Saturates instead of wrapping.
  EXPECT_EQ(add_period(~TimeNs{0} - 5, *parse_period("1h")), ~TimeNs{0});
  EXPECT_EQ(add_period(~TimeNs{0} - 5, *parse_period("1200mo")), ~TimeNs{0});
}

// A quick report (and optionally follow-ups) for an organisation in `jurisdictions`.
struct Case {
  ReporterProfile reporter;
  IncidentState incident;
};

Case make_case(std::vector<std::string> jurisdictions, std::string_view quick_json, TimeNs received) {
  Case c{ReporterProfile{"org-a", "electricity", std::move(jurisdictions), true}, {}};
  Report q = submit(quick_json, context("rpt-q", "org-a", received));
  c.incident = *start_incident(q);
  return c;
}

void follow(Case& c, std::string_view json, std::string id, TimeNs received) {
  Report f = submit(json, context(std::move(id), "org-a", received));
  auto a = apply_follow_up(c.incident, f);
  ASSERT_TRUE(a) << a.error().message;
  c.incident = a->state;
}

const Deadline* find(const std::vector<Deadline>& ds, std::string_view regime, std::string_view stage) {
  for (const auto& d : ds)
    if (d.regime == regime && d.stage == stage) return &d;
  return nullptr;
}

constexpr std::string_view kQuick =
    R"({"incident_type":"malware","aware_at":"2025-03-01T00:00:00Z","contact":"x","service_impact":"degraded"})";

TEST(Deadlines, Nis2EarlyWarningNotificationAndFinalReport) {
  Case c = make_case({"EU"}, kQuick, at("2025-03-01T02:00:00Z"));
  auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  ASSERT_EQ(ds.size(), 3u);  // NIS2 only: not JP, US or AU
  const Deadline* ew = find(ds, "nis2", "early_warning");
  ASSERT_NE(ew, nullptr);
  EXPECT_EQ(ew->anchor_time, at("2025-03-01T00:00:00Z"));
  EXPECT_EQ(ew->due, at("2025-03-02T00:00:00Z"));
  EXPECT_EQ(ew->met_at, at("2025-03-01T02:00:00Z"));
  EXPECT_EQ(ew->met_by_report, "rpt-q");
  EXPECT_EQ(ew->status_at(at("2025-03-10T00:00:00Z")), DeadlineStatus::met);
  const Deadline* notif = find(ds, "nis2", "incident_notification");
  ASSERT_NE(notif, nullptr);
  EXPECT_EQ(notif->due, at("2025-03-04T00:00:00Z"));
  EXPECT_FALSE(notif->met_at);
  EXPECT_EQ(notif->status_at(at("2025-03-03T23:59:59Z")), DeadlineStatus::pending);
  EXPECT_EQ(notif->status_at(at("2025-03-04T00:00:01Z")), DeadlineStatus::overdue);
  // Not yet notified: the final report runs from the notification's due date.
  const Deadline* fin = find(ds, "nis2", "final_report");
  ASSERT_NE(fin, nullptr);
  EXPECT_EQ(fin->anchor_time, at("2025-03-04T00:00:00Z"));
  EXPECT_EQ(fin->due, at("2025-04-04T00:00:00Z"));

  // Notified after 50 hours: the final report is due a calendar month after that.
  follow(c, R"({"stage":"follow_up","incident":"rpt-q","sequence":1,"description":"details"})", "rpt-f1",
         at("2025-03-03T02:00:00Z"));
  ds = compute_deadlines(rules(), c.reporter, c.incident);
  notif = find(ds, "nis2", "incident_notification");
  EXPECT_EQ(notif->met_at, at("2025-03-03T02:00:00Z"));
  EXPECT_EQ(notif->status_at(at("2025-03-20T00:00:00Z")), DeadlineStatus::met);
  fin = find(ds, "nis2", "final_report");
  EXPECT_EQ(fin->anchor_time, at("2025-03-03T02:00:00Z"));
  EXPECT_EQ(fin->due, at("2025-04-03T02:00:00Z"));
  EXPECT_EQ(fin->status_at(at("2025-04-03T02:00:01Z")), DeadlineStatus::overdue);
}

TEST(Deadlines, LateIsNotTheSameAsOverdue) {
  Case c = make_case({"EU"}, kQuick, at("2025-03-02T06:00:00Z"));  // 30 hours after awareness
  const auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  const Deadline* ew = find(ds, "nis2", "early_warning");
  ASSERT_NE(ew, nullptr);
  EXPECT_EQ(ew->status_at(at("2025-03-05T00:00:00Z")), DeadlineStatus::late);
  EXPECT_TRUE(overdue_at(ds, at("2025-03-05T00:00:00Z")).size() == 1);  // only the notification
}

TEST(Deadlines, CirciaRansomPaymentClockStartsAtThePayment) {
  Case c = make_case({"US"}, R"({"incident_type":"ransomware","aware_at":"2025-03-01T00:00:00Z","contact":"x"})",
                     at("2025-03-01T01:00:00Z"));
  auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  ASSERT_EQ(ds.size(), 1u);  // no payment, no payment report due
  EXPECT_EQ(ds[0].stage, "covered_incident");
  EXPECT_EQ(ds[0].due, at("2025-03-04T00:00:00Z"));
  EXPECT_FALSE(ds[0].met_at);  // a quick report is not a covered-incident report

  follow(c, R"({"stage":"follow_up","incident":"rpt-q","sequence":1,
               "ransomware":{"ransom_paid":"yes","ransom_paid_at":"2025-03-05T10:00:00Z"}})",
         "rpt-f1", at("2025-03-06T12:00:00Z"));
  ds = compute_deadlines(rules(), c.reporter, c.incident);
  const Deadline* pay = find(ds, "circia", "ransom_payment");
  ASSERT_NE(pay, nullptr);
  EXPECT_EQ(pay->anchor_time, at("2025-03-05T10:00:00Z"));
  EXPECT_EQ(pay->due, at("2025-03-06T10:00:00Z"));
  EXPECT_EQ(pay->met_at, at("2025-03-06T12:00:00Z"));
  EXPECT_EQ(pay->status_at(at("2025-03-07T00:00:00Z")), DeadlineStatus::late);
  const Deadline* covered = find(ds, "circia", "covered_incident");
  EXPECT_EQ(covered->status_at(at("2025-03-07T00:00:00Z")), DeadlineStatus::late);  // follow-up came after 72 h
}

TEST(Deadlines, PaymentWithoutATimeRunsFromTheReportThatDisclosedIt) {
  Case c = make_case({"US"}, R"({"incident_type":"ransomware","aware_at":"2025-03-01T00:00:00Z","contact":"x"})",
                     at("2025-03-01T01:00:00Z"));
  follow(c, R"({"stage":"follow_up","incident":"rpt-q","sequence":1,"ransomware":{"ransom_paid":"yes"}})", "rpt-f1",
         at("2025-03-02T08:00:00Z"));
  const auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  const Deadline* pay = find(ds, "circia", "ransom_payment");
  ASSERT_NE(pay, nullptr);
  EXPECT_EQ(pay->anchor_time, at("2025-03-02T08:00:00Z"));
  EXPECT_EQ(pay->status_at(at("2025-03-02T08:00:00Z")), DeadlineStatus::met);
}

TEST(Deadlines, SociTwelveHoursForSignificantImpactOtherwiseSeventyTwo) {
  Case c = make_case({"AU"}, R"({"incident_type":"ddos","aware_at":"2025-03-01T00:00:00Z","contact":"x",
                                "service_impact":"outage"})",
                     at("2025-03-01T13:00:00Z"));
  auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].stage, "significant_impact");
  EXPECT_EQ(ds[0].due, at("2025-03-01T12:00:00Z"));
  EXPECT_EQ(ds[0].status_at(at("2025-03-02T00:00:00Z")), DeadlineStatus::late);

  Case d = make_case({"AU"}, kQuick, at("2025-03-01T13:00:00Z"));
  ds = compute_deadlines(rules(), d.reporter, d.incident);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].stage, "relevant_impact");
  EXPECT_EQ(ds[0].due, at("2025-03-04T00:00:00Z"));
  EXPECT_EQ(ds[0].status_at(at("2025-03-02T00:00:00Z")), DeadlineStatus::met);
  // The impact turns out to be an outage: the 12-hour stage applies after the fact.
  follow(d, R"({"stage":"follow_up","incident":"rpt-q","sequence":1,"service_impact":"outage"})", "rpt-f1",
         at("2025-03-01T20:00:00Z"));
  ds = compute_deadlines(rules(), d.reporter, d.incident);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].stage, "significant_impact");
  EXPECT_EQ(ds[0].status_at(at("2025-03-02T00:00:00Z")), DeadlineStatus::late);
}

TEST(Deadlines, JapaneseDefaultQuickFollowUpFinal) {
  Case c = make_case({"JP"}, kQuick, at("2025-03-01T00:20:00Z"));
  auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(find(ds, "jp-default", "quick_report")->status_at(at("2025-03-01T00:20:00Z")), DeadlineStatus::met);
  EXPECT_EQ(find(ds, "jp-default", "follow_up")->due, at("2025-03-04T00:00:00Z"));
  EXPECT_EQ(find(ds, "jp-default", "final_report")->due, at("2025-03-31T00:00:00Z"));
  // Overdue at a given time, earliest first.
  auto over = overdue_at(ds, at("2025-04-01T00:00:00Z"));
  ASSERT_EQ(over.size(), 2u);
  EXPECT_EQ(over[0].stage, "follow_up");
  EXPECT_EQ(over[1].stage, "final_report");
  EXPECT_TRUE(overdue_at(ds, at("2025-03-02T00:00:00Z")).empty());
  // A final report meets the follow-up stage too (a later stage meets an earlier one).
  follow(c, R"({"stage":"final","incident":"rpt-q","sequence":1,"description":"d","root_cause":"r","remediation":"m"})",
         "rpt-fin", at("2025-03-03T00:00:00Z"));
  ds = compute_deadlines(rules(), c.reporter, c.incident);
  EXPECT_TRUE(overdue_at(ds, at("2025-04-01T00:00:00Z")).empty());
  EXPECT_EQ(find(ds, "jp-default", "follow_up")->met_by_report, "rpt-fin");
}

TEST(Deadlines, PersonalDataAddsTheAppiRegime) {
  Case c = make_case({"JP"}, R"({"incident_type":"data_leak","aware_at":"2025-03-01T00:00:00Z","contact":"x",
                                "suspected_malicious":"yes"})",
                     at("2025-03-01T01:00:00Z"));
  EXPECT_EQ(find(compute_deadlines(rules(), c.reporter, c.incident), "jp-appi", "preliminary"), nullptr);
  follow(c, R"({"stage":"follow_up","incident":"rpt-q","sequence":1,"personal_data_involved":"yes"})", "rpt-f1",
         at("2025-03-02T00:00:00Z"));
  const auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  const Deadline* pre = find(ds, "jp-appi", "preliminary");
  ASSERT_NE(pre, nullptr);
  EXPECT_EQ(pre->due, at("2025-03-06T00:00:00Z"));
  EXPECT_EQ(pre->status_at(at("2025-03-10T00:00:00Z")), DeadlineStatus::met);
  // A wrongful purpose is suspected: 60 days, not 30.
  EXPECT_EQ(find(ds, "jp-appi", "final_30d"), nullptr);
  ASSERT_NE(find(ds, "jp-appi", "final_60d"), nullptr);
  EXPECT_EQ(find(ds, "jp-appi", "final_60d")->due, at("2025-04-30T00:00:00Z"));
}

TEST(Deadlines, SeveralJurisdictionsSeveralRegimes) {
  Case c = make_case({"JP", "EU", "US", "AU"}, kQuick, at("2025-03-01T00:30:00Z"));
  const auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  std::vector<std::string> regimes;
  for (const auto& d : ds)
    if (regimes.empty() || regimes.back() != d.regime) regimes.push_back(d.regime);
  EXPECT_EQ(regimes, (std::vector<std::string>{"jp-default", "nis2", "circia", "soci"}));
  EXPECT_TRUE(compute_deadlines(rules(), ReporterProfile{"org-a", "", {}, false}, c.incident).empty());
}

TEST(Deadlines, JsonOutput) {
  Case c = make_case({"AU"}, kQuick, at("2025-03-01T01:00:00Z"));
  const auto ds = compute_deadlines(rules(), c.reporter, c.incident);
  EXPECT_EQ(deadlines_to_json(ds, at("2025-03-01T02:00:00Z")),
            R"([{"incident":"rpt-q","regime":"soci","regime_name":"Australia SOCI Act: critical infrastructure cyber security incident",)"
            R"("stage":"relevant_impact","stage_name":"Other cyber security incident (relevant impact), s 30BD",)"
            R"("anchor":"2025-03-01T00:00:00.000000000Z","due":"2025-03-04T00:00:00.000000000Z","status":"met",)"
            R"("met_at":"2025-03-01T01:00:00.000000000Z","met_by":"rpt-q"}])");
}

TEST(DeadlineRules, CheckCatchesBrokenRegimes) {
  DeadlineRules r = rules();
  EXPECT_TRUE(r.check());
  DeadlineRules bad = r;
  bad.regimes.push_back(bad.regimes.front());
  EXPECT_FALSE(bad.check());
  bad = r;
  bad.regimes[0].stages[0].anchor = DeadlineAnchor::stage;
  bad.regimes[0].stages[0].anchor_stage = "final_report";  // a later stage
  auto e = bad.check();
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("which is not an earlier stage"), std::string::npos);
  bad = r;
  bad.regimes[0].stages[1].anchor_stage = "quick_report";  // named but anchor is awareness
  EXPECT_FALSE(bad.check());
  bad = r;
  bad.regimes[0].stages.push_back(bad.regimes[0].stages[0]);
  EXPECT_FALSE(bad.check());
  bad = r;
  bad.regimes[0].stages.clear();
  EXPECT_FALSE(bad.check());
}

}  // namespace
}  // namespace mamori::report

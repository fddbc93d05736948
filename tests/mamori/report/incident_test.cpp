#include "mamori/report/incident.hpp"

#include <gtest/gtest.h>

#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

Report quick() { return submit(kLockbitQuick, context("rpt-lb-1", "org-kansai-grid", kLockbitQuickReceived)); }

Report follow(std::string_view body, std::string id, TimeNs received, std::string org = "org-kansai-grid") {
  return submit(body, context(std::move(id), std::move(org), received));
}

TEST(Incident, StartsFromAQuickReport) {
  auto s = start_incident(quick());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->incident_id, "rpt-lb-1");
  EXPECT_EQ(s->organisation, "org-kansai-grid");
  EXPECT_EQ(s->current.incident_type, IncidentType::ransomware);
  EXPECT_EQ(s->latest_stage, Stage::quick);
  ASSERT_EQ(s->submissions.size(), 1u);
  EXPECT_EQ(s->submissions[0].received_at, kLockbitQuickReceived);
  EXPECT_FALSE(s->closed());

  Report f = follow(lockbit_follow_up("rpt-lb-1"), "rpt-lb-2", at("2025-03-01T06:00:00Z"));
  auto bad = start_incident(f);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("must be a quick report"), std::string::npos);
}

TEST(Incident, FollowUpAmendsAndSaysWhatChanged) {
  auto s = start_incident(quick());
  ASSERT_TRUE(s);
  Report f = follow(lockbit_follow_up("rpt-lb-1"), "rpt-lb-2", at("2025-03-01T06:00:00Z"));
  auto applied = apply_follow_up(*s, f);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(applied->report.follow_up.changed_fields, (std::vector<std::string>{"service_impact"}));
  EXPECT_EQ(applied->state.current.service_impact, ServiceImpact::outage);
  EXPECT_EQ(applied->state.last_sequence, 1u);
  EXPECT_EQ(applied->state.latest_stage, Stage::follow_up);
  EXPECT_EQ(applied->state.submissions.size(), 2u);
  // The changed fields travel with the stored document.
  EXPECT_NE(serialize_report(applied->report).find(R"("changed_fields":["service_impact"])"), std::string::npos);

  // Restating a value is not a change; a new answer is.
  Report f2 = follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":2,"service_impact":"outage",
                        "incident_type":"ransomware","personal_data_involved":"yes","contact":"new desk"})",
                     "rpt-lb-3", at("2025-03-02T06:00:00Z"));
  auto applied2 = apply_follow_up(applied->state, f2);
  ASSERT_TRUE(applied2) << applied2.error().message;
  EXPECT_EQ(applied2->report.follow_up.changed_fields, (std::vector<std::string>{"contact", "personal_data_involved"}));
  EXPECT_EQ(applied2->state.personal_data_involved, Answer::yes);
  EXPECT_EQ(applied2->state.current.contact, "new desk");
}

TEST(Incident, ChainRulesAreEnforced) {
  auto s = start_incident(quick());
  ASSERT_TRUE(s);
  const TimeNs t = at("2025-03-01T06:00:00Z");
  auto expect_refused = [&](const IncidentState& state, const Report& r, std::string_view why) {
    auto a = apply_follow_up(state, r);
    ASSERT_FALSE(a);
    EXPECT_NE(a.error().message.find(why), std::string::npos) << a.error().message;
  };
  expect_refused(*s, follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":2})", "r2", t),
                 "sequence 2 does not follow 0 (expected 1)");
  expect_refused(*s, follow(R"({"stage":"follow_up","incident":"rpt-other","sequence":1})", "r2", t),
                 "is for incident 'rpt-other'");
  expect_refused(*s, follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":1})", "r2", t, "org-intruder"),
                 "only the reporting organisation");
  expect_refused(*s, follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":1})", "r2", kLockbitQuickReceived - 1),
                 "received before the previous report");
  // Validation already refuses a follow-up carrying the quick report's id; ids
  // of earlier follow-ups are caught here.
  auto first = apply_follow_up(*s, follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":1})", "r2", t));
  ASSERT_TRUE(first);
  expect_refused(first->state, follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":2})", "r2", t),
                 "report id 'r2' is already used");
  expect_refused(*s, quick(), "a quick report cannot follow up");

  Report final = follow(R"({"stage":"final","incident":"rpt-lb-1","sequence":1,"description":"d","root_cause":"VPN",
                            "remediation":"patched"})",
                        "r2", t);
  auto closed = apply_follow_up(*s, final);
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_TRUE(closed->state.closed());
  expect_refused(closed->state, follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":2})", "r3", t),
                 "the final report has been filed");
}

TEST(Incident, RansomPaymentIsRecordedOnceWithTheFirstTime) {
  auto s = start_incident(quick());
  ASSERT_TRUE(s);
  Report paid = follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":1,
                           "ransomware":{"ransom_paid":"yes","ransom_paid_at":"2025-03-01T03:00:00Z"}})",
                       "r2", at("2025-03-01T06:00:00Z"));
  auto a = apply_follow_up(*s, paid);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->state.ransom_paid);
  EXPECT_EQ(a->state.ransom_paid_at, at("2025-03-01T03:00:00Z"));
  EXPECT_TRUE(a->state.submissions.back().reports_ransom_payment);
  EXPECT_EQ(a->report.follow_up.changed_fields, (std::vector<std::string>{"ransom_paid"}));
  Report later = follow(R"({"stage":"follow_up","incident":"rpt-lb-1","sequence":2,
                            "ransomware":{"ransom_paid":"yes","ransom_paid_at":"2025-03-01T05:00:00Z"}})",
                        "r3", at("2025-03-01T07:00:00Z"));
  auto b = apply_follow_up(a->state, later);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->state.ransom_paid_at, at("2025-03-01T03:00:00Z"));  // the clock is not reset
}

TEST(Incident, ReplayGivesTheSameState) {
  Report q = quick();
  Report f1 = follow(lockbit_follow_up("rpt-lb-1"), "rpt-lb-2", at("2025-03-01T06:00:00Z"));
  auto s = start_incident(q);
  auto a = apply_follow_up(*s, f1);
  ASSERT_TRUE(a);
  const std::vector<Report> chain{q, a->report};
  auto replayed = replay_incident(chain);
  ASSERT_TRUE(replayed) << replayed.error().message;
  EXPECT_EQ(*replayed, a->state);
  EXPECT_FALSE(replay_incident({}));
}

}  // namespace
}  // namespace mamori::report

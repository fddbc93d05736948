#include "mamori/report/reporting_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

std::string example_file() {
  std::ifstream in(source_root() / "config" / "reporting.example.toml", std::ios::binary);
  EXPECT_TRUE(in) << "config/reporting.example.toml not found under " << source_root();
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ReportingDefaults, ShippedTextIsTheExampleFile) {
  // Edit config/reporting.example.toml, then copy it into src/mamori/report/reporting_defaults.cpp.
  EXPECT_EQ(std::string(default_reporting_toml()), example_file());
}

TEST(ReportingDefaults, ParseAndCoverWhatTheBriefNames) {
  auto c = default_reporting_config();
  ASSERT_TRUE(c) << c.error().message;
  auto loaded = load_reporting_config((source_root() / "config" / "reporting.example.toml").string());
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->deadlines, c->deadlines);
  EXPECT_EQ(loaded->access, c->access);

  EXPECT_EQ(c->fanout.national_agency, "jp.ncs");
  ASSERT_NE(c->fanout.find("jp.ncs"), nullptr);
  EXPECT_TRUE(c->fanout.find("jp.ncs")->sees_reporter_identity);
  EXPECT_FALSE(c->fanout.find("jp.meti")->sees_reporter_identity);
  for (const auto& s : japan_ci_sectors())
    EXPECT_TRUE(c->fanout.sector_ministry.contains(std::string(s.id))) << s.id << " has no ministry";
  std::vector<std::string> regimes;
  for (const auto& r : c->deadlines.regimes) regimes.push_back(r.id);
  EXPECT_EQ(regimes, (std::vector<std::string>{"jp-default", "jp-appi", "nis2", "circia", "soci"}));
  EXPECT_EQ(c->access.purposes.size(), 5u);
  EXPECT_NE(c->access.find_forbidden("sanctions_against_reporter"), nullptr);
  EXPECT_EQ(c->access.min_clearance, (std::array<std::uint32_t, 5>{0, 0, 0, 1, 2}));
}

// The defaults with one line replaced, added or removed.
std::string edited(std::string_view from, std::string_view to) {
  std::string s(default_reporting_toml());
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

void expect_error(const std::string& toml, std::string_view message) {
  auto c = parse_reporting_config(toml);
  ASSERT_FALSE(c) << "accepted; expected: " << message;
  EXPECT_NE(c.error().message.find(message), std::string::npos) << c.error().message;
}

TEST(ReportingConfig, ErrorsNameTheTableAndKey) {
  expect_error("[[recipient]\n", "reporting config: line 1");
  expect_error(edited("national_agency = \"jp.ncs\"", "national_agency = \"jp.nobody\""),
               "national_agency 'jp.nobody' is not a recipient");
  expect_error(edited("national_agency = \"jp.ncs\"\n", ""), "fanout.national_agency: is required");
  expect_error(edited("recipient = \"jp.npa\"", "recipient = \"jp.police\""),
               "rule 'ransomware-to-police' names unknown recipient 'jp.police'");
  expect_error(edited("when.incident_types = [\"ransomware\"]", "when.incident_types = [\"ransom\"]"),
               "fanout.rule[0].when.incident_types: 'ransom' is not one of");
  expect_error(edited("when.incident_types = [\"ransomware\"]", "when.incident_kinds = [\"ransomware\"]"),
               "fanout.rule[0].when.incident_kinds: unknown key");
  expect_error(edited("kind = \"police\"", "kind = \"army\""), "recipient[6].kind: 'army' is not one of");
  expect_error(edited("kind = \"police\"", "kind = \"police\"\nsees_identity = true"), "recipient[6].sees_identity: unknown key");
  expect_error(edited("within = \"12h\"", "within = \"12 hours\""),
               "deadlines.regime[4].stage[0].within: unknown unit in period '12 hours'");
  expect_error(edited("anchor_stage = \"incident_notification\"", "anchor_stage = \"nothing\""),
               "stage 'final_report' runs from 'nothing', which is not an earlier stage");
  expect_error(edited("anchor_stage = \"incident_notification\"\n", ""),
               "deadlines.regime[2].stage[2].anchor_stage: is required");
  expect_error(edited("anchor = \"ransom_payment\"", "anchor = \"payday\""),
               "deadlines.regime[3].stage[1].anchor: 'payday' is not one of awareness, ransom_payment, stage");
  expect_error(edited("met_by = \"final\"", "met_by = \"last\""), "met_by: 'last' is not one of quick, follow_up, final");
  expect_error(edited("max_tlp = \"AMBER\"", "max_tlp = \"ORANGE\""), "access.purpose[2].max_tlp: 'ORANGE'");
  expect_error(edited("roles = [\"overseer\"]", "roles = [\"root\"]"), "access.purpose[4].roles: 'root' is not one of");
  expect_error(edited("id = \"publication\"", "id = \"statistics\""), "purpose 'statistics' is both allowed and forbidden");
  expect_error(edited("RED = 2", "RED = -1"), "access.min_clearance.RED: must be an integer from 0 to 1000");
  expect_error(edited("RED = 2", "RED = 0"), "TLP:RED needs less clearance than TLP:AMBER+STRICT");
  expect_error(edited("[access.min_clearance]", "[access.min_clearance]\nPURPLE = 3"), "access.min_clearance.PURPLE: unknown key");
  expect_error(std::string(default_reporting_toml()) + "\n[extra]\nx = 1\n", "extra: unknown key");
  expect_error(edited("[[fanout.rule]]\nname = \"personal-data-to-ppc\"\nrecipient = \"jp.ppc\"\n"
                      "reason = \"personal data is involved (APPI Art. 26 breach report)\"\nwhen.personal_data = [\"yes\"]",
                      "[[fanout.rule]]\nname = \"everything\"\nrecipient = \"jp.ppc\""),
               "rule 'everything' has no condition");
  expect_error("[fanout]\nnational_agency = \"a\"\n", "at least one [[recipient]] is required");
}

TEST(ReportingConfig, MinimalConfiguration) {
  auto c = parse_reporting_config(R"(
[[recipient]]
id = "agency"
name = "Agency"
kind = "national_agency"

[fanout]
national_agency = "agency"

[[access.purpose]]
id = "cybersecurity_analysis"
roles = ["analyst"]
max_tlp = "RED"
)");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->deadlines.regimes.empty());
  EXPECT_TRUE(c->fanout.rules.empty());
  EXPECT_FALSE(load_reporting_config("/nonexistent/reporting.toml"));
}

}  // namespace
}  // namespace mamori::report

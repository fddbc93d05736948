#include "mamori/report/vocabulary.hpp"

#include <gtest/gtest.h>

#include "mamori/report/reporter.hpp"
#include "mamori/report/tlp.hpp"

namespace mamori::report {
namespace {

template <class E>
void expect_round_trip(std::span<const std::string_view> names, std::string_view (*name)(E) noexcept,
                       std::optional<E> (*parse)(std::string_view) noexcept) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto e = parse(names[i]);
    ASSERT_TRUE(e) << names[i];
    EXPECT_EQ(static_cast<std::size_t>(*e), i);
    EXPECT_EQ(name(*e), names[i]);
  }
  EXPECT_FALSE(parse(""));
  EXPECT_FALSE(parse("Other"));  // exact wire names only
}

TEST(Vocabulary, EveryNameRoundTrips) {
  expect_round_trip(stage_names(), &stage_name, &parse_stage);
  expect_round_trip(incident_type_names(), &incident_type_name, &parse_incident_type);
  expect_round_trip(service_impact_names(), &service_impact_name, &parse_service_impact);
  expect_round_trip(answer_names(), &answer_name, &parse_answer);
  expect_round_trip(intrusion_vector_names(), &intrusion_vector_name, &parse_intrusion_vector);
  expect_round_trip(backup_status_names(), &backup_status_name, &parse_backup_status);
  expect_round_trip(ddos_vector_names(), &ddos_vector_name, &parse_ddos_vector);
  expect_round_trip(ddos_mitigation_names(), &ddos_mitigation_name, &parse_ddos_mitigation);
  // The brief's incident types are all there.
  for (auto t : {"ransomware", "ddos", "unauthorised_access", "data_leak", "malware", "service_outage_unknown_cause", "other"})
    EXPECT_TRUE(parse_incident_type(t)) << t;
}

TEST(Vocabulary, DdosVectorsMapToAttackTechniques) {
  EXPECT_EQ(ddos_vector_technique(DdosVector::dns_amplification), "T1498.002");
  EXPECT_EQ(ddos_vector_technique(DdosVector::memcached_amplification), "T1498.002");
  EXPECT_EQ(ddos_vector_technique(DdosVector::udp_flood), "T1498.001");
  EXPECT_EQ(ddos_vector_technique(DdosVector::syn_flood), "T1499.001");
  EXPECT_EQ(ddos_vector_technique(DdosVector::http_flood), "T1499.002");
  EXPECT_EQ(ddos_vector_technique(DdosVector::application_exhaustion), "T1499.003");
  EXPECT_EQ(ddos_vector_technique(DdosVector::application_exploit), "T1499.004");
  EXPECT_EQ(ddos_vector_technique(DdosVector::other), "");
  for (std::size_t i = 0; i + 1 < ddos_vector_names().size(); ++i) {
    const auto t = ddos_vector_technique(static_cast<DdosVector>(i));
    EXPECT_TRUE(is_dos_technique(t)) << ddos_vector_names()[i];
  }
  EXPECT_TRUE(is_dos_technique("T1498"));
  EXPECT_FALSE(is_dos_technique("T1499.005"));
  EXPECT_TRUE(is_attack_technique_id("T1486"));
  EXPECT_TRUE(is_attack_technique_id("T1566.001"));
  EXPECT_FALSE(is_attack_technique_id("T1566.01"));
  EXPECT_FALSE(is_attack_technique_id("t1486"));
  EXPECT_FALSE(is_attack_technique_id("TA0001"));
}

TEST(Tlp, LabelsAndOrder) {
  for (auto t : {Tlp::clear, Tlp::green, Tlp::amber, Tlp::amber_strict, Tlp::red}) EXPECT_EQ(parse_tlp(tlp_name(t)), t);
  EXPECT_EQ(parse_tlp("TLP:AMBER+STRICT"), Tlp::amber_strict);
  EXPECT_EQ(parse_tlp("tlp:red"), Tlp::red);
  EXPECT_EQ(parse_tlp("WHITE"), Tlp::clear);
  EXPECT_FALSE(parse_tlp("AMBER STRICT"));
  EXPECT_FALSE(parse_tlp("TLP:"));
  EXPECT_FALSE(parse_tlp(std::string(100, 'A')));
  EXPECT_TRUE(at_least(Tlp::red, Tlp::amber));
  EXPECT_TRUE(at_least(Tlp::amber, Tlp::amber));
  EXPECT_FALSE(at_least(Tlp::green, Tlp::amber));
}

TEST(Sectors, JapanCriticalInfrastructure) {
  EXPECT_EQ(japan_ci_sectors().size(), 15u);
  const SectorInfo* s = find_ci_sector("electricity");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->name_ja, "電力");
  EXPECT_EQ(find_ci_sector("water")->name_ja, "水道");
  EXPECT_EQ(find_ci_sector("defence"), nullptr);
}

}  // namespace
}  // namespace mamori::report

#include "mamori/report/vocabulary.hpp"

#include <array>

namespace mamori::report {

namespace {

// Each table lists the wire names in enum declaration order, so a value's
// name is names[value] and parsing is a scan (the lists are short).
constexpr std::array<std::string_view, 3> kStages{"quick", "follow_up", "final"};
constexpr std::array<std::string_view, 7> kIncidentTypes{
    "ransomware", "ddos", "unauthorised_access", "data_leak", "malware", "service_outage_unknown_cause", "other"};
constexpr std::array<std::string_view, 4> kServiceImpacts{"unknown", "none", "degraded", "outage"};
constexpr std::array<std::string_view, 3> kAnswers{"unknown", "yes", "no"};
constexpr std::array<std::string_view, 9> kIntrusionVectors{
    "unknown",        "vpn_device",   "remote_desktop", "exposed_service_vulnerability", "phishing_email",
    "stolen_credentials", "supply_chain", "insider",        "other"};
constexpr std::array<std::string_view, 5> kBackupStatuses{"unknown", "unaffected", "partially_affected",
                                                          "encrypted_or_deleted", "none"};
constexpr std::array<std::string_view, 19> kDdosVectors{
    "udp_flood",          "icmp_flood",           "gre_flood",          "carpet_bombing",
    "dns_amplification",  "ntp_amplification",    "memcached_amplification", "ssdp_amplification",
    "cldap_amplification", "chargen_amplification", "snmp_amplification", "ws_discovery_amplification",
    "syn_flood",          "ack_flood",            "http_flood",         "tls_flood",
    "application_exhaustion", "application_exploit", "other"};
constexpr std::array<std::string_view, 9> kDdosMitigations{
    "none", "upstream_scrubbing", "cdn", "rate_limiting", "rtbh", "flowspec", "acl", "geo_blocking", "other"};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, E v) noexcept {
  auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view("?");
}

template <class E, std::size_t N>
std::optional<E> parse_of(const std::array<std::string_view, N>& names, std::string_view text) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace

std::string_view stage_name(Stage v) noexcept { return name_of(kStages, v); }
std::string_view incident_type_name(IncidentType v) noexcept { return name_of(kIncidentTypes, v); }
std::string_view service_impact_name(ServiceImpact v) noexcept { return name_of(kServiceImpacts, v); }
std::string_view answer_name(Answer v) noexcept { return name_of(kAnswers, v); }
std::string_view intrusion_vector_name(IntrusionVector v) noexcept { return name_of(kIntrusionVectors, v); }
std::string_view backup_status_name(BackupStatus v) noexcept { return name_of(kBackupStatuses, v); }
std::string_view ddos_vector_name(DdosVector v) noexcept { return name_of(kDdosVectors, v); }
std::string_view ddos_mitigation_name(DdosMitigation v) noexcept { return name_of(kDdosMitigations, v); }

std::optional<Stage> parse_stage(std::string_view t) noexcept { return parse_of<Stage>(kStages, t); }
std::optional<IncidentType> parse_incident_type(std::string_view t) noexcept {
  return parse_of<IncidentType>(kIncidentTypes, t);
}
std::optional<ServiceImpact> parse_service_impact(std::string_view t) noexcept {
  return parse_of<ServiceImpact>(kServiceImpacts, t);
}
std::optional<Answer> parse_answer(std::string_view t) noexcept { return parse_of<Answer>(kAnswers, t); }
std::optional<IntrusionVector> parse_intrusion_vector(std::string_view t) noexcept {
  return parse_of<IntrusionVector>(kIntrusionVectors, t);
}
std::optional<BackupStatus> parse_backup_status(std::string_view t) noexcept {
  return parse_of<BackupStatus>(kBackupStatuses, t);
}
std::optional<DdosVector> parse_ddos_vector(std::string_view t) noexcept { return parse_of<DdosVector>(kDdosVectors, t); }
std::optional<DdosMitigation> parse_ddos_mitigation(std::string_view t) noexcept {
  return parse_of<DdosMitigation>(kDdosMitigations, t);
}

std::span<const std::string_view> stage_names() noexcept { return kStages; }
std::span<const std::string_view> incident_type_names() noexcept { return kIncidentTypes; }
std::span<const std::string_view> service_impact_names() noexcept { return kServiceImpacts; }
std::span<const std::string_view> answer_names() noexcept { return kAnswers; }
std::span<const std::string_view> intrusion_vector_names() noexcept { return kIntrusionVectors; }
std::span<const std::string_view> backup_status_names() noexcept { return kBackupStatuses; }
std::span<const std::string_view> ddos_vector_names() noexcept { return kDdosVectors; }
std::span<const std::string_view> ddos_mitigation_names() noexcept { return kDdosMitigations; }

std::string_view ddos_vector_technique(DdosVector v) noexcept {
  switch (v) {
    case DdosVector::udp_flood:
    case DdosVector::icmp_flood:
    case DdosVector::gre_flood:
    case DdosVector::carpet_bombing:
      return "T1498.001";
    case DdosVector::dns_amplification:
    case DdosVector::ntp_amplification:
    case DdosVector::memcached_amplification:
    case DdosVector::ssdp_amplification:
    case DdosVector::cldap_amplification:
    case DdosVector::chargen_amplification:
    case DdosVector::snmp_amplification:
    case DdosVector::ws_discovery_amplification:
      return "T1498.002";
    // ATT&CK files TCP state exhaustion (SYN and ACK floods) under OS Exhaustion Flood.
    case DdosVector::syn_flood:
    case DdosVector::ack_flood:
      return "T1499.001";
    case DdosVector::http_flood:
    case DdosVector::tls_flood:
      return "T1499.002";
    case DdosVector::application_exhaustion:
      return "T1499.003";
    case DdosVector::application_exploit:
      return "T1499.004";
    case DdosVector::other:
      return {};
  }
  return {};
}

bool is_dos_technique(std::string_view id) noexcept {
  static constexpr std::array<std::string_view, 8> kIds{"T1498",     "T1498.001", "T1498.002", "T1499",
                                                        "T1499.001", "T1499.002", "T1499.003", "T1499.004"};
  for (auto k : kIds)
    if (k == id) return true;
  return false;
}

bool is_attack_technique_id(std::string_view id) noexcept {
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (id[i] < '0' || id[i] > '9') return false;
    return true;
  };
  if (id.size() != 5 && id.size() != 9) return false;
  if (id[0] != 'T' || !digits(1, 4)) return false;
  return id.size() == 5 || (id[5] == '.' && digits(6, 3));
}

}  // namespace mamori::report

#pragma once
// The enumerated values of the common report form (様式の統一): every
// enumeration has one lowercase wire name, used in JSON, TOML and messages.
// Parsing is strict (exact wire names) so that a typo is an error naming the
// value, never a silent "other".
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mamori::report {

// Which document of an incident's chain a report is: the quick report (速報)
// opens the incident; follow-ups (続報) and one final report (確報) link to it.
enum class Stage : std::uint8_t { quick, follow_up, final };

enum class IncidentType : std::uint8_t {
  ransomware,
  ddos,
  unauthorised_access,
  data_leak,
  malware,
  service_outage_unknown_cause,
  other,
};

// Unknown is the value of a quick report that does not say (the field is optional).
enum class ServiceImpact : std::uint8_t { unknown, none, degraded, outage };

// Yes/no/unknown answers: a reporter who does not know yet must not be forced to guess.
enum class Answer : std::uint8_t { unknown, yes, no };

// How the attacker got in (ransomware form). The values follow the categories
// used in Japanese ransomware statistics (VPN devices and remote desktop lead).
enum class IntrusionVector : std::uint8_t {
  unknown,
  vpn_device,
  remote_desktop,
  exposed_service_vulnerability,
  phishing_email,
  stolen_credentials,
  supply_chain,
  insider,
  other,
};

enum class BackupStatus : std::uint8_t {
  unknown,
  unaffected,          // backups exist and were not reached
  partially_affected,  // some backup sets were encrypted or deleted
  encrypted_or_deleted,
  none,  // there were no backups
};

// DDoS attack vectors; each maps to one MITRE ATT&CK technique (see ddos_vector_technique).
enum class DdosVector : std::uint8_t {
  udp_flood,
  icmp_flood,
  gre_flood,
  carpet_bombing,
  dns_amplification,
  ntp_amplification,
  memcached_amplification,
  ssdp_amplification,
  cldap_amplification,
  chargen_amplification,
  snmp_amplification,
  ws_discovery_amplification,
  syn_flood,
  ack_flood,
  http_flood,
  tls_flood,
  application_exhaustion,
  application_exploit,
  other,
};

enum class DdosMitigation : std::uint8_t {
  none,
  upstream_scrubbing,
  cdn,
  rate_limiting,
  rtbh,  // remote-triggered black hole
  flowspec,
  acl,
  geo_blocking,
  other,
};

std::string_view stage_name(Stage v) noexcept;
std::string_view incident_type_name(IncidentType v) noexcept;
std::string_view service_impact_name(ServiceImpact v) noexcept;
std::string_view answer_name(Answer v) noexcept;
std::string_view intrusion_vector_name(IntrusionVector v) noexcept;
std::string_view backup_status_name(BackupStatus v) noexcept;
std::string_view ddos_vector_name(DdosVector v) noexcept;
std::string_view ddos_mitigation_name(DdosMitigation v) noexcept;

std::optional<Stage> parse_stage(std::string_view text) noexcept;
std::optional<IncidentType> parse_incident_type(std::string_view text) noexcept;
std::optional<ServiceImpact> parse_service_impact(std::string_view text) noexcept;
std::optional<Answer> parse_answer(std::string_view text) noexcept;
std::optional<IntrusionVector> parse_intrusion_vector(std::string_view text) noexcept;
std::optional<BackupStatus> parse_backup_status(std::string_view text) noexcept;
std::optional<DdosVector> parse_ddos_vector(std::string_view text) noexcept;
std::optional<DdosMitigation> parse_ddos_mitigation(std::string_view text) noexcept;

// Every wire name of an enumeration, in declaration order (for error messages,
// the console's pick lists and the docs).
std::span<const std::string_view> stage_names() noexcept;
std::span<const std::string_view> incident_type_names() noexcept;
std::span<const std::string_view> service_impact_names() noexcept;
std::span<const std::string_view> answer_names() noexcept;
std::span<const std::string_view> intrusion_vector_names() noexcept;
std::span<const std::string_view> backup_status_names() noexcept;
std::span<const std::string_view> ddos_vector_names() noexcept;
std::span<const std::string_view> ddos_mitigation_names() noexcept;

// MITRE ATT&CK: T1498.001 Direct Network Flood, T1498.002 Reflection
// Amplification, T1499.001 OS Exhaustion Flood (SYN/ACK floods), T1499.002
// Service Exhaustion Flood (HTTP floods, TLS renegotiation), T1499.003
// Application Exhaustion Flood, T1499.004 Application or System Exploitation.
// Empty for `other`.
std::string_view ddos_vector_technique(DdosVector v) noexcept;
// Whether `id` is T1498 or T1499 or one of their sub-techniques.
bool is_dos_technique(std::string_view id) noexcept;
// Any ATT&CK technique ID syntactically: T followed by four digits, optionally .NNN.
bool is_attack_technique_id(std::string_view id) noexcept;

}  // namespace mamori::report

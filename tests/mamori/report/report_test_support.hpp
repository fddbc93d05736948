#pragma once
// Shared fixtures for the report tests: real-world-shaped submissions (a
// LockBit-style ransomware incident, a DNS-amplification DDoS) and helpers.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "mamori/core/time.hpp"
#include "mamori/report/incident.hpp"
#include "mamori/report/report_json.hpp"
#include "mamori/report/reporter.hpp"

namespace mamori::report::testing {

inline TimeNs at(std::string_view rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t) << rfc3339;
  return t ? *t : 0;
}

inline constexpr TimeNs kHour = 3600 * kNsPerSecond;
inline constexpr TimeNs kDay = 24 * kHour;

inline std::filesystem::path source_root() {
  // tests/mamori/report/<this file> -> the worktree root.
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}

inline SubmissionContext context(std::string id, std::string organisation, TimeNs received,
                                 const Handling* inherited = nullptr) {
  return SubmissionContext{std::move(id), std::move(organisation), received, inherited};
}

// Parses a submission and fails the test with every problem if it does not parse.
inline Report submit(std::string_view json, const SubmissionContext& ctx) {
  auto r = parse_submission(json, ctx);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : Report{};
}

// An electricity operator in Japan (a designated essential-infrastructure operator).
inline ReporterProfile power_company() {
  return ReporterProfile{"org-kansai-grid", "electricity", {"JP"}, true};
}

// --- A LockBit-style ransomware incident --------------------------------------

// Filed ten minutes after the CSIRT became aware (02:10 JST = 17:10Z the day before).
inline constexpr std::string_view kLockbitQuick = R"({
  "stage": "quick",
  "incident_type": "ransomware",
  "aware_at": "2025-03-01T02:10:00+09:00",
  "affected_asset": "file servers at the Sakai substation office",
  "service_impact": "degraded",
  "suspected_malicious": "yes",
  "cross_border": "unknown",
  "contact": "CSIRT desk, +81-6-0000-0000",
  "handling": {"tlp": "AMBER"}
})";
inline const TimeNs kLockbitQuickReceived = at("2025-02-28T17:20:00Z");

inline constexpr std::string_view kLockbitFollowUpTemplate = R"json({
  "stage": "follow_up",
  "incident": "INCIDENT",
  "sequence": 1,
  "changes": "Confirmed LockBit 3.0; the entry point was the SSL-VPN appliance; the billing service is now down.",
  "service_impact": "outage",
  "description": "42 servers encrypted, files renamed *.lockbit. Beacons to 203.0.113[.]45:443 and hxxps://lockbit-decryptor[.]example/chat before encryption; exfiltration to 198.51.100[.]23 over port 443.",
  "timeline": {"started_at": "2025-02-27T15:00:00Z", "detected_at": "2025-02-28T17:00:00Z"},
  "personal_data_involved": "unknown",
  "attack_techniques": ["T1190", "T1486", "T1567"],
  "ransomware": {
    "family": "LockBit 3.0",
    "ransom_note": "~~~ LockBit 3.0 the world's fastest ransomware ~~~\n>>>> Your data is stolen and encrypted.\nTor browser: http://lockbitapt6vx57t3eeqjofwgcglmutr3a35nygvokja5uuccip4ykyd.onion\nPay to BTC: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n>>>> Your personal DECRYPTION ID: 7B3D9A21C0FFEE00",
    "encrypted_extension": "LockBit",
    "ransom_amount": "50",
    "ransom_currency": "btc",
    "wallet_addresses": ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                         "4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPW"],
    "ransom_paid": "no",
    "intrusion_vector": "vpn_device",
    "affected_systems": ["FS01", "FS02", "AD01 (domain controller)"],
    "backups": "partially_affected",
    "data_exfiltrated": "yes",
    "iocs": ["d41d8cd98f00b204e9800998ecf8427e LB3.exe",
             "185.220.101[.]12",
             "hxxp://files-upload[.]example/drop?id=42#top",
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]
  }
})json";

inline std::string lockbit_follow_up(std::string_view incident) {
  std::string s(kLockbitFollowUpTemplate);
  s.replace(s.find("INCIDENT"), 8, incident);
  return s;
}

// --- A DNS-amplification DDoS against a telecom operator ----------------------

inline ReporterProfile telecom_operator() {
  return ReporterProfile{"org-example-isp", "information_communication", {"JP"}, true};
}

inline constexpr std::string_view kDdosQuick = R"({
  "incident_type": "ddos",
  "aware_at": "2025-06-10T03:05:00Z",
  "affected_asset": "authoritative DNS and customer portal",
  "service_impact": "degraded",
  "suspected_malicious": "yes",
  "cross_border": "yes",
  "contact": "noc@example-isp.example",
  "handling": {"tlp": "GREEN", "anonymous_to_recipients": false}
})";

inline constexpr std::string_view kDdosFollowUpTemplate = R"({
  "stage": "follow_up",
  "incident": "INCIDENT",
  "sequence": 1,
  "changes": "Attack ended; vectors and peak measured by the scrubbing provider.",
  "description": "DNS amplification (ANY queries for a large TXT record) from about 30,000 open resolvers.",
  "ddos": {
    "peak_gbps": 120.5,
    "peak_pps": 35000000,
    "started_at": "2025-06-10T02:58:00Z",
    "ended_at": "2025-06-10T04:13:00Z",
    "vectors": ["dns_amplification", "udp_flood"],
    "targets": ["203.0.113.10", "www.example-isp.example", "198.51.100.0/24"],
    "mitigation": ["upstream_scrubbing", "rtbh"],
    "mitigation_notes": "Scrubbing at the upstream from 03:20; RTBH for 203.0.113.10/32 from 03:40.",
    "iocs": ["reflectors: 192.0.2.53, 192.0.2.54, 2001:db8::53", "query name: amp.attacker-dns.example"]
  }
})";

inline std::string ddos_follow_up(std::string_view incident) {
  std::string s(kDdosFollowUpTemplate);
  s.replace(s.find("INCIDENT"), 8, incident);
  return s;
}

}  // namespace mamori::report::testing

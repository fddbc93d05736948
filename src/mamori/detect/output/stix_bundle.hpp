#pragma once
// Findings as a STIX 2.1 bundle, for the hub's threat-intel store and TAXII
// (R-CTI 1). Per finding:
//   infrastructure  what the endpoint is (infrastructure_types from the kind),
//                   first/last seen, confidence = score
//   indicator       pattern [ipv4-addr:value = '…'] (or ipv6-addr), valid_from first_seen
//   ipv4-addr / ipv6-addr SCO (id per the STIX 2.1 deterministic-id rule)
//   observed-data   first/last observed, number_observed = flows, object_refs the SCO
//   relationships   indicator indicates infrastructure, infrastructure
//                   consists-of the address, indicator based-on observed-data
// plus one identity for the producer and the TLP 2.0 marking definition that
// marks every object. Ids are UUIDv5 of the finding's (detector, kind,
// endpoint), so a re-run on the same data gives the same ids.
#include <string>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/detect/finding.hpp"

namespace mamori::detect {

struct StixOptions {
  std::string tlp = "amber";  // clear, green, amber, amber+strict, red
  // created/modified of the generated objects; 0 = each finding's last_seen,
  // which keeps output reproducible for the same input.
  TimeNs created = 0;
  std::string producer = "mamori";
};

// The TLP 2.0 marking-definition id for a level (e.g. "amber"), or an error.
Result<std::string> tlp2_marking_id(std::string_view level);

Result<std::string> findings_to_stix(const std::vector<Finding>& findings, const StixOptions& options);

// infrastructure_types (infrastructure-type-ov) for a finding kind.
std::vector<std::string_view> infrastructure_types(FindingKind kind);

}  // namespace mamori::detect

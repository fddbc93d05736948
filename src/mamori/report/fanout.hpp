#pragma once
// Report once (報告先の一元化, R-RPT 2): one submission reaches every recipient
// that must receive it, by configurable rules:
//   * the national agency, always;
//   * the ministry of the reporting organisation's sector (所管省庁);
//   * further recipients by rule: incident type, flags (personal data,
//     cross-border, ransom paid, ...), sector or jurisdiction, e.g.
//     ransomware -> the police liaison, personal-data leak -> the Personal
//     Information Protection Commission.
// Each recipient gets its view of the report (recipient_view.hpp) and a
// receipt signed by the hub (receipt.hpp).
// Configuration: the [[recipient]] and [fanout] tables of reporting.toml
// (reporting_config.hpp, docs/reporting.md).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/report/condition.hpp"
#include "mamori/report/incident.hpp"
#include "mamori/report/model.hpp"
#include "mamori/report/receipt.hpp"
#include "mamori/report/reporter.hpp"

namespace mamori::report {

enum class RecipientKind : std::uint8_t { national_agency, ministry, police, regulator, csirt, other };
std::string_view recipient_kind_name(RecipientKind kind) noexcept;
std::optional<RecipientKind> parse_recipient_kind(std::string_view text) noexcept;

// A recipient is an organisation registered on the platform; its id is that organisation's id.
struct Recipient {
  std::string id;
  std::string name;
  RecipientKind kind = RecipientKind::other;
  // Sees the reporter's identity even when the reporter chose anonymity. Off by
  // default; the shipped configuration grants it only to the national agency,
  // the single point of contact that has to call the reporter back.
  bool sees_reporter_identity = false;

  friend bool operator==(const Recipient&, const Recipient&) = default;
};

struct FanoutRule {
  std::string name;
  std::string recipient;  // a Recipient id
  std::string reason;     // shown to the reporter: why this recipient got the report
  IncidentCondition when;

  friend bool operator==(const FanoutRule&, const FanoutRule&) = default;
};

struct FanoutRules {
  std::vector<Recipient> recipients;
  std::string national_agency;                        // a Recipient id
  std::map<std::string, std::string> sector_ministry;  // sector id -> Recipient id
  std::vector<FanoutRule> rules;

  const Recipient* find(std::string_view id) const noexcept;
  // Every referenced recipient exists and ids are unique.
  Status check() const;
};

struct Route {
  Recipient recipient;
  std::vector<std::string> reasons;  // "national agency", "sector ministry (electricity)", rule reasons

  friend bool operator==(const Route&, const Route&) = default;
};

// Who must receive a document of this incident: the national agency first,
// then the sector ministry, then rule recipients in rule order; one route per
// recipient with every reason that selected it.
std::vector<Route> route_report(const FanoutRules& rules, const ReporterProfile& reporter, const IncidentState& incident);

struct Delivery {
  Route route;
  bool identity_visible = false;
  std::string view;  // the exact bytes to deliver
  crypto::Hash view_sha256{};
  Receipt receipt;
  std::string signed_receipt;  // the C2SP signed note
};

struct FanoutResult {
  std::string document;  // serialize_report(report): the exact bytes to store
  crypto::Hash document_sha256{};
  std::vector<Delivery> deliveries;
};

// Routes `report` (a document of `incident`, already applied to it), builds
// each recipient's view and signs a receipt per recipient at time `now`.
Result<FanoutResult> fan_out(const Report& report, const IncidentState& incident, const ReporterProfile& reporter,
                             const FanoutRules& rules, const crypto::SigningKey& hub_key, TimeNs now);

}  // namespace mamori::report

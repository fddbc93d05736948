#include "mamori/report/fanout.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "mamori/report/recipient_view.hpp"
#include "mamori/report/report_json.hpp"

namespace mamori::report {

namespace {
constexpr std::array<std::string_view, 6> kKinds{"national_agency", "ministry", "police", "regulator", "csirt", "other"};
}  // namespace

std::string_view recipient_kind_name(RecipientKind kind) noexcept {
  const auto i = static_cast<std::size_t>(kind);
  return i < kKinds.size() ? kKinds[i] : "?";
}

std::optional<RecipientKind> parse_recipient_kind(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kKinds.size(); ++i)
    if (kKinds[i] == text) return static_cast<RecipientKind>(i);
  return std::nullopt;
}

const Recipient* FanoutRules::find(std::string_view id) const noexcept {
  for (const auto& r : recipients)
    if (r.id == id) return &r;
  return nullptr;
}

Status FanoutRules::check() const {
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    if (!is_valid_identifier(recipients[i].id))
      return fail(Errc::invalid_argument, "fanout: recipient '{}' has an invalid id", recipients[i].id);
    for (std::size_t j = 0; j < i; ++j)
      if (recipients[j].id == recipients[i].id)
        return fail(Errc::invalid_argument, "fanout: recipient '{}' is defined twice", recipients[i].id);
  }
  if (national_agency.empty()) return fail(Errc::invalid_argument, "fanout: national_agency is required");
  if (find(national_agency) == nullptr)
    return fail(Errc::invalid_argument, "fanout: national_agency '{}' is not a recipient", national_agency);
  for (const auto& [sector, id] : sector_ministry)
    if (find(id) == nullptr)
      return fail(Errc::invalid_argument, "fanout: sector '{}' names unknown recipient '{}'", sector, id);
  for (const auto& rule : rules) {
    if (find(rule.recipient) == nullptr)
      return fail(Errc::invalid_argument, "fanout: rule '{}' names unknown recipient '{}'", rule.name, rule.recipient);
    // A rule without a condition would send every report to its recipient;
    // that is what national_agency is for, so it is probably a mistake.
    if (rule.when.empty())
      return fail(Errc::invalid_argument, "fanout: rule '{}' has no condition (it would match every report)", rule.name);
  }
  return {};
}

std::vector<Route> route_report(const FanoutRules& rules, const ReporterProfile& reporter, const IncidentState& incident) {
  std::vector<Route> routes;
  auto add = [&](const std::string& id, std::string reason) {
    const Recipient* r = rules.find(id);
    if (r == nullptr) return;  // check() rejects such configurations
    for (auto& route : routes) {
      if (route.recipient.id == id) {
        if (std::find(route.reasons.begin(), route.reasons.end(), reason) == route.reasons.end())
          route.reasons.push_back(std::move(reason));
        return;
      }
    }
    routes.push_back(Route{*r, {std::move(reason)}});
  };
  add(rules.national_agency, "national agency: receives every report");
  if (auto it = rules.sector_ministry.find(reporter.sector); it != rules.sector_ministry.end())
    add(it->second, fmt::format("sector ministry for sector '{}'", reporter.sector));
  for (const auto& rule : rules.rules)
    if (rule.when.matches(incident, reporter))
      add(rule.recipient, rule.reason.empty() ? fmt::format("rule '{}'", rule.name) : rule.reason);
  return routes;
}

Result<FanoutResult> fan_out(const Report& report, const IncidentState& incident, const ReporterProfile& reporter,
                             const FanoutRules& rules, const crypto::SigningKey& hub_key, TimeNs now) {
  if (report.incident_id() != incident.incident_id)
    return fail(Errc::invalid_argument, "fanout: report '{}' is not part of incident '{}'", report.id, incident.incident_id);
  if (report.organisation != reporter.organisation)
    return fail(Errc::invalid_argument, "fanout: the reporter profile is for '{}', the report is from '{}'",
                reporter.organisation, report.organisation);
  FanoutResult out;
  out.document = serialize_report(report);
  out.document_sha256 = crypto::sha256(out.document);
  for (auto& route : route_report(rules, reporter, incident)) {
    Delivery d;
    d.identity_visible = identity_visible(report.handling, route.recipient.sees_reporter_identity);
    d.view = recipient_view(report, reporter, d.identity_visible);
    d.view_sha256 = crypto::sha256(d.view);
    d.receipt = Receipt{report.id, incident.incident_id, route.recipient.id, now, out.document_sha256, d.view_sha256};
    auto signed_note = sign_receipt(d.receipt, hub_key);
    if (!signed_note) return tl::unexpected(signed_note.error());
    d.signed_receipt = std::move(*signed_note);
    d.route = std::move(route);
    out.deliveries.push_back(std::move(d));
  }
  return out;
}

}  // namespace mamori::report

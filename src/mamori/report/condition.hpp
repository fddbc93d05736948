#pragma once
// A condition on an incident and its reporter, shared by fan-out rules and
// deadline regimes: each non-empty list must contain the incident's value
// (lists are ORs, lists together are an AND); an empty condition matches all.
#include <string>
#include <vector>

#include "mamori/report/incident.hpp"
#include "mamori/report/reporter.hpp"
#include "mamori/report/vocabulary.hpp"

namespace mamori::report {

struct IncidentCondition {
  std::vector<IncidentType> incident_types;
  std::vector<ServiceImpact> service_impact;
  std::vector<Answer> suspected_malicious;
  std::vector<Answer> cross_border;
  std::vector<Answer> personal_data;  // the latest personal_data_involved
  std::vector<Answer> ransom_paid;    // yes once any document reported a payment
  std::vector<std::string> sectors;
  std::vector<std::string> jurisdictions;  // any of the reporter's
  bool essential_infrastructure_only = false;

  bool empty() const noexcept;
  bool matches(const IncidentState& incident, const ReporterProfile& reporter) const;
  friend bool operator==(const IncidentCondition&, const IncidentCondition&) = default;
};

}  // namespace mamori::report

#include "mamori/report/condition.hpp"

#include <algorithm>

namespace mamori::report {

namespace {

template <class T>
bool allows(const std::vector<T>& list, const T& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool IncidentCondition::empty() const noexcept {
  return incident_types.empty() && service_impact.empty() && suspected_malicious.empty() && cross_border.empty() &&
         personal_data.empty() && ransom_paid.empty() && sectors.empty() && jurisdictions.empty() &&
         !essential_infrastructure_only;
}

bool IncidentCondition::matches(const IncidentState& incident, const ReporterProfile& reporter) const {
  const QuickReport& q = incident.current;
  if (!allows(incident_types, q.incident_type)) return false;
  if (!allows(service_impact, q.service_impact)) return false;
  if (!allows(suspected_malicious, q.suspected_malicious)) return false;
  if (!allows(cross_border, q.cross_border)) return false;
  if (!allows(personal_data, incident.personal_data_involved)) return false;
  if (!allows(ransom_paid, incident.ransom_paid ? Answer::yes : Answer::unknown)) return false;
  if (!allows(sectors, reporter.sector)) return false;
  if (!jurisdictions.empty()) {
    const bool any = std::any_of(reporter.jurisdictions.begin(), reporter.jurisdictions.end(), [&](const std::string& j) {
      return std::find(jurisdictions.begin(), jurisdictions.end(), j) != jurisdictions.end();
    });
    if (!any) return false;
  }
  if (essential_infrastructure_only && !reporter.essential_infrastructure) return false;
  return true;
}

}  // namespace mamori::report

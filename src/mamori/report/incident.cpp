#include "mamori/report/incident.hpp"

namespace mamori::report {

namespace {

bool reports_payment(const Report& r) {
  return r.stage != Stage::quick && r.follow_up.ransomware && r.follow_up.ransomware->ransom_paid == Answer::yes;
}

}  // namespace

Result<IncidentState> start_incident(const Report& quick) {
  if (quick.stage != Stage::quick)
    return fail(Errc::invalid_argument, "incident: the first document must be a quick report, not a {}",
                stage_name(quick.stage));
  if (quick.id.empty()) return fail(Errc::invalid_argument, "incident: the quick report has no id");
  IncidentState s;
  s.incident_id = quick.id;
  s.organisation = quick.organisation;
  s.current = quick.quick;
  s.handling = quick.handling;
  s.latest_stage = Stage::quick;
  s.last_sequence = 0;
  s.last_received_at = quick.received_at;
  s.submissions.push_back(Submission{quick.id, Stage::quick, 0, quick.received_at, false});
  return s;
}

Result<AppliedFollowUp> apply_follow_up(const IncidentState& state, const Report& follow_up) {
  const FollowUpReport& u = follow_up.follow_up;
  if (follow_up.stage == Stage::quick)
    return fail(Errc::invalid_argument, "incident {}: a quick report cannot follow up; it opens a new incident",
                state.incident_id);
  if (u.incident != state.incident_id)
    return fail(Errc::invalid_argument, "incident: the report is for incident '{}', not '{}'", u.incident, state.incident_id);
  if (follow_up.organisation != state.organisation)
    return fail(Errc::invalid_argument, "incident {}: only the reporting organisation can follow up", state.incident_id);
  if (state.closed())
    return fail(Errc::invalid_argument, "incident {}: the final report has been filed; no further reports are accepted",
                state.incident_id);
  if (u.sequence != state.last_sequence + 1)
    return fail(Errc::invalid_argument, "incident {}: sequence {} does not follow {} (expected {})", state.incident_id,
                u.sequence, state.last_sequence, state.last_sequence + 1);
  if (follow_up.received_at < state.last_received_at)
    return fail(Errc::invalid_argument, "incident {}: received before the previous report", state.incident_id);
  for (const auto& s : state.submissions)
    if (s.report_id == follow_up.id)
      return fail(Errc::invalid_argument, "incident {}: report id '{}' is already used", state.incident_id, follow_up.id);

  AppliedFollowUp out{state, follow_up};
  IncidentState& s = out.state;
  std::vector<std::string>& changed = out.report.follow_up.changed_fields;
  changed.clear();
  const Amendments& a = u.amendments;
  QuickReport& q = s.current;
  // Fields listed only when the value actually differs: a follow-up that
  // restates the quick report changes nothing.
  if (a.affected_asset && *a.affected_asset != q.affected_asset) {
    q.affected_asset = *a.affected_asset;
    changed.emplace_back("affected_asset");
  }
  if (a.incident_type && *a.incident_type != q.incident_type) {
    q.incident_type = *a.incident_type;
    changed.emplace_back("incident_type");
  }
  if (a.service_impact && *a.service_impact != q.service_impact) {
    q.service_impact = *a.service_impact;
    changed.emplace_back("service_impact");
  }
  if (a.suspected_malicious && *a.suspected_malicious != q.suspected_malicious) {
    q.suspected_malicious = *a.suspected_malicious;
    changed.emplace_back("suspected_malicious");
  }
  if (a.cross_border && *a.cross_border != q.cross_border) {
    q.cross_border = *a.cross_border;
    changed.emplace_back("cross_border");
  }
  if (a.contact && *a.contact != q.contact) {
    q.contact = *a.contact;
    changed.emplace_back("contact");
  }
  if (follow_up.handling != s.handling) changed.emplace_back("handling");
  if (u.personal_data_involved != Answer::unknown && u.personal_data_involved != s.personal_data_involved) {
    s.personal_data_involved = u.personal_data_involved;
    changed.emplace_back("personal_data_involved");
  }
  s.handling = follow_up.handling;
  const bool paid = reports_payment(follow_up);
  if (paid) {
    if (!s.ransom_paid) changed.emplace_back("ransom_paid");
    s.ransom_paid = true;
    // The first payment time given wins: the statutory clock cannot be reset by a later report.
    if (!s.ransom_paid_at) s.ransom_paid_at = u.ransomware->ransom_paid_at;
  }
  s.latest_stage = follow_up.stage;
  s.last_sequence = u.sequence;
  s.last_received_at = follow_up.received_at;
  s.submissions.push_back(Submission{follow_up.id, follow_up.stage, u.sequence, follow_up.received_at, paid});
  return out;
}

Result<IncidentState> replay_incident(std::span<const Report> chain) {
  if (chain.empty()) return fail(Errc::invalid_argument, "incident: no documents");
  auto state = start_incident(chain.front());
  if (!state) return state;
  for (std::size_t i = 1; i < chain.size(); ++i) {
    auto applied = apply_follow_up(*state, chain[i]);
    if (!applied) return tl::unexpected(applied.error());
    *state = std::move(applied->state);
  }
  return state;
}

}  // namespace mamori::report

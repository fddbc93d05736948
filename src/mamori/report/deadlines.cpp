#include "mamori/report/deadlines.hpp"

#include <algorithm>

#include "mamori/report/json_writer.hpp"
#include "mamori/report/model.hpp"

namespace mamori::report {

std::string_view deadline_status_name(DeadlineStatus status) noexcept {
  switch (status) {
    case DeadlineStatus::pending: return "pending";
    case DeadlineStatus::met: return "met";
    case DeadlineStatus::late: return "late";
    case DeadlineStatus::overdue: return "overdue";
  }
  return "?";
}

DeadlineStatus Deadline::status_at(TimeNs now) const noexcept {
  if (met_at) return *met_at <= due ? DeadlineStatus::met : DeadlineStatus::late;
  return now > due ? DeadlineStatus::overdue : DeadlineStatus::pending;
}

Status DeadlineRules::check() const {
  for (std::size_t i = 0; i < regimes.size(); ++i) {
    const DeadlineRegime& r = regimes[i];
    if (!is_valid_identifier(r.id)) return fail(Errc::invalid_argument, "deadlines: regime id '{}' is invalid", r.id);
    for (std::size_t j = 0; j < i; ++j)
      if (regimes[j].id == r.id) return fail(Errc::invalid_argument, "deadlines: regime '{}' is defined twice", r.id);
    if (r.stages.empty()) return fail(Errc::invalid_argument, "deadlines: regime '{}' has no stages", r.id);
    for (std::size_t k = 0; k < r.stages.size(); ++k) {
      const DeadlineStage& s = r.stages[k];
      if (!is_valid_identifier(s.id))
        return fail(Errc::invalid_argument, "deadlines: regime '{}': stage id '{}' is invalid", r.id, s.id);
      for (std::size_t j = 0; j < k; ++j)
        if (r.stages[j].id == s.id)
          return fail(Errc::invalid_argument, "deadlines: regime '{}': stage '{}' is defined twice", r.id, s.id);
      if (s.anchor == DeadlineAnchor::stage) {
        const bool earlier = std::any_of(r.stages.begin(), r.stages.begin() + static_cast<std::ptrdiff_t>(k),
                                         [&](const DeadlineStage& e) { return e.id == s.anchor_stage; });
        if (!earlier)
          return fail(Errc::invalid_argument, "deadlines: regime '{}': stage '{}' runs from '{}', which is not an earlier stage",
                      r.id, s.id, s.anchor_stage);
      } else if (!s.anchor_stage.empty()) {
        return fail(Errc::invalid_argument, "deadlines: regime '{}': stage '{}' names an anchor stage but does not run from one",
                    r.id, s.id);
      }
    }
  }
  return {};
}

namespace {

// When the document that meets `stage` arrived, and which it was.
const Submission* meeting_submission(const DeadlineStage& stage, const IncidentState& incident) {
  for (const auto& s : incident.submissions) {
    if (stage.anchor == DeadlineAnchor::ransom_payment) {
      if (s.reports_ransom_payment) return &s;
    } else if (static_cast<int>(s.stage) >= static_cast<int>(stage.met_by)) {
      return &s;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<Deadline> compute_deadlines(const DeadlineRules& rules, const ReporterProfile& reporter,
                                        const IncidentState& incident) {
  std::vector<Deadline> out;
  for (const auto& regime : rules.regimes) {
    if (!regime.applies_when.matches(incident, reporter)) continue;
    const std::size_t first = out.size();
    for (const auto& stage : regime.stages) {
      if (!stage.when.matches(incident, reporter)) continue;
      TimeNs anchor = 0;
      switch (stage.anchor) {
        case DeadlineAnchor::awareness: anchor = incident.current.aware_at; break;
        case DeadlineAnchor::ransom_payment: {
          if (!incident.ransom_paid) continue;
          if (incident.ransom_paid_at) {
            anchor = *incident.ransom_paid_at;
          } else {
            // Payment reported without its time: the clock cannot be placed
            // earlier than the report that disclosed it.
            const Submission* s = meeting_submission(stage, incident);
            anchor = s != nullptr ? s->received_at : incident.last_received_at;
          }
          break;
        }
        case DeadlineAnchor::stage: {
          auto it = std::find_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                                 [&](const Deadline& d) { return d.stage == stage.anchor_stage; });
          if (it == out.end()) continue;  // the anchor stage does not apply to this incident
          anchor = it->met_at ? *it->met_at : it->due;
          break;
        }
      }
      Deadline d;
      d.incident_id = incident.incident_id;
      d.regime = regime.id;
      d.regime_name = regime.name;
      d.stage = stage.id;
      d.stage_name = stage.name;
      d.anchor_time = anchor;
      d.due = add_period(anchor, stage.within);
      if (const Submission* s = meeting_submission(stage, incident)) {
        d.met_at = s->received_at;
        d.met_by_report = s->report_id;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::vector<Deadline> overdue_at(std::span<const Deadline> deadlines, TimeNs now) {
  std::vector<Deadline> out;
  for (const auto& d : deadlines)
    if (d.status_at(now) == DeadlineStatus::overdue) out.push_back(d);
  std::stable_sort(out.begin(), out.end(), [](const Deadline& a, const Deadline& b) { return a.due < b.due; });
  return out;
}

std::string deadlines_to_json(std::span<const Deadline> deadlines, TimeNs now) {
  JsonWriter w;
  w.begin_array();
  for (const auto& d : deadlines) {
    w.begin_object();
    w.key("incident").string(d.incident_id);
    w.key("regime").string(d.regime);
    w.key("regime_name").string(d.regime_name);
    w.key("stage").string(d.stage);
    w.key("stage_name").string(d.stage_name);
    w.key("anchor").time(d.anchor_time);
    w.key("due").time(d.due);
    w.key("status").string(deadline_status_name(d.status_at(now)));
    if (d.met_at) {
      w.key("met_at").time(*d.met_at);
      w.key("met_by").string(d.met_by_report);
    }
    w.end_object();
  }
  w.end_array();
  return w.take();
}

}  // namespace mamori::report

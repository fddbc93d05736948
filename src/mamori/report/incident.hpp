#pragma once
// An incident: the quick report and its follow-ups folded into the current
// picture. Fan-out rules and deadlines are evaluated against this state, not
// a single document, because a follow-up can change what applies (a data
// leak found to involve personal data brings in the privacy commission; a
// ransom paid starts CIRCIA's 24-hour clock).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/report/model.hpp"

namespace mamori::report {

// What deadlines need to know about each document of the chain.
struct Submission {
  std::string report_id;
  Stage stage = Stage::quick;
  std::uint32_t sequence = 0;
  TimeNs received_at = 0;
  bool reports_ransom_payment = false;  // states that a ransom was paid

  friend bool operator==(const Submission&, const Submission&) = default;
};

struct IncidentState {
  std::string incident_id;  // the quick report's id
  std::string organisation;
  QuickReport current;  // the quick report's fields with every amendment applied
  Handling handling;    // the latest document's
  Stage latest_stage = Stage::quick;
  std::uint32_t last_sequence = 0;
  TimeNs last_received_at = 0;
  Answer personal_data_involved = Answer::unknown;  // the latest answer given
  std::optional<TimeNs> ransom_paid_at;
  bool ransom_paid = false;
  std::vector<Submission> submissions;  // in order

  bool closed() const noexcept { return latest_stage == Stage::final; }
  friend bool operator==(const IncidentState&, const IncidentState&) = default;
};

// Opens an incident from its quick report.
Result<IncidentState> start_incident(const Report& quick);

struct AppliedFollowUp {
  IncidentState state;  // after the follow-up
  Report report;        // the follow-up with changed_fields filled in
};

// Checks that `follow_up` continues the incident (same incident and
// organisation, next sequence number, not after the final report, not
// received before the previous document) and applies it.
Result<AppliedFollowUp> apply_follow_up(const IncidentState& state, const Report& follow_up);

// Rebuilds the state from stored documents (the quick report first, then the rest in order).
Result<IncidentState> replay_incident(std::span<const Report> chain);

}  // namespace mamori::report

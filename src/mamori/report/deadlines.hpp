#pragma once
// The deadline engine (R-RPT 3). A regime is a set of reporting stages with
// time limits, applying to some organisations and incidents:
//   NIS2 (EU) Art. 23: early warning 24 h, incident notification 72 h, final
//     report one month after the incident notification;
//   CIRCIA (US): covered incident 72 h, ransom payment 24 h after payment;
//   SOCI (AU) s30BC/s30BD: 12 h for significant impact, 72 h otherwise;
//   Japan: a quick report (速報), follow-up (続報) and final report (確報) with
//     configurable limits, and the APPI's personal-data breach report.
// Regimes live in configuration (reporting.toml; shipped defaults in
// reporting_config.hpp). Due dates are computed from the incident's time of
// awareness (or the payment, or an earlier stage) in UTC.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mamori/core/time.hpp"
#include "mamori/report/condition.hpp"
#include "mamori/report/incident.hpp"
#include "mamori/report/period.hpp"
#include "mamori/report/reporter.hpp"

namespace mamori::report {

// What a stage's clock starts from.
enum class DeadlineAnchor : std::uint8_t {
  awareness,       // the quick report's aware_at
  ransom_payment,  // ransomware.ransom_paid_at; the stage applies only once a payment is reported
  stage,           // when another stage of the regime was met, or else its due date
};

struct DeadlineStage {
  std::string id;    // e.g. "early_warning"
  std::string name;  // e.g. "Early warning (Art. 23(4)(a))"
  // The document that meets the stage: a quick report, a follow-up or the
  // final report; a later stage also meets an earlier one (a final report
  // meets "follow_up"). For a ransom_payment anchor, the first document that
  // reports the payment meets it, whatever its stage.
  Stage met_by = Stage::quick;
  Period within;
  DeadlineAnchor anchor = DeadlineAnchor::awareness;
  std::string anchor_stage;  // for anchor == stage: the id of an earlier stage of this regime
  IncidentCondition when;    // the stage applies only if this matches

  friend bool operator==(const DeadlineStage&, const DeadlineStage&) = default;
};

struct DeadlineRegime {
  std::string id;         // e.g. "nis2"
  std::string name;
  std::string reference;  // the legal source, for the reporter
  IncidentCondition applies_when;
  std::vector<DeadlineStage> stages;

  friend bool operator==(const DeadlineRegime&, const DeadlineRegime&) = default;
};

struct DeadlineRules {
  std::vector<DeadlineRegime> regimes;
  // Ids unique, anchor stages exist and come earlier, periods sensible.
  Status check() const;
  friend bool operator==(const DeadlineRules&, const DeadlineRules&) = default;
};

enum class DeadlineStatus : std::uint8_t {
  pending,  // not met, not yet due
  met,      // met on time
  late,     // met after the due time
  overdue,  // not met and past due
};
std::string_view deadline_status_name(DeadlineStatus status) noexcept;

struct Deadline {
  std::string incident_id;
  std::string regime;
  std::string regime_name;
  std::string stage;
  std::string stage_name;
  TimeNs anchor_time = 0;
  TimeNs due = 0;
  std::optional<TimeNs> met_at;
  std::string met_by_report;  // id of the document that met it

  DeadlineStatus status_at(TimeNs now) const noexcept;
  friend bool operator==(const Deadline&, const Deadline&) = default;
};

// Every deadline that applies to the incident, by regime then stage order.
std::vector<Deadline> compute_deadlines(const DeadlineRules& rules, const ReporterProfile& reporter,
                                        const IncidentState& incident);

// The deadlines not met and past due at `now`, earliest due first.
std::vector<Deadline> overdue_at(std::span<const Deadline> deadlines, TimeNs now);

// [{"incident":..,"regime":..,"regime_name":..,"stage":..,"stage_name":..,"anchor":RFC3339,
//   "due":RFC3339,"status":"pending|met|late|overdue","met_at":..,"met_by":..}]
std::string deadlines_to_json(std::span<const Deadline> deadlines, TimeNs now);

}  // namespace mamori::report

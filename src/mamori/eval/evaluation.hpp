#pragma once
// Scores findings against the planted ground truth (docs/evaluation.md).
// A finding of a scored kind is correct when its endpoint is a planted
// endpoint of the attack that kind maps to. Findings are counted per
// distinct (kind, endpoint), so a detector repeating itself is neither
// rewarded nor punished; the raw counts are kept alongside.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mamori/detect/finding.hpp"
#include "mamori/eval/findings_file.hpp"
#include "mamori/flow/simulate/attacks/label_file.hpp"

namespace mamori::eval {

struct EvalOptions {
  double min_score = 0.0;  // findings scored below this are ignored (a missing score counts as 0)
};

struct Counts {
  std::uint64_t planted = 0;          // distinct planted endpoints of the kind's attack
  std::uint64_t findings = 0;         // findings of the kind (score at least the minimum)
  std::uint64_t true_positives = 0;   // planted endpoints named by a finding
  std::uint64_t false_positives = 0;  // distinct endpoints named that are not planted as the kind's attack
  std::uint64_t false_negatives = 0;  // planted endpoints named by no finding
  // Endpoints named that another malicious attack planted in the same role
  // (a botnet's fan-in C2, polled on a timer, reported as beaconing): right
  // about what the server is, though not the attack scored here, so neither
  // a true nor a false positive.
  std::uint64_t same_role = 0;
  // Undefined (nullopt) when the denominator is zero.
  std::optional<double> precision() const noexcept;
  std::optional<double> recall() const noexcept;
  std::optional<double> f1() const noexcept;
};

struct KindResult {
  detect::FindingKind kind;
  std::string attack;
  Counts counts;
  std::map<std::string, Counts> detectors;  // the same, for each detector's findings of this kind alone
};

enum class FalsePositiveCause : std::uint8_t {
  lookalike,     // a benign look-alike's server
  other_attack,  // planted infrastructure of another attack kind
  background,    // anything else
};
std::string_view cause_name(FalsePositiveCause cause) noexcept;

struct FalsePositive {
  std::string kind;  // the finding kind
  std::string endpoint;
  FalsePositiveCause cause = FalsePositiveCause::background;
  std::string attack;                  // what is planted there, for look-alikes and other attacks
  std::vector<std::string> detectors;  // sorted
  std::uint64_t findings = 0;
  double max_score = 0.0;
  std::size_t first_line = 0;
  bool scored = true;  // false: a kind without planted counterparts (listed, not counted)
};

struct FalseNegative {
  detect::FindingKind kind;
  flow::sim::attacks::LabelRow row;  // the first labels row of the endpoint
};

struct Evaluation {
  double min_score = 0.0;
  std::uint64_t findings_total = 0;
  std::uint64_t below_min_score = 0;
  std::map<std::string, std::uint64_t> unscored_kinds;  // known kinds without planted counterparts
  std::map<std::string, std::uint64_t> unknown_kinds;   // kinds this build does not know
  std::map<std::string, std::uint64_t> planted;         // distinct endpoints per attack column value
  std::vector<KindResult> kinds;                        // every scored kind, in mapping order
  Counts overall;                                       // summed over the scored kinds
  std::vector<FalsePositive> false_positives;           // by kind, then endpoint
  std::vector<FalseNegative> false_negatives;           // by kind, then label, then endpoint
};

Evaluation evaluate(std::span<const flow::sim::attacks::LabelRow> labels,
                    std::span<const ReportedFinding> findings, const EvalOptions& options);

}  // namespace mamori::eval

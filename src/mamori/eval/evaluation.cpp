#include "mamori/eval/evaluation.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "mamori/eval/kind_mapping.hpp"

namespace mamori::eval {

namespace {

using flow::sim::attacks::LabelRow;

struct Named {  // one distinct (kind, endpoint) among the findings
  std::set<std::string> detectors;
  std::uint64_t findings = 0;
  double max_score = 0.0;
  std::size_t first_line = 0;
};

void note(Named& n, const ReportedFinding& f) {
  n.detectors.insert(f.detector.empty() ? "(unnamed)" : f.detector);
  if (n.findings++ == 0 || f.score > n.max_score) n.max_score = f.score;
  if (n.first_line == 0 || f.line < n.first_line) n.first_line = f.line;
}

}  // namespace

std::optional<double> Counts::precision() const noexcept {
  const std::uint64_t named = true_positives + false_positives;
  if (named == 0) return std::nullopt;
  return static_cast<double>(true_positives) / static_cast<double>(named);
}

std::optional<double> Counts::recall() const noexcept {
  if (planted == 0) return std::nullopt;
  return static_cast<double>(true_positives) / static_cast<double>(planted);
}

std::optional<double> Counts::f1() const noexcept {
  const auto p = precision(), r = recall();
  if (!p || !r) return std::nullopt;
  return *p + *r == 0.0 ? 0.0 : 2.0 * *p * *r / (*p + *r);
}

std::string_view cause_name(FalsePositiveCause cause) noexcept {
  switch (cause) {
    case FalsePositiveCause::lookalike:
      return "lookalike";
    case FalsePositiveCause::other_attack:
      return "other_attack";
    case FalsePositiveCause::background:
      return "background";
  }
  return "background";
}

Evaluation evaluate(std::span<const LabelRow> labels, std::span<const ReportedFinding> findings,
                    const EvalOptions& options) {
  Evaluation ev;
  ev.min_score = options.min_score;

  // What is planted where: endpoint -> attacks there (an address could in
  // principle serve two campaigns), and the first row of each.
  std::unordered_map<std::string, std::set<std::string>> attacks_at;
  std::map<std::pair<std::string, std::string>, const LabelRow*> first_row;  // (attack, endpoint)
  for (const LabelRow& row : labels) {
    const std::string endpoint = row.endpoint.to_string();
    if (attacks_at[endpoint].insert(row.attack).second) ++ev.planted[row.attack];
    first_row.emplace(std::make_pair(row.attack, endpoint), &row);
  }

  // Distinct (kind, endpoint) over all findings, and per detector.
  std::map<std::pair<std::string, std::string>, Named> named;                // (kind, endpoint)
  std::map<std::tuple<std::string, std::string, std::string>, bool> by_det;  // (kind, detector, endpoint)
  std::map<std::string, std::uint64_t> findings_of_kind;
  std::map<std::pair<std::string, std::string>, std::uint64_t> findings_of_detector;
  for (const ReportedFinding& f : findings) {
    ++ev.findings_total;
    if (f.score < options.min_score) {
      ++ev.below_min_score;
      continue;
    }
    auto kind = detect::parse_finding_kind(f.kind);
    if (!kind) {
      ++ev.unknown_kinds[f.kind];
      continue;
    }
    const std::string detector = f.detector.empty() ? "(unnamed)" : f.detector;
    if (!attack_of_kind(*kind)) ++ev.unscored_kinds[f.kind];
    ++findings_of_kind[f.kind];
    ++findings_of_detector[{f.kind, detector}];
    note(named[{f.kind, f.endpoint}], f);
    by_det[{f.kind, detector, f.endpoint}] = true;
  }

  auto planted_as = [&](const std::string& endpoint, std::string_view attack) {
    auto it = attacks_at.find(endpoint);
    return it != attacks_at.end() && it->second.contains(std::string(attack));
  };

  for (const ScoredKind& sk : scored_kinds()) {
    KindResult kr{sk.kind, std::string(sk.attack), {}, {}};
    const std::string kind_name(detect::finding_kind_name(sk.kind));
    kr.counts.planted = ev.planted.contains(kr.attack) ? ev.planted[kr.attack] : 0;
    kr.counts.findings = findings_of_kind[kind_name];
    std::set<std::string> found;
    std::string role;  // what the attack's endpoints are (c2_server, scanner, ...)
    for (const LabelRow& row : labels)
      if (row.attack == sk.attack) {
        role = row.role;
        break;
      }
    // Planted by another (non-benign) attack in the same role: the attacks at
    // the endpoint are few, so this looks them up instead of scanning every label.
    auto same_role = [&](const std::string& endpoint) {
      if (role.empty()) return false;
      auto at = attacks_at.find(endpoint);
      if (at == attacks_at.end()) return false;
      for (const std::string& attack : at->second) {
        if (attack == sk.attack || is_benign_attack(attack)) continue;
        if (auto row = first_row.find({attack, endpoint});
            row != first_row.end() && row->second->role == role)
          return true;
      }
      return false;
    };
    std::set<std::string> same_role_endpoints;
    for (auto it = named.lower_bound({kind_name, ""}); it != named.end() && it->first.first == kind_name;
         ++it) {
      const std::string& endpoint = it->first.second;
      if (planted_as(endpoint, sk.attack)) {
        found.insert(endpoint);
        continue;
      }
      if (same_role(endpoint)) {
        ++kr.counts.same_role;
        same_role_endpoints.insert(endpoint);
        continue;
      }
      ++kr.counts.false_positives;
      FalsePositive fp;
      fp.kind = kind_name;
      fp.endpoint = endpoint;
      if (auto at = attacks_at.find(endpoint); at != attacks_at.end()) {
        fp.attack = *at->second.begin();
        const bool benign = std::all_of(at->second.begin(), at->second.end(),
                                        [](const std::string& a) { return is_benign_attack(a); });
        fp.cause = benign ? FalsePositiveCause::lookalike : FalsePositiveCause::other_attack;
      }
      fp.detectors.assign(it->second.detectors.begin(), it->second.detectors.end());
      fp.findings = it->second.findings;
      fp.max_score = it->second.max_score;
      fp.first_line = it->second.first_line;
      ev.false_positives.push_back(std::move(fp));
    }
    kr.counts.true_positives = found.size();
    kr.counts.false_negatives = kr.counts.planted - kr.counts.true_positives;

    // Per detector: the same rules on its own findings of this kind.
    for (const auto& [key, count] : findings_of_detector) {
      if (key.first != kind_name) continue;
      Counts c;
      c.planted = kr.counts.planted;
      c.findings = count;
      for (auto it = by_det.lower_bound({kind_name, key.second, ""});
           it != by_det.end() && std::get<0>(it->first) == kind_name && std::get<1>(it->first) == key.second;
           ++it) {
        if (planted_as(std::get<2>(it->first), sk.attack)) {
          ++c.true_positives;
        } else if (same_role_endpoints.contains(std::get<2>(it->first))) {
          ++c.same_role;
        } else {
          ++c.false_positives;
        }
      }
      c.false_negatives = c.planted - c.true_positives;
      kr.detectors.emplace(key.second, c);
    }

    // Planted endpoints nobody named.
    std::vector<FalseNegative> missed;
    for (const auto& [key, row] : first_row) {
      if (key.first == sk.attack && !found.contains(key.second)) missed.push_back({sk.kind, *row});
    }
    std::sort(missed.begin(), missed.end(), [](const FalseNegative& a, const FalseNegative& b) {
      return a.row.label != b.row.label ? a.row.label < b.row.label : a.row.endpoint < b.row.endpoint;
    });
    ev.false_negatives.insert(ev.false_negatives.end(), missed.begin(), missed.end());

    ev.overall.planted += kr.counts.planted;
    ev.overall.findings += kr.counts.findings;
    ev.overall.true_positives += kr.counts.true_positives;
    ev.overall.false_positives += kr.counts.false_positives;
    ev.overall.false_negatives += kr.counts.false_negatives;
    ev.overall.same_role += kr.counts.same_role;
    ev.kinds.push_back(std::move(kr));
  }

  // Findings of kinds nothing is planted for are not scored, but those about
  // a look-alike are still false alarms worth seeing.
  for (const auto& [key, n] : named) {
    auto kind = detect::parse_finding_kind(key.first);
    if (!kind || attack_of_kind(*kind)) continue;
    auto at = attacks_at.find(key.second);
    if (at == attacks_at.end()) continue;
    const bool benign = std::all_of(at->second.begin(), at->second.end(),
                                    [](const std::string& a) { return is_benign_attack(a); });
    if (!benign) continue;
    FalsePositive fp;
    fp.kind = key.first;
    fp.endpoint = key.second;
    fp.cause = FalsePositiveCause::lookalike;
    fp.attack = *at->second.begin();
    fp.detectors.assign(n.detectors.begin(), n.detectors.end());
    fp.findings = n.findings;
    fp.max_score = n.max_score;
    fp.first_line = n.first_line;
    fp.scored = false;
    ev.false_positives.push_back(std::move(fp));
  }
  return ev;
}

}  // namespace mamori::eval

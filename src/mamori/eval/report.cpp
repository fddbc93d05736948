#include "mamori/eval/report.hpp"

#include <boost/json.hpp>

namespace mamori::eval {

namespace {

namespace json = boost::json;

std::string ratio(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : std::string("-");
}

json::value number_or_null(const std::optional<double>& v) {
  if (!v) return nullptr;
  return *v;
}

json::object counts_json(const Counts& c) {
  json::object o;
  o["planted"] = c.planted;
  o["findings"] = c.findings;
  o["true_positives"] = c.true_positives;
  o["false_positives"] = c.false_positives;
  o["false_negatives"] = c.false_negatives;
  o["same_role"] = c.same_role;
  o["precision"] = number_or_null(c.precision());
  o["recall"] = number_or_null(c.recall());
  o["f1"] = number_or_null(c.f1());
  return o;
}

std::string counts_row(std::string_view name, std::string_view attack, const Counts& c) {
  return fmt::format("{:<24} {:<11} {:>7} {:>8} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6}\n", name, attack,
                     c.planted, c.findings, c.true_positives, c.false_positives, c.false_negatives,
                     ratio(c.precision()), ratio(c.recall()), ratio(c.f1()));
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

}  // namespace

std::string format_text(const Evaluation& ev) {
  std::string out;
  out += fmt::format("{} findings", ev.findings_total);
  if (ev.min_score > 0.0) out += fmt::format(", {} below --min-score {}", ev.below_min_score, ev.min_score);
  out += "; planted endpoints:";
  if (ev.planted.empty()) out += " none";
  for (const auto& [attack, n] : ev.planted) out += fmt::format(" {} {}", attack, n);
  out += "\n\n";
  out += fmt::format("{:<24} {:<11} {:>7} {:>8} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6}\n", "kind / detector",
                     "attack", "planted", "findings", "TP", "FP", "FN", "precision", "recall", "F1");
  for (const KindResult& k : ev.kinds) {
    out += counts_row(detect::finding_kind_name(k.kind), k.attack, k.counts);
    for (const auto& [detector, c] : k.detectors) out += counts_row("  " + detector, "", c);
  }
  out += counts_row("overall", "", ev.overall);
  if (ev.overall.same_role > 0) {
    out += "\nnot counted, planted by another attack in the same role:";
    for (const KindResult& k : ev.kinds)
      if (k.counts.same_role > 0)
        out += fmt::format(" {} {}", detect::finding_kind_name(k.kind), k.counts.same_role);
    out += "\n";
  }

  std::size_t scored_fps = 0;
  for (const auto& fp : ev.false_positives) scored_fps += fp.scored ? 1 : 0;
  if (!ev.false_positives.empty()) {
    const std::size_t unscored = ev.false_positives.size() - scored_fps;
    out += unscored == 0
               ? fmt::format("\nfalse positives ({}):\n", scored_fps)
               : fmt::format("\nfalse positives ({}, and {} of kinds not scored):\n", scored_fps, unscored);
    for (const auto& fp : ev.false_positives) {
      std::string what = std::string(cause_name(fp.cause));
      if (!fp.attack.empty()) what += " " + fp.attack;
      out += fmt::format("  {:<16} {:<40} {:<24} detectors={} findings={} max_score={:.1f} first_line={}{}\n",
                         fp.kind, fp.endpoint, what, join(fp.detectors), fp.findings, fp.max_score,
                         fp.first_line, fp.scored ? "" : " (kind not scored)");
    }
  }
  if (!ev.false_negatives.empty()) {
    out += fmt::format("\nfalse negatives ({}):\n", ev.false_negatives.size());
    for (const auto& fn : ev.false_negatives) {
      out += fmt::format("  {:<16} {:<40} {} label {} {} {} .. {} peers {}\n",
                         detect::finding_kind_name(fn.kind), fn.row.endpoint.to_string(), fn.row.attack,
                         fn.row.label, fn.row.role, format_rfc3339(fn.row.start), format_rfc3339(fn.row.end),
                         fn.row.peers);
    }
  }
  if (!ev.unscored_kinds.empty() || !ev.unknown_kinds.empty()) {
    out += "\nnot scored:";
    for (const auto& [kind, n] : ev.unscored_kinds) out += fmt::format(" {} {}", kind, n);
    for (const auto& [kind, n] : ev.unknown_kinds) out += fmt::format(" {} {} (unknown kind)", kind, n);
    out += "\n";
  }
  return out;
}

std::string format_json(const Evaluation& ev) {
  json::object doc;
  doc["min_score"] = ev.min_score;
  json::object findings;
  findings["total"] = ev.findings_total;
  findings["below_min_score"] = ev.below_min_score;
  json::object unscored, unknown, planted;
  for (const auto& [kind, n] : ev.unscored_kinds) unscored[kind] = n;
  for (const auto& [kind, n] : ev.unknown_kinds) unknown[kind] = n;
  for (const auto& [attack, n] : ev.planted) planted[attack] = n;
  findings["unscored_kinds"] = std::move(unscored);
  findings["unknown_kinds"] = std::move(unknown);
  doc["findings"] = std::move(findings);
  doc["planted"] = std::move(planted);
  json::object kinds;
  for (const KindResult& k : ev.kinds) {
    json::object o = counts_json(k.counts);
    o["attack"] = k.attack;
    json::object detectors;
    for (const auto& [detector, c] : k.detectors) detectors[detector] = counts_json(c);
    o["detectors"] = std::move(detectors);
    kinds[detect::finding_kind_name(k.kind)] = std::move(o);
  }
  doc["kinds"] = std::move(kinds);
  doc["overall"] = counts_json(ev.overall);
  json::array fps;
  for (const auto& fp : ev.false_positives) {
    json::object o;
    o["kind"] = fp.kind;
    o["endpoint"] = fp.endpoint;
    o["cause"] = cause_name(fp.cause);
    if (fp.attack.empty()) {
      o["attack"] = nullptr;
    } else {
      o["attack"] = fp.attack;
    }
    json::array detectors;
    for (const auto& d : fp.detectors) detectors.emplace_back(d);
    o["detectors"] = std::move(detectors);
    o["findings"] = fp.findings;
    o["max_score"] = fp.max_score;
    o["first_line"] = fp.first_line;
    o["scored"] = fp.scored;
    fps.emplace_back(std::move(o));
  }
  doc["false_positives"] = std::move(fps);
  json::array fns;
  for (const auto& fn : ev.false_negatives) {
    json::object o;
    o["kind"] = detect::finding_kind_name(fn.kind);
    o["attack"] = fn.row.attack;
    o["endpoint"] = fn.row.endpoint.to_string();
    o["role"] = fn.row.role;
    o["label"] = fn.row.label;
    o["start"] = format_rfc3339(fn.row.start);
    o["end"] = format_rfc3339(fn.row.end);
    o["peers"] = fn.row.peers;
    fns.emplace_back(std::move(o));
  }
  doc["false_negatives"] = std::move(fns);
  return json::serialize(doc) + "\n";
}

}  // namespace mamori::eval

// `mamori eval`: precision, recall and F1 per detector and finding kind, from
// a simulation's labels file and the findings detectors produced on it.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "mamori/cli/command.hpp"
#include "mamori/eval/evaluation.hpp"
#include "mamori/eval/findings_file.hpp"
#include "mamori/eval/report.hpp"

namespace mamori::cli {

namespace {

struct EvalOptionsCli {
  std::string labels;
  std::vector<std::string> findings;
  std::string format = "text";
  double min_score = 0.0;
};

// Malformed lines are shown, at most this many, before giving up.
constexpr std::size_t kShownErrors = 10;

int run_eval(const EvalOptionsCli& o) {
  if (o.format != "text" && o.format != "json") return report_error("--format must be text or json", 2);
  if (!(o.min_score >= 0.0 && o.min_score <= 100.0)) return report_error("--min-score must be within 0-100", 2);
  auto labels_text = eval::read_text_file(o.labels);
  if (!labels_text) return report_error(labels_text.error().message);
  auto labels = flow::sim::attacks::parse_label_csv(*labels_text);
  if (!labels) return report_error(fmt::format("{}: {}", o.labels, labels.error().message));

  std::vector<eval::ReportedFinding> findings;
  std::size_t errors = 0;
  for (const std::string& path : o.findings) {
    auto text = eval::read_text_file(path);
    if (!text) return report_error(text.error().message);
    eval::FindingsText parsed = eval::parse_findings(*text);
    for (const auto& e : parsed.errors) {
      if (errors++ < kShownErrors) std::fprintf(stderr, "mamori: error: %s:%zu: %s\n", path.c_str(), e.line, e.message.c_str());
    }
    findings.insert(findings.end(), std::make_move_iterator(parsed.findings.begin()),
                    std::make_move_iterator(parsed.findings.end()));
  }
  // Scoring around broken lines would give numbers that look right and are not.
  if (errors != 0) return report_error(fmt::format("{} malformed finding line(s); nothing scored", errors));

  eval::EvalOptions options;
  options.min_score = o.min_score;
  const eval::Evaluation ev = eval::evaluate(*labels, findings, options);
  const std::string out = o.format == "json" ? eval::format_json(ev) : eval::format_text(ev);
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    return report_error("cannot write to standard output");
  }
  return 0;
}

}  // namespace

void register_eval_commands(CommandSet& commands) {
  auto o = std::make_shared<EvalOptionsCli>();
  CLI::App& cmd = commands.command(
      "eval", "Score detector findings against the labels of a simulation: precision, recall and F1 per kind and detector",
      [o] { return run_eval(*o); });
  cmd.add_option("--labels", o->labels, "Labels CSV written by 'mamori simulate traffic --labels'")->required();
  cmd.add_option("findings", o->findings, "Findings as JSON lines ('-' = standard input)")->required();
  cmd.add_option("--format", o->format, "text or json")->capture_default_str();
  cmd.add_option("--min-score", o->min_score, "Ignore findings scored below this (0-100)")->capture_default_str();
  cmd.footer(
      "Example:\n"
      "  mamori simulate traffic --scenario standard --out mflow -o std.mflow --labels labels.csv\n"
      "  mamori detect std.mflow --home JP -o findings.jsonl\n"
      "  mamori eval --labels labels.csv findings.jsonl --format json\n"
      "A finding is correct when its endpoint is planted as the attack its kind maps to (beaconing: beacon, fan_in:\n"
      "fanin, scanning: scan, brute_force: bruteforce, reflection: reflection, ddos_controller: controller); each\n"
      "(kind, endpoint) counts once. See docs/evaluation.md.");
}

}  // namespace mamori::cli

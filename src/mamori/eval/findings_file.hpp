#pragma once
// Reading detector findings for evaluation: JSON lines, one finding per
// line, as `mamori detect --format jsonl` writes them. Only `kind` and
// `endpoint` are needed; the other documented keys are type-checked when
// present, so a writer that drifts from the format is caught with a line
// number instead of being scored wrongly.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"

namespace mamori::eval {

struct ReportedFinding {
  std::size_t line = 0;   // 1-based line of its file
  std::string kind;       // as written; may be a kind this build does not know
  std::string detector;   // "" when absent
  std::string endpoint;   // canonical text when it is an IP address, else as written
  std::string role;
  double score = 0.0;     // 0 when absent
  bool has_score = false;
};

struct LineError {
  std::size_t line = 0;
  std::string message;
};

struct FindingsText {
  std::vector<ReportedFinding> findings;
  std::vector<LineError> errors;
  std::size_t lines = 0;  // non-blank lines
};

FindingsText parse_findings(std::string_view text);

// A whole file ("-": standard input).
Result<std::string> read_text_file(const std::string& path);

}  // namespace mamori::eval

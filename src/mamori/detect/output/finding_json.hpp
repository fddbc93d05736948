#pragma once
// Findings as JSON lines, one object a line, in the schema documented in
// docs/detectors.md ("Finding JSON") and docs/schemas/finding.schema.json.
#include <string>
#include <vector>

#include "mamori/detect/finding.hpp"

namespace mamori::detect {

// One finding as a single-line JSON object (no trailing newline).
std::string finding_to_json(const Finding& f);
// All findings, one per line.
std::string findings_to_jsonl(const std::vector<Finding>& findings);

}  // namespace mamori::detect

#pragma once
// The evaluation as text for a person or as one JSON document for scripts
// and CI (docs/evaluation.md describes both).
#include <string>

#include "mamori/eval/evaluation.hpp"

namespace mamori::eval {

std::string format_text(const Evaluation& ev);
std::string format_json(const Evaluation& ev);

}  // namespace mamori::eval

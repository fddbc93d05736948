#pragma once
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/flow/filter/filter_program.hpp"

namespace mamori::flow::filter {

// Parses nfdump filter syntax into a simplified program.
Result<Program> parse_filter(std::string_view expression);

}  // namespace mamori::flow::filter

#pragma once
// The reporting configuration: recipients and fan-out rules, deadline regimes
// and the access policy, from one TOML document (config/reporting.example.toml,
// docs/reporting.md). The shipped defaults are that example file, compiled in;
// a test keeps the two identical.
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/report/access.hpp"
#include "mamori/report/deadlines.hpp"
#include "mamori/report/fanout.hpp"

namespace mamori::report {

struct ReportingConfig {
  FanoutRules fanout;
  DeadlineRules deadlines;
  AccessPolicy access;
};

// Parses and checks a configuration; every error names its table and key.
// Unknown keys are refused (a misspelt rule must not silently route nothing).
Result<ReportingConfig> parse_reporting_config(std::string_view toml_text);
Result<ReportingConfig> load_reporting_config(const std::string& path);

// The shipped defaults (Japan's sector ministries, NIS2, CIRCIA, SOCI and
// Japanese regimes, the allowed and forbidden purposes).
std::string_view default_reporting_toml() noexcept;
Result<ReportingConfig> default_reporting_config();

}  // namespace mamori::report

#pragma once
// Internal: the shipped reporting configuration, the text of
// config/reporting.example.toml (ReportingDefaults.ShippedTextIsTheExampleFile
// fails when the two differ; copy the file into reporting_defaults.cpp).
#include <string_view>

namespace mamori::report::detail {

extern const std::string_view kDefaultReportingToml;

}  // namespace mamori::report::detail

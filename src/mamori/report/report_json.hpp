#pragma once
// Reports as JSON (schema "mamori.report/v1", docs/reporting.md).
//
// Two directions:
//  * a submission is what a reporter sends: the hub supplies the id, the
//    authenticated organisation and the receive time, so a submission must not
//    carry "id", "received_at" or "changed_fields";
//  * a document is what the hub stores and sends on: serialize_report writes
//    it with every server-assigned field, in a fixed key order, so the same
//    report always gives the same bytes (receipts hash them).
// Unknown keys are refused rather than ignored: a misspelt field must not
// silently drop what the reporter meant to say.
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/report/model.hpp"

namespace mamori::report {

inline constexpr std::string_view kReportSchema = "mamori.report/v1";
inline constexpr std::size_t kMaxReportDocumentSize = 512 * 1024;

// One problem in a report, named by its JSON path (e.g. "ransomware.wallet_addresses[1]").
struct FieldError {
  std::string field;
  std::string message;

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// "field: message; field: message" (for an Error's message).
std::string join_field_errors(const std::vector<FieldError>& errors);

struct SubmissionContext {
  std::string id;            // the id the hub assigned (generate_report_id)
  std::string organisation;  // from the caller's credentials; a submitted "organisation" must equal it
  TimeNs received_at = 0;
  // A follow-up that states no "handling" inherits the incident's (incident.hpp); a
  // quick report without one gets the defaults (TLP:AMBER, anonymous).
  const Handling* inherited_handling = nullptr;
};

// Parses and validates a submission. On failure the error (invalid_argument,
// or parse_error for JSON that does not parse) lists every problem found,
// each naming its field.
Result<Report> parse_submission(std::string_view json, const SubmissionContext& context);
// The same, returning every problem as a list (for a console that marks fields).
Result<Report> parse_submission(std::string_view json, const SubmissionContext& context,
                                std::vector<FieldError>& problems);

// Parses a stored document (serialize_report's output) and validates it.
Result<Report> parse_report_document(std::string_view json);

// The canonical document: compact JSON, fixed key order, absent optionals omitted.
std::string serialize_report(const Report& report);

}  // namespace mamori::report

#pragma once
// What a recipient receives. With "anonymous to recipients" on (the default,
// R-RPT 4), the reporter's identity is removed: the organisation and the
// contact (and a follow-up's corrected contact) are dropped, and a "reporter"
// object says only that the reporter is anonymous and its sector, which the
// sector ministry has to know anyway. Free-text fields are the reporter's to
// word (the form says so); they are passed on as written.
#include <string>

#include "mamori/core/result.hpp"
#include "mamori/report/model.hpp"
#include "mamori/report/reporter.hpp"

namespace mamori::report {

// The document for a recipient: serialize_report's layout, with
//   "reporter": {"anonymous": true, "sector": "..."}   (identity removed), or
//   "reporter": {"anonymous": false, "organisation": "..."}.
std::string recipient_view(const Report& report, const ReporterProfile& reporter, bool reveal_identity);

// Whether a recipient may see the reporter's identity for this report.
constexpr bool identity_visible(const Handling& handling, bool recipient_sees_identity) noexcept {
  return !handling.anonymous_to_recipients || recipient_sees_identity;
}

}  // namespace mamori::report

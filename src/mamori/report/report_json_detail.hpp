#pragma once
// Internal to the report library: the document writer shared by
// serialize_report and recipient_view, so that a recipient's view has exactly
// the stored document's layout minus the identity.
#include <string>

#include "mamori/report/model.hpp"

namespace mamori::report::detail {

struct ReporterBlock {
  bool reveal_identity = false;
  std::string sector;
};

// With `reporter` null: the stored document. Otherwise a recipient view: a
// "reporter" object replaces "organisation", and without identity the contact is left out.
std::string write_report(const Report& report, const ReporterBlock* reporter);

}  // namespace mamori::report::detail

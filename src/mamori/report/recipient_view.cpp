#include "mamori/report/recipient_view.hpp"

#include "mamori/report/report_json_detail.hpp"

namespace mamori::report {

std::string recipient_view(const Report& report, const ReporterProfile& reporter, bool reveal_identity) {
  detail::ReporterBlock block{reveal_identity, reporter.sector};
  return detail::write_report(report, &block);
}

}  // namespace mamori::report

#include "mamori/flow/encode/flow_encoder.hpp"

#include "mamori/flow/encode/ipfix_encoder.hpp"
#include "mamori/flow/encode/netflow5_encoder.hpp"
#include "mamori/flow/encode/netflow9_encoder.hpp"

namespace mamori::flow {

Result<ExportFormat> parse_export_format(std::string_view name) {
  if (name == "ipfix") return ExportFormat::ipfix;
  if (name == "netflow9" || name == "nf9" || name == "v9") return ExportFormat::netflow9;
  if (name == "netflow5" || name == "nf5" || name == "v5") return ExportFormat::netflow5;
  return fail(Errc::invalid_argument, "unknown export format '{}' (use ipfix, netflow9 or netflow5)", name);
}

std::string_view export_format_name(ExportFormat format) noexcept {
  switch (format) {
    case ExportFormat::ipfix: return "ipfix";
    case ExportFormat::netflow9: return "netflow9";
    case ExportFormat::netflow5: return "netflow5";
  }
  return "?";
}

std::uint16_t default_collector_port(ExportFormat format) noexcept {
  return format == ExportFormat::ipfix ? 4739 : 2055;
}

Status validate(const EncoderOptions& options, ExportFormat format) {
  // The smallest datagram must hold a header, the templates and one IPv6 record.
  const std::size_t minimum = format == ExportFormat::netflow5 ? 24 + 48 : 512;
  if (options.max_datagram < minimum || options.max_datagram > 65507) {
    return fail(Errc::invalid_argument, "datagram size must be {}..65507 bytes for {}, got {}", minimum,
                export_format_name(format), options.max_datagram);
  }
  if (options.set_alignment > 64) return fail(Errc::invalid_argument, "set alignment must be at most 64");
  return {};
}

Result<std::unique_ptr<FlowEncoder>> make_flow_encoder(ExportFormat format, const EncoderOptions& options,
                                                       ExportSink& sink) {
  if (auto ok = validate(options, format); !ok) return tl::unexpected(ok.error());
  switch (format) {
    case ExportFormat::ipfix: return std::unique_ptr<FlowEncoder>(std::make_unique<IpfixEncoder>(options, sink));
    case ExportFormat::netflow9: return std::unique_ptr<FlowEncoder>(std::make_unique<Netflow9Encoder>(options, sink));
    case ExportFormat::netflow5: return std::unique_ptr<FlowEncoder>(std::make_unique<Netflow5Encoder>(options, sink));
  }
  return fail(Errc::invalid_argument, "unknown export format");
}

}  // namespace mamori::flow

#include "mamori/cli/flow_options.hpp"

#include "mamori/core/output_file.hpp"
#include "mamori/flow/mflow/mflow_writer.hpp"
#include "mamori/flow/output/text_writers.hpp"

namespace mamori::cli {

Result<std::unique_ptr<flow::FlowWriter>> FlowOutputOptions::open() const {
  auto format_kind = flow::parse_flow_format(format);
  if (!format_kind) return tl::unexpected(format_kind.error());
  if (*format_kind == flow::FlowFormat::mflow) {
    auto codec_kind = flow::parse_mflow_codec(codec);
    if (!codec_kind) return tl::unexpected(codec_kind.error());
    flow::MflowWriterOptions options;
    options.codec = *codec_kind;
    options.level = level;
    return flow::open_mflow_writer(path, options);
  }
  auto field_list = flow::parse_flow_field_list(fields);
  if (!field_list) return tl::unexpected(field_list.error());
  auto out = OutputFile::open(path);
  if (!out) return tl::unexpected(out.error());
  if (*format_kind == flow::FlowFormat::csv) return flow::make_csv_writer(std::move(*out), *field_list, !no_header);
  return flow::make_jsonl_writer(std::move(*out), *field_list);
}

Result<flow::Filter> FlowOutputOptions::compiled_filter() const { return flow::Filter::compile(filter); }

Status write_port_file(const std::string& path, const flow::UdpCollector& collector) {
  auto f = OutputFile::open(path);
  if (!f) return tl::unexpected(f.error());
  for (const auto& b : collector.bound()) f->append(fmt::format("{}\n", b.port));
  return f->close();
}

namespace {

CLI::Option* add_timeout(CLI::App& cmd, const std::string& name, TimeNs& target, const std::string& help) {
  return cmd
      .add_option_function<std::string>(
          name,
          [&target, name](const std::string& text) {
            auto d = parse_duration(text);
            if (!d) throw CLI::ValidationError(name, d.error().message);
            target = *d;
          },
          help)
      ->type_name("DURATION");
}

}  // namespace

void add_input_options(CLI::App& cmd, flow::FlowInputOptions& options) {
  cmd.add_option_function<std::string>(
         "--input",
         [&options](const std::string& text) {
           auto kind = flow::parse_input_kind(text);
           if (!kind) throw CLI::ValidationError("--input", kind.error().message);
           options.kind = *kind;
         },
         "Input kind: auto (detect), export (NetFlow/IPFIX/sFlow datagrams), traffic (raw packets), mflow")
      ->default_str("auto");
  add_timeout(cmd, "--template-timeout", options.decoder.pending_timeout,
              "How long data may wait for its template before it is dropped (default 60s)");
  add_timeout(cmd, "--idle-timeout", options.assembler.general_timeout,
              "Traffic captures: idle timeout for flows other than TCP/UDP/ICMP (default 3600s, as softflowd)");
  add_timeout(cmd, "--tcp-timeout", options.assembler.tcp_timeout, "Traffic captures: TCP idle timeout (3600s)");
  add_timeout(cmd, "--udp-timeout", options.assembler.udp_timeout, "Traffic captures: UDP idle timeout (300s)");
  add_timeout(cmd, "--icmp-timeout", options.assembler.icmp_timeout, "Traffic captures: ICMP idle timeout (300s)");
  add_timeout(cmd, "--active-timeout", options.assembler.max_life,
              "Traffic captures: longest a flow may last before it is exported (604800s)");
  cmd.add_option("--max-flows", options.assembler.max_flows,
                 "Traffic captures: flows tracked at once; the oldest are exported early beyond it (8192)");
  cmd.add_option_function<std::string>(
         "--expiry",
         [&options](const std::string& text) {
           options.assembler.clock =
               text == "softflowd-file" ? flow::ExpiryClock::softflowd_file : flow::ExpiryClock::packet_time;
         },
         "Traffic captures: packet-time (idle timeouts on the capture's clock) or softflowd-file (exactly what "
         "`softflowd -r` does: no idle expiry while reading a file)")
      ->check(CLI::IsMember({"packet-time", "softflowd-file"}))
      ->default_str("packet-time");
  cmd.add_option_function<std::string>(
         "--byte-count",
         [&options](const std::string& text) {
           options.assembler.byte_count = text == "ip" ? flow::ByteCount::ip_length : flow::ByteCount::link_payload;
         },
         "Traffic captures: bytes as link payload (softflowd; counts Ethernet padding) or ip (IP total length)")
      ->check(CLI::IsMember({"link", "ip"}))
      ->default_str("link");
}

void add_output_options(CLI::App& cmd, FlowOutputOptions& options) {
  cmd.add_option("--format", options.format, "Output format: csv, jsonl or mflow")
      ->check(CLI::IsMember({"csv", "jsonl", "json", "mflow"}))
      ->default_str("csv");
  cmd.add_option("-o,--output", options.path, "Output file (default: standard output)");
  cmd.add_option("--fields", options.fields,
                 "Comma-separated fields for csv/jsonl, e.g. src_addr,dst_addr,bytes (default: all)");
  cmd.add_flag("--no-header", options.no_header, "CSV without the header line");
  cmd.add_option("--codec", options.codec, ".mflow compression: zstd (smaller) or lz4 (faster)")
      ->check(CLI::IsMember({"zstd", "lz4"}))
      ->default_str("zstd");
  cmd.add_option("--level", options.level, ".mflow zstd level 1..19")->check(CLI::Range(1, 19))->default_str("3");
  add_filter_option(cmd, options.filter);
}

void add_filter_option(CLI::App& cmd, std::string& filter) {
  cmd.add_option("--filter", filter,
                 "nfdump filter syntax, e.g. 'proto udp and dst port 53', 'src net 192.0.2.0/24', 'bytes > 1000' "
                 "(docs/filter-syntax.md)");
}

}  // namespace mamori::cli

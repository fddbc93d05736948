// `mamori flows top`: top-N aggregation like `nfdump -s KEY/ORDER -n N`.
#include <cstdio>
#include <memory>

#include "mamori/cli/flow_options.hpp"
#include "mamori/flow/aggregate/top_n.hpp"

namespace mamori::cli {

namespace {

using namespace mamori::flow;

struct TopOptions {
  std::vector<std::string> files;
  FlowInputOptions input;
  std::string by = "srcip";
  std::string order = "flows";
  std::size_t n = 10;
  std::string filter;
  std::string format = "text";
};

std::string human(std::uint64_t v) {
  if (v >= 10'000'000'000ULL) return fmt::format("{:.1f} G", static_cast<double>(v) / 1e9);
  if (v >= 10'000'000ULL) return fmt::format("{:.1f} M", static_cast<double>(v) / 1e6);
  return fmt::format("{}", v);
}

int run_top(const TopOptions& o) {
  auto key = parse_top_key(o.by);
  if (!key) return report_error(key.error().message, 2);
  auto order = parse_top_order(o.order);
  if (!order) return report_error(order.error().message, 2);
  auto filter = Filter::compile(o.filter);
  if (!filter) return report_error(filter.error().message, 2);
  auto source = FlowInputSet::open(o.files, o.input);
  if (!source) return report_error(source.error().message);

  TopNAggregator aggregator(*key, *order);
  auto status = source->for_each_columns(
      [&](ColumnSource& columns, const Selection* rows) { return aggregator.add(columns, rows); }, &*filter);
  const TopNResult result = aggregator.result(o.n);
  source->report_anomalies(stderr);

  std::string out;
  if (o.format == "csv") {
    out += fmt::format("rank,{},flows,packets,bytes,share\n", top_key_name(*key));
    for (std::size_t i = 0; i < result.rows.size(); ++i) {
      const auto& r = result.rows[i];
      out += fmt::format("{},{},{},{},{},{:.6f}\n", i + 1, format_top_key(*key, r), r.flows, r.packets, r.bytes,
                         r.share);
    }
  } else if (o.format == "json") {
    out += fmt::format("{{\"by\":\"{}\",\"order\":\"{}\",\"total_flows\":{},\"total_packets\":{},\"total_bytes\":{},"
                       "\"distinct\":{},\"rows\":[",
                       top_key_name(*key), top_order_name(*order), result.total_flows, result.total_packets,
                       result.total_bytes, result.distinct_keys);
    for (std::size_t i = 0; i < result.rows.size(); ++i) {
      const auto& r = result.rows[i];
      out += fmt::format("{}{{\"key\":\"{}\",\"flows\":{},\"packets\":{},\"bytes\":{},\"share\":{:.6f}}}",
                         i ? "," : "", format_top_key(*key, r), r.flows, r.packets, r.bytes, r.share);
    }
    out += "]}\n";
  } else {
    out += fmt::format("Top {} {} ordered by {} ({} distinct, {} flows, {} packets, {} bytes)\n", o.n,
                       top_key_name(*key), top_order_name(*order), result.distinct_keys, result.total_flows,
                       result.total_packets, result.total_bytes);
    out += fmt::format("{:>4}  {:<42} {:>12} {:>12} {:>14} {:>7}\n", "rank", top_key_name(*key), "flows", "packets",
                       "bytes", "share");
    for (std::size_t i = 0; i < result.rows.size(); ++i) {
      const auto& r = result.rows[i];
      out += fmt::format("{:>4}  {:<42} {:>12} {:>12} {:>14} {:>6.2f}%\n", i + 1, format_top_key(*key, r),
                         human(r.flows), human(r.packets), human(r.bytes), r.share * 100);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (!status) return report_error(status.error().message);
  return 0;
}

}  // namespace

void register_flows_top_command(CommandSet& commands, CLI::App& flows) {
  auto o = std::make_shared<TopOptions>();
  CLI::App& cmd = commands.verb(flows, "top", "Top-N aggregation like `nfdump -s srcip/bytes -n 10`",
                                [o] { return run_top(*o); });
  cmd.add_option("FILE", o->files, "Input files (any kind `flows read` accepts)")->required()->check(CLI::ExistingFile);
  add_input_options(cmd, o->input);
  cmd.add_option("--by", o->by, "Aggregate by srcip, dstip, srcport, dstport, proto or pair")
      ->check(CLI::IsMember({"srcip", "dstip", "srcport", "dstport", "proto", "pair"}))
      ->default_str("srcip");
  cmd.add_option("--order", o->order, "Order by flows, packets or bytes")
      ->check(CLI::IsMember({"flows", "packets", "bytes"}))
      ->default_str("flows");
  cmd.add_option("-n", o->n, "Number of rows (0: all)")->default_str("10");
  add_filter_option(cmd, o->filter);
  cmd.add_option("--format", o->format, "text, csv or json")->check(CLI::IsMember({"text", "csv", "json"}))->default_str("text");
}

}  // namespace mamori::cli

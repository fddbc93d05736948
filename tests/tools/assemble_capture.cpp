// Assembles the flows of one capture and writes them as mamori's flow CSV,
// the same bytes `mamori flows read FILE --input traffic --format csv` writes.
// Used by tests/integration/test_traffic_vs_softflowd.py.
//
//   assemble_capture CAPTURE [-o OUT] [--softflowd-file] [--ip-length]
//                    [-m MAX_FLOWS] [-t NAME=SECONDS]...
// Timeout names are softflowd's: tcp tcp.rst tcp.fin udp icmp general maxlife expint.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/flow/assemble/flow_assembler.hpp"
#include "mamori/flow/capture/pcap_file.hpp"
#include "mamori/flow/output/flow_writer.hpp"

namespace {

bool set_timeout(mamori::flow::AssemblerOptions& o, std::string_view spec) {
  const auto eq = spec.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string_view name = spec.substr(0, eq);
  const mamori::TimeNs v = std::strtoull(std::string(spec.substr(eq + 1)).c_str(), nullptr, 10) * mamori::kNsPerSecond;
  if (name == "tcp") o.tcp_timeout = v;
  else if (name == "tcp.rst") o.tcp_rst_timeout = v;
  else if (name == "tcp.fin") o.tcp_fin_timeout = v;
  else if (name == "udp") o.udp_timeout = v;
  else if (name == "icmp") o.icmp_timeout = v;
  else if (name == "general") o.general_timeout = v;
  else if (name == "maxlife") o.max_life = v;
  else if (name == "expint") o.expiry_interval = v;
  else return false;
  return true;
}

int usage() {
  std::fputs("usage: assemble_capture CAPTURE [-o OUT] [--softflowd-file] [--ip-length] [-m N] [-t NAME=SECONDS]...\n",
             stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mamori::flow;
  std::string input;
  std::string output = "-";
  AssemblerOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-o" && i + 1 < argc) output = argv[++i];
    else if (a == "--softflowd-file") options.clock = ExpiryClock::softflowd_file;
    else if (a == "--ip-length") options.byte_count = ByteCount::ip_length;
    else if (a == "-m" && i + 1 < argc) options.max_flows = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "-t" && i + 1 < argc) {
      if (!set_timeout(options, argv[++i])) return usage();
    } else if (input.empty() && !a.starts_with('-')) input = a;
    else return usage();
  }
  if (input.empty()) return usage();

  auto capture = PcapFile::open(input);
  if (!capture) {
    std::fprintf(stderr, "%s\n", capture.error().message.c_str());
    return 1;
  }
  auto writer = open_flow_writer(FlowFormat::csv, output);
  if (!writer) {
    std::fprintf(stderr, "%s\n", writer.error().message.c_str());
    return 1;
  }
  const auto link = static_cast<LinkType>(capture->link_type());
  if (!is_supported_link_type(capture->link_type())) {
    std::fprintf(stderr, "%s: unsupported link type %u\n", input.c_str(), capture->link_type());
    return 1;
  }
  FlowAssembler assembler(options);
  std::vector<FlowRecord> flows;
  CapturedPacket packet;
  int rc = 0;
  for (;;) {
    auto more = capture->next(packet);
    if (!more) {
      std::fprintf(stderr, "%s\n", more.error().message.c_str());
      rc = 1;
      break;
    }
    if (!*more) break;
    assembler.add_frame(link, packet, flows);
    if (flows.size() >= 4096) {
      if (auto st = (*writer)->write(flows); !st) {
        std::fprintf(stderr, "%s\n", st.error().message.c_str());
        return 1;
      }
      flows.clear();
    }
  }
  assembler.flush(flows);
  if (auto st = (*writer)->write(flows); !st) {
    std::fprintf(stderr, "%s\n", st.error().message.c_str());
    return 1;
  }
  if (auto st = (*writer)->finish(); !st) {
    std::fprintf(stderr, "%s\n", st.error().message.c_str());
    return 1;
  }
  const AssemblerStats s = assembler.stats();
  std::fprintf(stderr, "frames=%llu ip_packets=%llu flows=%llu records=%llu evicted=%llu\n",
               static_cast<unsigned long long>(s.frames), static_cast<unsigned long long>(s.ip_packets),
               static_cast<unsigned long long>(s.flows_expired), static_cast<unsigned long long>(s.flows_emitted),
               static_cast<unsigned long long>(s.flows_evicted));
  assembler.anomalies().for_each_nonzero([](mamori::Anomaly a, std::uint64_t n) {
    std::fprintf(stderr, "anomaly %.*s=%llu\n", static_cast<int>(mamori::anomaly_name(a).size()),
                 mamori::anomaly_name(a).data(), static_cast<unsigned long long>(n));
  });
  return rc;
}

#include "mamori/flow/capture/pcap_file.hpp"

#include <pcap/pcap.h>

#include <cstdio>

namespace mamori::flow {

struct PcapFile::Handle {
  pcap_t* pcap = nullptr;
  ~Handle() {
    if (pcap != nullptr) pcap_close(pcap);
  }
};

PcapFile::PcapFile(std::unique_ptr<Handle> handle, std::string path, std::uint32_t link_type)
    : handle_(std::move(handle)), path_(std::move(path)), link_type_(link_type) {}
PcapFile::PcapFile(PcapFile&&) noexcept = default;
PcapFile& PcapFile::operator=(PcapFile&&) noexcept = default;
PcapFile::~PcapFile() = default;

Result<PcapFile> PcapFile::open(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (p == nullptr) return fail(Errc::io_error, "{}: cannot read capture: {}", path, errbuf);
  auto handle = std::make_unique<Handle>();
  handle->pcap = p;
  // libpcap reports DLT_ values, which differ from the file's LINKTYPE_ for a few
  // types (raw IP is DLT 12 or 14 on Linux, LINKTYPE 101): report LINKTYPE_.
  auto link = static_cast<std::uint32_t>(pcap_datalink(p));
  if (link == DLT_RAW || link == 14) link = 101;
  return PcapFile(std::move(handle), path, link);
}

Result<bool> PcapFile::next(CapturedPacket& packet) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(handle_->pcap, &header, &data);
  if (rc == 1) {
    ++packets_read_;
    packet.timestamp_ns = static_cast<TimeNs>(header->ts.tv_sec) * kNsPerSecond +
                          static_cast<TimeNs>(header->ts.tv_usec);  // nanosecond precision requested
    packet.wire_length = header->len;
    packet.data = as_bytes(data, header->caplen);
    return true;
  }
  if (rc == PCAP_ERROR_BREAK) return false;
  long offset = -1;
  if (FILE* f = pcap_file(handle_->pcap)) offset = std::ftell(f);
  return fail(Errc::truncated, "{}: capture truncated or corrupt after packet {} (byte offset {}): {}", path_,
              packets_read_, offset, pcap_geterr(handle_->pcap));
}

bool looks_like_capture(Bytes head) noexcept {
  if (head.size() < 4) return false;
  const std::uint32_t magic = load_be32(head.data());
  switch (magic) {
    case 0xa1b2c3d4:  // pcap, microseconds
    case 0xd4c3b2a1:
    case 0xa1b23c4d:  // pcap, nanoseconds
    case 0x4d3cb2a1:
    case 0x0a0d0d0a:  // pcapng section header block
      return true;
    default:
      return false;
  }
}

}  // namespace mamori::flow

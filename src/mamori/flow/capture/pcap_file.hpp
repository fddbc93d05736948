#pragma once
// Reads pcap and pcapng files (through libpcap) packet by packet, with
// nanosecond timestamps. A truncated or corrupt file ends the iteration with
// an error that names the byte offset; packets read before it stay valid.
#include <cstdint>
#include <memory>
#include <string>

#include "mamori/core/byte_reader.hpp"
#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"

namespace mamori::flow {

struct CapturedPacket {
  TimeNs timestamp_ns = 0;
  std::uint32_t wire_length = 0;  // length on the wire (may exceed data.size())
  Bytes data;                     // captured bytes; valid until the next call to next()
};

class PcapFile {
 public:
  static Result<PcapFile> open(const std::string& path);
  PcapFile(PcapFile&&) noexcept;
  PcapFile& operator=(PcapFile&&) noexcept;
  ~PcapFile();

  // Returns true with a packet, false at a clean end of file, or an error.
  Result<bool> next(CapturedPacket& packet);

  std::uint32_t link_type() const noexcept { return link_type_; }
  const std::string& path() const noexcept { return path_; }
  std::uint64_t packets_read() const noexcept { return packets_read_; }

 private:
  struct Handle;
  PcapFile(std::unique_ptr<Handle> handle, std::string path, std::uint32_t link_type);
  std::unique_ptr<Handle> handle_;
  std::string path_;
  std::uint32_t link_type_ = 0;
  std::uint64_t packets_read_ = 0;
};

// True when the file starts with a pcap or pcapng magic number.
bool looks_like_capture(Bytes head) noexcept;

}  // namespace mamori::flow

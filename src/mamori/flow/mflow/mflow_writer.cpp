#include "mamori/flow/mflow/mflow_writer.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "mamori/flow/mflow/block_layout.hpp"
#include "mamori/flow/mflow/column_batch.hpp"
#include "mamori/flow/mflow/column_codec.hpp"

namespace mamori::flow {

namespace {

using namespace mflow;

// Transposes a block into one array per integer column and one per address
// column in a single pass over the records: a pass per column would stream
// the whole block (10 MB at 65536 records) from memory once per column.
struct BlockColumns {
  std::array<std::vector<std::uint64_t>, kFlowFieldCount> ints;
  std::array<std::vector<IpAddress>, kFlowFieldCount> addresses;

  void load(std::span<const FlowRecord> flows) {
    const std::size_t n = flows.size();
    auto col = [&](FlowField f) {
      auto& v = ints[static_cast<std::size_t>(f)];
      v.resize(n);
      return v.data();
    };
    auto addr = [&](FlowField f) {
      auto& v = addresses[static_cast<std::size_t>(f)];
      v.resize(n);
      return v.data();
    };
    std::uint64_t* start = col(FlowField::start_ns);
    std::uint64_t* end = col(FlowField::end_ns);
    std::uint64_t* sport = col(FlowField::src_port);
    std::uint64_t* dport = col(FlowField::dst_port);
    std::uint64_t* proto = col(FlowField::proto);
    std::uint64_t* packets = col(FlowField::packets);
    std::uint64_t* bytes = col(FlowField::bytes);
    std::uint64_t* flags = col(FlowField::tcp_flags);
    std::uint64_t* tos = col(FlowField::tos);
    std::uint64_t* in_if = col(FlowField::input_if);
    std::uint64_t* out_if = col(FlowField::output_if);
    std::uint64_t* rate = col(FlowField::sampling_rate);
    std::uint64_t* raw_packets = col(FlowField::raw_packets);
    std::uint64_t* raw_bytes = col(FlowField::raw_bytes);
    std::uint64_t* domain = col(FlowField::observation_domain);
    std::uint64_t* direction = col(FlowField::direction);
    std::uint64_t* source = col(FlowField::source);
    std::uint64_t* locality = col(FlowField::locality);
    IpAddress* src = addr(FlowField::src_addr);
    IpAddress* dst = addr(FlowField::dst_addr);
    IpAddress* exporter = addr(FlowField::exporter);
    for (std::size_t i = 0; i < n; ++i) {
      const FlowRecord& r = flows[i];
      start[i] = r.start_ns;
      end[i] = r.end_ns;
      sport[i] = r.src_port;
      dport[i] = r.dst_port;
      proto[i] = r.proto;
      packets[i] = r.packets;
      bytes[i] = r.bytes;
      flags[i] = r.tcp_flags;
      tos[i] = r.tos;
      in_if[i] = r.input_if;
      out_if[i] = r.output_if;
      rate[i] = r.sampling_rate;
      raw_packets[i] = r.raw_packets;
      raw_bytes[i] = r.raw_bytes;
      domain[i] = r.observation_domain;
      direction[i] = static_cast<std::uint64_t>(r.direction);
      source[i] = static_cast<std::uint64_t>(r.source);
      locality[i] = static_cast<std::uint64_t>(r.locality);
      src[i] = r.src_addr;
      dst[i] = r.dst_addr;
      exporter[i] = r.exporter;
    }
  }
  const std::vector<std::uint64_t>& of(FlowField f) const { return ints[static_cast<std::size_t>(f)]; }
  const std::vector<IpAddress>& addresses_of(FlowField f) const { return addresses[static_cast<std::size_t>(f)]; }
};

class MflowWriter final : public FlowWriter {
 public:
  MflowWriter(OutputFile out, MflowWriterOptions options)
      : out_(std::move(out)), options_(options), encoder_(options.codec, options.level, options.shuffle) {
    pending_.reserve(options_.block_records);
  }

  Status start() {
    std::byte header[kFileHeaderSize] = {};
    std::memcpy(header, kFileMagic.data(), kFileMagic.size());
    store_le16(header + 8, kVersionMajor);
    store_le16(header + 10, kVersionMinor);
    store_le32(header + 12, kFileHeaderSize);
    store_le32(header + 16, 0);
    store_le32(header + 20, options_.block_records);
    store_le64(header + 24, checksum(header, 24));
    return emit(header, sizeof header);
  }

  Status write(std::span<const FlowRecord> flows) override {
    if (finished_) return fail(Errc::invalid_argument, "{}: mflow writer already finished", out_.path());
    while (!flows.empty()) {
      std::size_t room = options_.block_records - pending_.size();
      std::size_t take = std::min(room, flows.size());
      pending_.insert(pending_.end(), flows.begin(), flows.begin() + static_cast<std::ptrdiff_t>(take));
      flows = flows.subspan(take);
      if (pending_.size() == options_.block_records) {
        if (auto s = flush_block(); !s) return s;
      }
    }
    return {};
  }

  Status finish() override {
    if (finished_) return {};
    finished_ = true;
    if (auto s = flush_block(); !s) return s;
    std::vector<std::byte> footer(kFooterFixedSize + kIndexEntrySize * index_.size() + kChecksumSize + kTrailerSize);
    std::byte* p = footer.data();
    store_le32(p, kFooterTag);
    store_le32(p + 4, static_cast<std::uint32_t>(index_.size()));
    store_le64(p + 8, total_records_);
    std::byte* e = p + kFooterFixedSize;
    for (const IndexEntry& entry : index_) {
      entry.store(e);
      e += kIndexEntrySize;
    }
    store_le64(e, checksum(p, static_cast<std::size_t>(e - p)));
    store_le64(e + 8, offset_);
    std::memcpy(e + 16, kTrailerMagic.data(), kTrailerMagic.size());
    if (auto s = emit(footer.data(), footer.size()); !s) return s;
    return out_.close();
  }

 private:
  Status emit(const std::byte* data, std::size_t size) {
    if (!out_.append(std::string_view(reinterpret_cast<const char*>(data), size)))
      return fail(Errc::io_error, "{}", out_.error().empty() ? out_.path() + ": write failed" : out_.error());
    offset_ += size;
    return {};
  }

  Status flush_block() {
    if (pending_.empty()) return {};
    const std::span<const FlowRecord> flows = pending_;
    BlockHeader header;
    header.record_count = static_cast<std::uint32_t>(flows.size());
    header.stats = BlockStats::compute(flows);
    payload_.clear();
    chunks_.clear();
    columns_.load(flows);
    for (std::uint8_t id = 1; id <= kMaxColumnId; ++id) {
      FlowField field = *field_of(id);
      if (is_address(field)) {
        chunks_.push_back(encoder_.encode_addresses(id, columns_.addresses_of(field), payload_));
        continue;
      }
      std::span<const std::uint64_t> reference;
      if (auto ref = reference_of(field)) reference = columns_.of(*ref);
      IntColumnHints hints;
      hints.try_delta = field == FlowField::start_ns;
      hints.try_scale = field == FlowField::start_ns || field == FlowField::end_ns;
      chunks_.push_back(encoder_.encode_ints(id, columns_.of(field), reference, hints, payload_));
    }
    header.payload_size = payload_.size();
    header_bytes_.resize(block_header_size(chunks_.size()));
    header.store(chunks_, header_bytes_.data());
    index_.push_back(IndexEntry{offset_, header.record_count, header.stats.start_min, header.stats.end_max});
    if (auto s = emit(header_bytes_.data(), header_bytes_.size()); !s) return s;
    if (auto s = emit(payload_.data(), payload_.size()); !s) return s;
    total_records_ += flows.size();
    pending_.clear();
    return {};
  }

  OutputFile out_;
  MflowWriterOptions options_;
  ColumnEncoder encoder_;
  std::vector<FlowRecord> pending_;
  BlockColumns columns_;
  std::vector<std::byte> payload_, header_bytes_;
  std::vector<ColumnChunk> chunks_;
  std::vector<IndexEntry> index_;
  std::uint64_t offset_ = 0;
  std::uint64_t total_records_ = 0;
  bool finished_ = false;
};

}  // namespace

Result<mflow::Codec> parse_mflow_codec(std::string_view name) {
  if (name == "zstd") return mflow::Codec::zstd;
  if (name == "lz4") return mflow::Codec::lz4;
  if (name == "none") return mflow::Codec::none;
  return fail(Errc::invalid_argument, "unknown mflow codec '{}' (use zstd, lz4 or none)", name);
}

Result<std::unique_ptr<FlowWriter>> make_mflow_writer(OutputFile out, MflowWriterOptions options) {
  if (out.is_terminal())
    return fail(Errc::invalid_argument, "refusing to write binary .mflow data to a terminal; use -o FILE or a pipe");
  if (options.block_records == 0 || options.block_records > kMaxBlockRecords)
    return fail(Errc::invalid_argument, "mflow block size must be 1..{} records", kMaxBlockRecords);
  if (options.codec == Codec::zstd && (options.level < 1 || options.level > 22))
    return fail(Errc::invalid_argument, "zstd level must be 1..22");
  auto writer = std::make_unique<MflowWriter>(std::move(out), options);
  if (auto s = writer->start(); !s) return tl::unexpected(s.error());
  return std::unique_ptr<FlowWriter>(std::move(writer));
}

Result<std::unique_ptr<FlowWriter>> open_mflow_writer(const std::string& path, MflowWriterOptions options) {
  auto out = OutputFile::open(path);
  if (!out) return tl::unexpected(out.error());
  return make_mflow_writer(std::move(*out), options);
}

}  // namespace mamori::flow

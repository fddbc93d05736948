#include "mamori/flow/mflow/mflow_reader.hpp"

#include <array>
#include <optional>
#include <type_traits>

#include "mamori/flow/mflow/block_layout.hpp"
#include "mamori/flow/mflow/byte_input.hpp"
#include "mamori/flow/mflow/column_codec.hpp"
#include "mamori/flow/mflow/mflow_format.hpp"

namespace mamori::flow {

using namespace mflow;

struct MflowBlock::State {
  struct Located {
    ColumnChunk chunk;
    std::uint64_t payload_offset = 0;  // relative to the payload start
    bool present = false;
  };
  Bytes payload;
  std::uint64_t payload_file_offset = 0;
  std::array<Located, kFlowFieldCount> by_field{};
  ColumnDecoder decoder;
  FlowColumns selected;  // the selected rows of every column, for sparse reads
};

MflowBlock::MflowBlock() : state_(std::make_unique<State>()) {}
MflowBlock::~MflowBlock() = default;

std::uint64_t MflowBlock::stored_size(FlowField field) const noexcept {
  const auto& located = state_->by_field[static_cast<std::size_t>(field)];
  return located.present ? located.chunk.stored_len : 0;
}

Status MflowBlock::require(ColumnSet wanted) {
  ColumnSet missing = wanted & kAllColumns & ~columns_.loaded;
  for (unsigned f = 0; missing != 0; ++f, missing >>= 1) {
    if ((missing & 1) == 0) continue;
    if (auto s = decode(static_cast<FlowField>(f)); !s) return s;
  }
  return {};
}

namespace {

template <class T>
void fill_default(std::vector<T>& column, std::size_t n, T value) {
  column.assign(n, value);
}

}  // namespace

Status MflowBlock::decode(FlowField field) {
  const ColumnSet bit = column_bit(field);
  if (columns_.loaded & bit) return {};
  const std::size_t n = columns_.size;
  const auto& located = state_->by_field[static_cast<std::size_t>(field)];
  FlowColumns& c = columns_;
  if (!located.present) {
    static const FlowRecord kDefaults{};
    switch (field) {
      case FlowField::start_ns: fill_default(c.start_ns, n, kDefaults.start_ns); break;
      case FlowField::end_ns: fill_default(c.end_ns, n, kDefaults.end_ns); break;
      case FlowField::src_addr: fill_default(c.src_addr, n, kDefaults.src_addr); break;
      case FlowField::dst_addr: fill_default(c.dst_addr, n, kDefaults.dst_addr); break;
      case FlowField::exporter: fill_default(c.exporter, n, kDefaults.exporter); break;
      case FlowField::src_port: fill_default(c.src_port, n, kDefaults.src_port); break;
      case FlowField::dst_port: fill_default(c.dst_port, n, kDefaults.dst_port); break;
      case FlowField::proto: fill_default(c.proto, n, kDefaults.proto); break;
      case FlowField::packets: fill_default(c.packets, n, kDefaults.packets); break;
      case FlowField::bytes: fill_default(c.bytes, n, kDefaults.bytes); break;
      case FlowField::raw_packets: fill_default(c.raw_packets, n, kDefaults.raw_packets); break;
      case FlowField::raw_bytes: fill_default(c.raw_bytes, n, kDefaults.raw_bytes); break;
      case FlowField::tcp_flags: fill_default(c.tcp_flags, n, kDefaults.tcp_flags); break;
      case FlowField::tos: fill_default(c.tos, n, kDefaults.tos); break;
      case FlowField::input_if: fill_default(c.input_if, n, kDefaults.input_if); break;
      case FlowField::output_if: fill_default(c.output_if, n, kDefaults.output_if); break;
      case FlowField::sampling_rate: fill_default(c.sampling_rate, n, kDefaults.sampling_rate); break;
      case FlowField::observation_domain:
        fill_default(c.observation_domain, n, kDefaults.observation_domain);
        break;
      case FlowField::direction: fill_default(c.direction, n, static_cast<std::uint8_t>(kDefaults.direction)); break;
      case FlowField::source: fill_default(c.source, n, static_cast<std::uint8_t>(kDefaults.source)); break;
      case FlowField::locality:
        fill_default(c.locality, n, static_cast<std::uint8_t>(kDefaults.locality));
        break;
    }
    c.loaded |= bit;
    return {};
  }
  const ColumnChunk& chunk = located.chunk;
  const std::uint64_t* reference = nullptr;
  if (chunk.flags & kRelative) {
    auto ref = reference_of(field);
    if (!ref)
      return fail(Errc::corrupt, "mflow: block at byte {}: column '{}' is relative but has no reference column",
                  offset_, flow_field_name(field));
    if (auto s = decode(*ref); !s) return s;
    switch (*ref) {
      case FlowField::start_ns: reference = c.start_ns.data(); break;
      case FlowField::packets: reference = c.packets.data(); break;
      default: reference = c.bytes.data(); break;
    }
  }
  Bytes stored = state_->payload.subspan(static_cast<std::size_t>(located.payload_offset), chunk.stored_len);
  ChunkLocation where{flow_field_name(field), offset_, state_->payload_file_offset + located.payload_offset};
  ColumnDecoder& d = state_->decoder;
  Status s;
  switch (field) {
    case FlowField::start_ns: s = d.decode_ints(chunk, stored, n, reference, where, c.start_ns); break;
    case FlowField::end_ns: s = d.decode_ints(chunk, stored, n, reference, where, c.end_ns); break;
    case FlowField::src_addr: s = d.decode_addresses(chunk, stored, n, where, c.src_addr); break;
    case FlowField::dst_addr: s = d.decode_addresses(chunk, stored, n, where, c.dst_addr); break;
    case FlowField::exporter: s = d.decode_addresses(chunk, stored, n, where, c.exporter); break;
    case FlowField::src_port: s = d.decode_ints(chunk, stored, n, reference, where, c.src_port); break;
    case FlowField::dst_port: s = d.decode_ints(chunk, stored, n, reference, where, c.dst_port); break;
    case FlowField::proto: s = d.decode_ints(chunk, stored, n, reference, where, c.proto); break;
    case FlowField::packets: s = d.decode_ints(chunk, stored, n, reference, where, c.packets); break;
    case FlowField::bytes: s = d.decode_ints(chunk, stored, n, reference, where, c.bytes); break;
    case FlowField::raw_packets: s = d.decode_ints(chunk, stored, n, reference, where, c.raw_packets); break;
    case FlowField::raw_bytes: s = d.decode_ints(chunk, stored, n, reference, where, c.raw_bytes); break;
    case FlowField::tcp_flags: s = d.decode_ints(chunk, stored, n, reference, where, c.tcp_flags); break;
    case FlowField::tos: s = d.decode_ints(chunk, stored, n, reference, where, c.tos); break;
    case FlowField::input_if: s = d.decode_ints(chunk, stored, n, reference, where, c.input_if); break;
    case FlowField::output_if: s = d.decode_ints(chunk, stored, n, reference, where, c.output_if); break;
    case FlowField::sampling_rate: s = d.decode_ints(chunk, stored, n, reference, where, c.sampling_rate); break;
    case FlowField::observation_domain:
      s = d.decode_ints(chunk, stored, n, reference, where, c.observation_domain);
      break;
    case FlowField::direction: s = d.decode_ints(chunk, stored, n, reference, where, c.direction); break;
    case FlowField::source: s = d.decode_ints(chunk, stored, n, reference, where, c.source); break;
    case FlowField::locality: s = d.decode_ints(chunk, stored, n, reference, where, c.locality); break;
  }
  if (!s) return s;
  if (read_stats_ != nullptr) {
    ++read_stats_->chunks_decoded;
    read_stats_->bytes_decoded += chunk.stored_len;
  }
  c.loaded |= bit;
  return {};
}

namespace {

// Appends rows [0, c.size) of columns that are all loaded.
void append_all(const FlowColumns& c, std::vector<FlowRecord>& out) {
  // push_back of a record built in place writes each record once; resize()
  // would zero them all first.
  out.reserve(out.size() + c.size);
  for (std::size_t i = 0; i < c.size; ++i) {
    FlowRecord r;
    r.start_ns = c.start_ns[i];
    r.end_ns = c.end_ns[i];
    r.src_addr = c.src_addr[i];
    r.dst_addr = c.dst_addr[i];
    r.packets = c.packets[i];
    r.bytes = c.bytes[i];
    r.raw_packets = c.raw_packets[i];
    r.raw_bytes = c.raw_bytes[i];
    r.exporter = c.exporter[i];
    r.observation_domain = c.observation_domain[i];
    r.sampling_rate = c.sampling_rate[i];
    r.input_if = c.input_if[i];
    r.output_if = c.output_if[i];
    r.src_port = c.src_port[i];
    r.dst_port = c.dst_port[i];
    r.proto = c.proto[i];
    r.tcp_flags = c.tcp_flags[i];
    r.tos = c.tos[i];
    r.direction = static_cast<Direction>(c.direction[i]);
    r.source = static_cast<FlowSource>(c.source[i]);
    r.locality = static_cast<Locality>(c.locality[i]);
    out.push_back(r);
  }
}

// Calls fn with the vectors of `field` in two column sets.
template <class F>
void visit_column(FlowField field, FlowColumns& a, FlowColumns& b, F&& fn) {
  switch (field) {
    case FlowField::start_ns: return fn(a.start_ns, b.start_ns);
    case FlowField::end_ns: return fn(a.end_ns, b.end_ns);
    case FlowField::src_addr: return fn(a.src_addr, b.src_addr);
    case FlowField::dst_addr: return fn(a.dst_addr, b.dst_addr);
    case FlowField::exporter: return fn(a.exporter, b.exporter);
    case FlowField::src_port: return fn(a.src_port, b.src_port);
    case FlowField::dst_port: return fn(a.dst_port, b.dst_port);
    case FlowField::proto: return fn(a.proto, b.proto);
    case FlowField::packets: return fn(a.packets, b.packets);
    case FlowField::bytes: return fn(a.bytes, b.bytes);
    case FlowField::raw_packets: return fn(a.raw_packets, b.raw_packets);
    case FlowField::raw_bytes: return fn(a.raw_bytes, b.raw_bytes);
    case FlowField::tcp_flags: return fn(a.tcp_flags, b.tcp_flags);
    case FlowField::tos: return fn(a.tos, b.tos);
    case FlowField::input_if: return fn(a.input_if, b.input_if);
    case FlowField::output_if: return fn(a.output_if, b.output_if);
    case FlowField::sampling_rate: return fn(a.sampling_rate, b.sampling_rate);
    case FlowField::observation_domain: return fn(a.observation_domain, b.observation_domain);
    case FlowField::direction: return fn(a.direction, b.direction);
    case FlowField::source: return fn(a.source, b.source);
    case FlowField::locality: return fn(a.locality, b.locality);
  }
}

// Below one selected row in this many, decoding only the selected rows of
// the remaining columns beats decoding them whole.
constexpr std::size_t kSparseRatio = 4;

}  // namespace

Status MflowBlock::append_records(std::vector<FlowRecord>& out) {
  if (auto s = require(kAllColumns); !s) return s;
  append_all(columns_, out);
  return {};
}

Status MflowBlock::append_records(std::vector<FlowRecord>& out, std::span<const std::uint32_t> rows) {
  const std::size_t n = columns_.size;
  bool ascending = true;
  for (std::size_t j = 0; j < rows.size() && ascending; ++j)
    ascending = rows[j] < n && (j == 0 || rows[j] > rows[j - 1]);
  if (!ascending || rows.size() * kSparseRatio >= n) {
    if (auto s = require(kAllColumns); !s) return s;
    out.reserve(out.size() + rows.size());
    for (std::uint32_t i : rows) {
      if (i >= n) break;
      FlowRecord r;
      columns_.fill_record(i, r);
      out.push_back(r);
    }
    return {};
  }
  FlowColumns& part = state_->selected;
  part.size = rows.size();
  part.loaded = 0;
  // FlowField order puts every reference (start, packets, bytes) before the
  // columns stored relative to it.
  for (unsigned f = 0; f < kFlowFieldCount; ++f) {
    const auto field = static_cast<FlowField>(f);
    const auto& located = state_->by_field[f];
    if (!(columns_.loaded & column_bit(field)) && !located.present) {
      if (auto s = decode(field); !s) return s;  // absent: cheap defaults
    }
    Status status;
    if (columns_.loaded & column_bit(field)) {
      visit_column(field, columns_, part, [&](auto& whole, auto& picked) {
        picked.resize(rows.size());
        for (std::size_t j = 0; j < rows.size(); ++j) picked[j] = whole[rows[j]];
      });
    } else {
      const ColumnChunk& chunk = located.chunk;
      const std::uint64_t* reference = nullptr;
      if (chunk.flags & kRelative) {
        switch (reference_of(field).value_or(field)) {
          case FlowField::start_ns: reference = part.start_ns.data(); break;
          case FlowField::packets: reference = part.packets.data(); break;
          case FlowField::bytes: reference = part.bytes.data(); break;
          default: break;
        }
      }
      Bytes stored = state_->payload.subspan(static_cast<std::size_t>(located.payload_offset), chunk.stored_len);
      ChunkLocation where{flow_field_name(field), offset_, state_->payload_file_offset + located.payload_offset};
      ColumnDecoder& d = state_->decoder;
      visit_column(field, columns_, part, [&](auto&, auto& picked) {
        using T = typename std::decay_t<decltype(picked)>::value_type;
        if constexpr (std::is_same_v<T, IpAddress>)
          status = d.decode_address_rows(chunk, stored, n, rows, where, picked);
        else
          status = d.decode_rows(chunk, stored, n, rows, reference, where, picked);
      });
      if (!status) return status;
      if (read_stats_ != nullptr) {
        ++read_stats_->chunks_decoded;
        read_stats_->bytes_decoded += chunk.stored_len;
      }
    }
    part.loaded |= column_bit(field);
  }
  append_all(part, out);
  return {};
}

// ---------------------------------------------------------------- reader

struct MflowReader::Impl {
  std::string name;
  std::unique_ptr<ByteInput> input;
  MflowFileInfo info;
  MflowReadStats stats;
  MflowBlock block;
  std::uint64_t pos = 0;
  std::vector<IndexEntry> seen;
  bool done = false;
  bool has_block = false;
  std::optional<Error> error;

  Status read_header();
  Result<bool> advance();
  Result<bool> read_block(Bytes fixed);
  Result<bool> read_footer();
};

Status MflowReader::Impl::read_header() {
  auto v = input->view(0, kFileHeaderSize);
  if (!v) return tl::unexpected(v.error());
  if (v->size() >= kFileMagic.size() && std::memcmp(v->data(), kFileMagic.data(), kFileMagic.size()) != 0)
    return fail(Errc::corrupt, "mflow: {}: not an .mflow file (bad magic at byte 0)", name);
  if (v->size() < kFileHeaderSize)
    return fail(Errc::truncated, "mflow: {}: truncated at byte {}: the file header needs {} bytes", name, v->size(),
                kFileHeaderSize);
  const std::byte* p = v->data();
  if (checksum(p, 24) != load_le64(p + 24))
    return fail(Errc::corrupt, "mflow: {}: file header checksum mismatch at byte 24", name);
  info.version_major = load_le16(p + 8);
  info.version_minor = load_le16(p + 10);
  std::uint32_t header_size = load_le32(p + 12);
  info.flags = load_le32(p + 16);
  info.block_records = load_le32(p + 20);
  if (info.version_major != kVersionMajor)
    return fail(Errc::unsupported, "mflow: {}: format version {}.{} is not supported (this reader knows {}.x)", name,
                info.version_major, info.version_minor, kVersionMajor);
  if (header_size < kFileHeaderSize || header_size > 4096)
    return fail(Errc::corrupt, "mflow: {}: bad file header size {} at byte 12", name, header_size);
  // The low 16 flag bits name features a reader must understand.
  if ((info.flags & 0xffffu) != 0)
    return fail(Errc::unsupported, "mflow: {}: required feature flags 0x{:04x} are not supported", name,
                info.flags & 0xffffu);
  pos = header_size;
  return {};
}

Result<bool> MflowReader::Impl::advance() {
  auto v = input->view(pos, kBlockFixedSize);
  if (!v) return tl::unexpected(v.error());
  if (v->empty())
    return fail(Errc::truncated,
                "mflow: {}: file ends at byte {} without a footer (truncated after {} complete blocks, {} records)",
                name, pos, seen.size(), stats.records);
  if (v->size() < 4) return fail(Errc::truncated, "mflow: {}: truncated at byte {} inside a section tag", name, pos);
  std::uint32_t tag = load_le32(v->data());
  if (tag == kBlockTag) return read_block(*v);
  if (tag == kFooterTag) return read_footer();
  return fail(Errc::corrupt, "mflow: {}: unknown section tag 0x{:08x} at byte {}", name, tag, pos);
}

Result<bool> MflowReader::Impl::read_block(Bytes fixed) {
  const std::uint64_t at = pos;
  if (fixed.size() < kBlockFixedSize)
    return fail(Errc::truncated, "mflow: {}: block at byte {} truncated: file ends at byte {} inside its header", name,
                at, at + fixed.size());
  BlockHeader h = BlockHeader::load_fixed(fixed.data());
  if (h.column_count > kMaxColumns || h.header_size != block_header_size(h.column_count))
    return fail(Errc::corrupt, "mflow: {}: block at byte {}: bad header size {} for {} columns", name, at,
                h.header_size, h.column_count);
  auto hv = input->view(at, h.header_size);
  if (!hv) return tl::unexpected(hv.error());
  if (hv->size() < h.header_size)
    return fail(Errc::truncated, "mflow: {}: block at byte {} truncated: file ends at byte {} inside its header", name,
                at, at + hv->size());
  const std::byte* hp = hv->data();
  const std::size_t sum_at = h.header_size - kChecksumSize;
  if (checksum(hp, sum_at) != load_le64(hp + sum_at))
    return fail(Errc::corrupt, "mflow: {}: block at byte {}: header checksum mismatch (header bytes {}..{})", name, at,
                at, at + h.header_size - 1);
  if (h.record_count == 0 || h.record_count > kMaxBlockRecords)
    return fail(Errc::corrupt, "mflow: {}: block at byte {}: bad record count {}", name, at, h.record_count);
  if (h.flags != 0)
    return fail(Errc::unsupported, "mflow: {}: block at byte {}: unsupported block flags 0x{:04x}", name, at, h.flags);

  MflowBlock::State& st = *block.state_;
  for (auto& l : st.by_field) l.present = false;
  const std::uint64_t n = h.record_count;
  const std::uint64_t max_raw = 16 * n + (n + 7) / 8 + 16;
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < h.column_count; ++i) {
    const std::uint64_t entry_at = at + kBlockFixedSize + i * kColumnEntrySize;
    ColumnChunk c = ColumnChunk::load(hp + kBlockFixedSize + i * kColumnEntrySize);
    if (static_cast<std::uint8_t>(c.codec) > static_cast<std::uint8_t>(Codec::lz4))
      return fail(Errc::corrupt, "mflow: {}: column entry at byte {}: unknown codec {}", name, entry_at,
                  static_cast<unsigned>(c.codec));
    if (c.stored_len > c.raw_len || c.raw_len > max_raw)
      return fail(Errc::corrupt, "mflow: {}: column entry at byte {}: bad lengths (stored {}, raw {})", name, entry_at,
                  c.stored_len, c.raw_len);
    if (auto field = field_of(c.id)) {
      auto& l = st.by_field[static_cast<std::size_t>(*field)];
      if (l.present)
        return fail(Errc::corrupt, "mflow: {}: column entry at byte {}: duplicate column id {}", name, entry_at, c.id);
      l = MflowBlock::State::Located{c, offset, true};
    }
    offset += c.stored_len;
  }
  if (offset != h.payload_size)
    return fail(Errc::corrupt, "mflow: {}: block at byte {}: payload size {} disagrees with its columns ({})", name, at,
                h.payload_size, offset);
  const std::uint64_t total = h.header_size + h.payload_size;
  auto full = input->view(at, static_cast<std::size_t>(total));
  if (!full) return tl::unexpected(full.error());
  if (full->size() < total)
    return fail(Errc::truncated, "mflow: {}: block at byte {} truncated: it needs {} bytes, the file ends at byte {}",
                name, at, total, at + full->size());
  st.payload = full->subspan(h.header_size);
  st.payload_file_offset = at + h.header_size;
  block.columns_.size = h.record_count;
  block.columns_.loaded = 0;
  block.stats_ = h.stats;
  block.offset_ = at;
  block.number_ = seen.size();
  block.read_stats_ = &stats;
  seen.push_back(IndexEntry{at, h.record_count, h.stats.start_min, h.stats.end_max});
  ++stats.blocks;
  stats.records += h.record_count;
  pos = at + total;
  return true;
}

Result<bool> MflowReader::Impl::read_footer() {
  const std::uint64_t at = pos;
  auto v = input->view(at, kFooterFixedSize);
  if (!v) return tl::unexpected(v.error());
  if (v->size() < kFooterFixedSize)
    return fail(Errc::truncated, "mflow: {}: footer at byte {} truncated: file ends at byte {}", name, at,
                at + v->size());
  std::uint32_t count = load_le32(v->data() + 4);
  std::uint64_t total = load_le64(v->data() + 8);
  if (count != seen.size())
    return fail(Errc::corrupt, "mflow: {}: footer at byte {} lists {} blocks but {} were read", name, at, count,
                seen.size());
  if (total != stats.records)
    return fail(Errc::corrupt, "mflow: {}: footer at byte {} counts {} records but {} were read", name, at, total,
                stats.records);
  const std::size_t body = kFooterFixedSize + kIndexEntrySize * count;
  const std::size_t size = body + kChecksumSize + kTrailerSize;
  auto fv = input->view(at, size);
  if (!fv) return tl::unexpected(fv.error());
  if (fv->size() < size)
    return fail(Errc::truncated, "mflow: {}: footer at byte {} truncated: file ends at byte {}", name, at,
                at + fv->size());
  const std::byte* p = fv->data();
  if (checksum(p, body) != load_le64(p + body))
    return fail(Errc::corrupt, "mflow: {}: footer at byte {}: checksum mismatch", name, at);
  for (std::size_t i = 0; i < count; ++i) {
    if (IndexEntry::load(p + kFooterFixedSize + i * kIndexEntrySize) != seen[i])
      return fail(Errc::corrupt, "mflow: {}: footer at byte {}: index entry {} disagrees with block at byte {}", name,
                  at, i, seen[i].offset);
  }
  if (load_le64(p + body + kChecksumSize) != at ||
      std::memcmp(p + body + kChecksumSize + 8, kTrailerMagic.data(), kTrailerMagic.size()) != 0)
    return fail(Errc::corrupt, "mflow: {}: bad trailer at byte {}", name, at + body + kChecksumSize);
  auto rest = input->view(at + size, 1);
  if (!rest) return tl::unexpected(rest.error());
  if (!rest->empty()) return fail(Errc::corrupt, "mflow: {}: unexpected data after the trailer at byte {}", name, at + size);
  done = true;
  return false;
}

MflowReader::MflowReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MflowReader::MflowReader(MflowReader&&) noexcept = default;
MflowReader& MflowReader::operator=(MflowReader&&) noexcept = default;
MflowReader::~MflowReader() = default;

Result<MflowReader> MflowReader::start(std::unique_ptr<Impl> impl) {
  if (auto s = impl->read_header(); !s) return tl::unexpected(s.error());
  return MflowReader(std::move(impl));
}

Result<MflowReader> MflowReader::open(const std::string& path) {
  auto input = ByteInput::open(path);
  if (!input) return tl::unexpected(input.error());
  auto impl = std::make_unique<Impl>();
  impl->name = path == "-" ? "<stdin>" : path;
  impl->input = std::move(*input);
  return start(std::move(impl));
}

Result<MflowReader> MflowReader::open_memory(Bytes data) {
  auto impl = std::make_unique<Impl>();
  impl->name = "<memory>";
  impl->input = ByteInput::memory(data);
  return start(std::move(impl));
}

Result<bool> MflowReader::next_block() {
  Impl& m = *impl_;
  if (m.error) return tl::unexpected(*m.error);
  if (m.done) return false;
  auto r = m.advance();
  if (!r) m.error = r.error();
  m.has_block = r && *r;
  return r;
}

MflowBlock& MflowReader::block() noexcept { return impl_->block; }

Result<std::size_t> MflowReader::next_batch(std::vector<FlowRecord>& out) {
  out.clear();
  auto more = next_block();
  if (!more) return tl::unexpected(more.error());
  if (!*more) return std::size_t{0};
  if (auto s = impl_->block.append_records(out); !s) return tl::unexpected(s.error());
  return out.size();
}

const MflowFileInfo& MflowReader::info() const noexcept { return impl_->info; }
const MflowReadStats& MflowReader::stats() const noexcept { return impl_->stats; }
const std::string& MflowReader::name() const noexcept { return impl_->name; }

}  // namespace mamori::flow

#include "mamori/flow/output/text_writers.hpp"

#include <charconv>
#include <cstring>

namespace mamori::flow {

namespace {

inline char* put_u64(char* p, std::uint64_t v) noexcept { return std::to_chars(p, p + 20, v).ptr; }

inline char* put_str(char* p, std::string_view s) noexcept {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

bool is_textual(FlowField f) noexcept {
  return f == FlowField::src_addr || f == FlowField::dst_addr || f == FlowField::exporter ||
         f == FlowField::direction || f == FlowField::source || f == FlowField::locality;
}

// Upper bound of one record's text, so each record needs a single reserve().
constexpr std::size_t kMaxFieldText = 64;

class CsvWriter final : public FlowWriter {
 public:
  CsvWriter(OutputFile out, std::vector<FlowField> fields, bool header)
      : out_(std::move(out)), fields_(std::move(fields)), header_pending_(header) {}

  Status write(std::span<const FlowRecord> flows) override {
    if (header_pending_) {
      write_header();
      header_pending_ = false;
    }
    const std::size_t max_line = fields_.size() * (kMaxFieldText + 1) + 1;
    for (const auto& f : flows) {
      char* start = out_.reserve(max_line);
      if (start == nullptr) return fail(Errc::io_error, out_.error());
      char* p = start;
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (i != 0) *p++ = ',';
        p = format_flow_field(f, fields_[i], p);
      }
      *p++ = '\n';
      out_.commit(static_cast<std::size_t>(p - start));
    }
    return {};
  }

  Status finish() override {
    if (header_pending_) {
      write_header();
      header_pending_ = false;
    }
    return out_.close();
  }

 private:
  void write_header() {
    std::string line;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (i != 0) line += ',';
      line += flow_field_name(fields_[i]);
    }
    line += '\n';
    out_.append(line);
  }

  OutputFile out_;
  std::vector<FlowField> fields_;
  bool header_pending_;
};

class JsonlWriter final : public FlowWriter {
 public:
  JsonlWriter(OutputFile out, std::vector<FlowField> fields) : out_(std::move(out)), fields_(std::move(fields)) {
    for (auto f : fields_) {
      keys_.push_back(std::string("\"") + std::string(flow_field_name(f)) + "\":");
    }
  }

  Status write(std::span<const FlowRecord> flows) override {
    std::size_t max_line = 4;
    for (const auto& k : keys_) max_line += k.size() + kMaxFieldText + 3;
    for (const auto& f : flows) {
      char* start = out_.reserve(max_line);
      if (start == nullptr) return fail(Errc::io_error, out_.error());
      char* p = start;
      *p++ = '{';
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (i != 0) *p++ = ',';
        p = put_str(p, keys_[i]);
        const bool quoted = is_textual(fields_[i]);
        if (quoted) *p++ = '"';
        p = format_flow_field(f, fields_[i], p);
        if (quoted) *p++ = '"';
      }
      *p++ = '}';
      *p++ = '\n';
      out_.commit(static_cast<std::size_t>(p - start));
    }
    return {};
  }

  Status finish() override { return out_.close(); }

 private:
  OutputFile out_;
  std::vector<FlowField> fields_;
  std::vector<std::string> keys_;
};

}  // namespace

char* format_flow_field(const FlowRecord& f, FlowField field, char* p) noexcept {
  switch (field) {
    case FlowField::start_ns: return put_u64(p, f.start_ns);
    case FlowField::end_ns: return put_u64(p, f.end_ns);
    case FlowField::src_addr: return p + f.src_addr.format_to(p);
    case FlowField::dst_addr: return p + f.dst_addr.format_to(p);
    case FlowField::src_port: return put_u64(p, f.src_port);
    case FlowField::dst_port: return put_u64(p, f.dst_port);
    case FlowField::proto: return put_u64(p, f.proto);
    case FlowField::packets: return put_u64(p, f.packets);
    case FlowField::bytes: return put_u64(p, f.bytes);
    case FlowField::tcp_flags: return put_u64(p, f.tcp_flags);
    case FlowField::tos: return put_u64(p, f.tos);
    case FlowField::input_if: return put_u64(p, f.input_if);
    case FlowField::output_if: return put_u64(p, f.output_if);
    case FlowField::sampling_rate: return put_u64(p, f.sampling_rate);
    case FlowField::raw_packets: return put_u64(p, f.raw_packets);
    case FlowField::raw_bytes: return put_u64(p, f.raw_bytes);
    case FlowField::exporter: return p + f.exporter.format_to(p);
    case FlowField::observation_domain: return put_u64(p, f.observation_domain);
    case FlowField::direction: return put_str(p, direction_name(static_cast<std::uint8_t>(f.direction)));
    case FlowField::source: return put_str(p, source_name(static_cast<std::uint8_t>(f.source)));
    case FlowField::locality: return put_str(p, locality_name(static_cast<std::uint8_t>(f.locality)));
  }
  return p;
}

std::unique_ptr<FlowWriter> make_csv_writer(OutputFile out, std::vector<FlowField> fields, bool header) {
  return std::make_unique<CsvWriter>(std::move(out), std::move(fields), header);
}

std::unique_ptr<FlowWriter> make_jsonl_writer(OutputFile out, std::vector<FlowField> fields) {
  return std::make_unique<JsonlWriter>(std::move(out), std::move(fields));
}

}  // namespace mamori::flow

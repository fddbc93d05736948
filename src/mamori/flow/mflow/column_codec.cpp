#include "mamori/flow/mflow/column_codec.hpp"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace mamori::flow::mflow {

void ColumnChunk::store(std::byte* out) const noexcept {
  out[0] = std::byte{id};
  out[1] = std::byte{static_cast<std::uint8_t>(codec)};
  out[2] = std::byte{width};
  out[3] = std::byte{flags};
  store_le32(out + 4, scale);
  store_le32(out + 8, stored_len);
  store_le32(out + 12, raw_len);
  store_le64(out + 16, base);
  store_le64(out + 24, hash);
}

ColumnChunk ColumnChunk::load(const std::byte* in) noexcept {
  ColumnChunk c;
  c.id = static_cast<std::uint8_t>(in[0]);
  c.codec = static_cast<Codec>(in[1]);
  c.width = static_cast<std::uint8_t>(in[2]);
  c.flags = static_cast<std::uint8_t>(in[3]);
  c.scale = load_le32(in + 4);
  c.stored_len = load_le32(in + 8);
  c.raw_len = load_le32(in + 12);
  c.base = load_le64(in + 16);
  c.hash = load_le64(in + 24);
  return c;
}

namespace {

// Swaps to/from little-endian on big-endian hosts; a no-op elsewhere.
template <class W>
W to_le(W v) noexcept {
  if constexpr (std::endian::native == std::endian::big) {
    if constexpr (sizeof(W) == 2) return static_cast<W>(__builtin_bswap16(v));
    if constexpr (sizeof(W) == 4) return static_cast<W>(__builtin_bswap32(v));
    if constexpr (sizeof(W) == 8) return static_cast<W>(__builtin_bswap64(v));
  }
  return v;
}

std::uint8_t width_for(std::uint64_t max) noexcept {
  if (max <= 0xffu) return 1;
  if (max <= 0xffffu) return 2;
  if (max <= 0xffffffffu) return 4;
  return 8;
}

std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t unzigzag(std::uint64_t z) noexcept {
  return static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
}

// Timestamps from exporters are usually whole seconds, milliseconds or
// microseconds; dividing them out saves one to four bytes per value.
constexpr std::uint32_t kScales[] = {1'000'000'000u, 1'000'000u, 1'000u};

struct Plan {
  std::uint8_t width = 0;
  std::uint8_t flags = 0;
  std::uint64_t base = 0;
  std::uint32_t scale = 1;
};

Plan plan_ints(std::span<const std::uint64_t> x, IntColumnHints hints) noexcept {
  auto [lo_it, hi_it] = std::minmax_element(x.begin(), x.end());
  const std::uint64_t lo = *lo_it, hi = *hi_it;
  if (lo == hi) return Plan{0, 0, lo, 1};
  Plan best{width_for(hi - lo), 0, lo, 1};
  if (hints.try_scale) {
    for (std::uint32_t s : kScales) {
      bool divides = std::all_of(x.begin(), x.end(), [&](std::uint64_t v) { return (v - lo) % s == 0; });
      if (divides) {
        best = Plan{width_for((hi - lo) / s), 0, lo, s};
        break;
      }
    }
  }
  if (hints.try_delta) {
    auto delta = [&](std::size_t i) { return static_cast<std::int64_t>(x[i] - x[i - 1]); };
    std::uint32_t scale = 1;
    if (hints.try_scale) {
      for (std::uint32_t s : kScales) {
        bool divides = true;
        for (std::size_t i = 1; i < x.size() && divides; ++i) divides = delta(i) % static_cast<std::int64_t>(s) == 0;
        if (divides) {
          scale = s;
          break;
        }
      }
    }
    std::uint64_t max_z = 0;
    for (std::size_t i = 1; i < x.size(); ++i)
      max_z = std::max(max_z, zigzag(delta(i) / static_cast<std::int64_t>(scale)));
    std::uint8_t w = width_for(max_z);
    if (w <= best.width) best = Plan{w, kDelta, x[0], scale};
  }
  return best;
}

template <class W>
void put_values(std::span<const std::uint64_t> x, const Plan& plan, std::byte* out) noexcept {
  const std::size_t n = x.size();
  W* o = reinterpret_cast<W*>(out);
  if (plan.flags & kDelta) {
    std::uint64_t prev = plan.base;
    for (std::size_t i = 0; i < n; ++i) {
      auto d = static_cast<std::int64_t>(x[i] - prev) / static_cast<std::int64_t>(plan.scale);
      W v = to_le(static_cast<W>(zigzag(d)));
      std::memcpy(o + i, &v, sizeof(W));
      prev = x[i];
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    W v = to_le(static_cast<W>((x[i] - plan.base) / plan.scale));
    std::memcpy(o + i, &v, sizeof(W));
  }
}

// Builds each element from its byte planes; with the width known the inner
// loop unrolls and the outer one vectorises, unlike a byte-by-byte transpose.
template <class U, std::size_t... B>
U gather_planes(const std::uint8_t* planes, std::size_t stride, std::size_t i, std::index_sequence<B...>) noexcept {
  return static_cast<U>((static_cast<U>(static_cast<U>(planes[B * stride + i]) << (8 * B)) | ...));
}

template <class U>
void unshuffle_words(const std::uint8_t* planes, std::size_t count, std::size_t plane_stride, std::byte* out,
                     std::size_t out_stride) noexcept {
  for (std::size_t i = 0; i < count; ++i) {
    U v = to_le(gather_planes<U>(planes, plane_stride, i, std::make_index_sequence<sizeof(U)>{}));
    std::memcpy(out + i * out_stride, &v, sizeof(U));
  }
}

template <std::size_t W>
void unshuffle_fixed(const std::byte* in, std::byte* out, std::size_t count) noexcept {
  const auto* planes = reinterpret_cast<const std::uint8_t*>(in);
  if constexpr (W == 2) {
    unshuffle_words<std::uint16_t>(planes, count, count, out, 2);
  } else if constexpr (W == 4) {
    unshuffle_words<std::uint32_t>(planes, count, count, out, 4);
  } else if constexpr (W == 8) {
    unshuffle_words<std::uint64_t>(planes, count, count, out, 8);
  } else {
    static_assert(W == 16);
    unshuffle_words<std::uint64_t>(planes, count, count, out, 16);
    unshuffle_words<std::uint64_t>(planes + 8 * count, count, count, out + 8, 16);
  }
}

template <class W>
W load_le(const std::byte* p) noexcept {
  W v;
  std::memcpy(&v, p, sizeof(W));
  return to_le(v);
}

template <class W, class T>
void unpack(const std::byte* p, std::size_t n, const ColumnChunk& c, const std::uint64_t* ref, T* out) noexcept {
  const std::uint64_t base = c.base;
  const std::uint64_t scale = c.scale;
  if (c.flags & kDelta) {
    std::uint64_t prev = base;
    for (std::size_t i = 0; i < n; ++i) {
      prev += static_cast<std::uint64_t>(unzigzag(load_le<W>(p + i * sizeof(W)))) * scale;
      out[i] = static_cast<T>(prev + (ref ? ref[i] : 0));
    }
  } else if (ref == nullptr && scale == 1) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(base + load_le<W>(p + i * sizeof(W)));
  } else if (ref == nullptr) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(base + load_le<W>(p + i * sizeof(W)) * scale);
  } else {
    for (std::size_t i = 0; i < n; ++i)
      out[i] = static_cast<T>(base + load_le<W>(p + i * sizeof(W)) * scale + ref[i]);
  }
}

constexpr std::uint8_t kKnownFlags = kDelta | kShuffle | kRelative;

// Element i of `count` little-endian elements of `width` bytes, stored
// plainly or as byte planes.
std::uint64_t element_at(const std::byte* raw, std::size_t count, std::size_t width, bool shuffled,
                         std::size_t i) noexcept {
  const auto* p = reinterpret_cast<const std::uint8_t*>(raw);
  std::uint64_t v = 0;
  for (std::size_t b = 0; b < width; ++b)
    v |= static_cast<std::uint64_t>(shuffled ? p[b * count + i] : p[i * width + b]) << (8 * b);
  return v;
}

}  // namespace

void shuffle_bytes(const std::byte* in, std::byte* out, std::size_t count, std::size_t width) noexcept {
  for (std::size_t b = 0; b < width; ++b)
    for (std::size_t i = 0; i < count; ++i) out[b * count + i] = in[i * width + b];
}

void unshuffle_bytes(const std::byte* in, std::byte* out, std::size_t count, std::size_t width) noexcept {
  switch (width) {
    case 2: return unshuffle_fixed<2>(in, out, count);
    case 4: return unshuffle_fixed<4>(in, out, count);
    case 8: return unshuffle_fixed<8>(in, out, count);
    case 16: return unshuffle_fixed<16>(in, out, count);
    default:
      for (std::size_t i = 0; i < count; ++i)
        for (std::size_t b = 0; b < width; ++b) out[i * width + b] = in[b * count + i];
  }
}

// ---------------------------------------------------------------- encoder

ColumnEncoder::ColumnEncoder(Codec codec, int level, bool shuffle) : codec_(codec), level_(level), shuffle_(shuffle) {
  if (codec_ == Codec::zstd) zstd_ = ZSTD_createCCtx();
}

ColumnEncoder::~ColumnEncoder() { ZSTD_freeCCtx(zstd_); }

void ColumnEncoder::finish_chunk(ColumnChunk& chunk, std::span<const std::byte> raw, std::vector<std::byte>& out) {
  const std::size_t start = out.size();
  chunk.raw_len = static_cast<std::uint32_t>(raw.size());
  chunk.codec = Codec::none;
  std::size_t stored = 0;
  if (!raw.empty() && codec_ == Codec::zstd && zstd_ != nullptr) {
    std::size_t bound = ZSTD_compressBound(raw.size());
    out.resize(start + bound);
    std::size_t r = ZSTD_compressCCtx(zstd_, out.data() + start, bound, raw.data(), raw.size(), level_);
    if (!ZSTD_isError(r) && r < raw.size()) {
      chunk.codec = Codec::zstd;
      stored = r;
    }
  } else if (!raw.empty() && codec_ == Codec::lz4) {
    int bound = LZ4_compressBound(static_cast<int>(raw.size()));
    out.resize(start + static_cast<std::size_t>(bound));
    int r = LZ4_compress_default(reinterpret_cast<const char*>(raw.data()), reinterpret_cast<char*>(out.data() + start),
                                 static_cast<int>(raw.size()), bound);
    if (r > 0 && static_cast<std::size_t>(r) < raw.size()) {
      chunk.codec = Codec::lz4;
      stored = static_cast<std::size_t>(r);
    }
  }
  // Incompressible data is stored as is, so stored_len never exceeds raw_len.
  if (chunk.codec == Codec::none) {
    out.resize(start + raw.size());
    if (!raw.empty()) std::memcpy(out.data() + start, raw.data(), raw.size());
    stored = raw.size();
  }
  out.resize(start + stored);
  chunk.stored_len = static_cast<std::uint32_t>(stored);
  chunk.hash = checksum(out.data() + start, stored);
}

ColumnChunk ColumnEncoder::encode_ints(std::uint8_t id, std::span<const std::uint64_t> values,
                                       std::span<const std::uint64_t> reference, IntColumnHints hints,
                                       std::vector<std::byte>& out) {
  ColumnChunk chunk;
  chunk.id = id;
  if (values.empty()) {
    finish_chunk(chunk, {}, out);
    return chunk;
  }
  Plan plan = plan_ints(values, hints);
  std::span<const std::uint64_t> x = values;
  if (!reference.empty() && plan.width != 0) {
    scratch_values_.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) scratch_values_[i] = values[i] - reference[i];
    Plan rel = plan_ints(scratch_values_, IntColumnHints{false, hints.try_scale});
    // Relative wins ties: differences (durations, sampled counts) compress better than the values.
    if (rel.width <= plan.width) {
      plan = rel;
      plan.flags |= kRelative;
      x = scratch_values_;
    }
  }
  chunk.width = plan.width;
  chunk.flags = plan.flags;
  chunk.base = plan.base;
  chunk.scale = plan.scale;
  const std::size_t n = x.size();
  raw_.resize(n * plan.width);
  switch (plan.width) {
    case 0: break;
    case 1: put_values<std::uint8_t>(x, plan, raw_.data()); break;
    case 2: put_values<std::uint16_t>(x, plan, raw_.data()); break;
    case 4: put_values<std::uint32_t>(x, plan, raw_.data()); break;
    default: put_values<std::uint64_t>(x, plan, raw_.data()); break;
  }
  std::span<const std::byte> raw = raw_;
  if (shuffle_ && plan.width > 1) {
    shuffled_.resize(raw_.size());
    shuffle_bytes(raw_.data(), shuffled_.data(), n, plan.width);
    chunk.flags |= kShuffle;
    raw = shuffled_;
  }
  finish_chunk(chunk, raw, out);
  return chunk;
}

ColumnChunk ColumnEncoder::encode_addresses(std::uint8_t id, std::span<const IpAddress> values,
                                            std::vector<std::byte>& out) {
  ColumnChunk chunk;
  chunk.id = id;
  const std::size_t n = values.size();
  if (n == 0) {
    finish_chunk(chunk, {}, out);
    return chunk;
  }
  bool constant = std::all_of(values.begin(), values.end(), [&](const IpAddress& a) { return a == values[0]; });
  if (constant) {
    raw_.resize(16);
    store_le64(raw_.data(), values[0].hi());
    store_le64(raw_.data() + 8, values[0].lo());
    chunk.width = 0;
    finish_chunk(chunk, raw_, out);
    return chunk;
  }
  std::size_t n6 = static_cast<std::size_t>(std::count_if(values.begin(), values.end(), [](const IpAddress& a) {
    return !a.is_v4();
  }));
  std::size_t n4 = n - n6;
  if (n6 == 0) {
    chunk.width = 4;
    raw_.resize(4 * n);
    for (std::size_t i = 0; i < n; ++i) store_le32(raw_.data() + 4 * i, values[i].v4_value());
    std::span<const std::byte> raw = raw_;
    if (shuffle_) {
      shuffled_.resize(raw_.size());
      shuffle_bytes(raw_.data(), shuffled_.data(), n, 4);
      chunk.flags |= kShuffle;
      raw = shuffled_;
    }
    finish_chunk(chunk, raw, out);
    return chunk;
  }
  // Mixed or all-IPv6: family bitmap, then the IPv4 values, then the IPv6 values.
  chunk.width = 16;
  const std::size_t bitmap = (n + 7) / 8;
  raw_.assign(bitmap + 4 * n4 + 16 * n6, std::byte{0});
  std::byte* v4 = raw_.data() + bitmap;
  std::byte* v6 = v4 + 4 * n4;
  std::size_t i4 = 0, i6 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const IpAddress& a = values[i];
    if (a.is_v4()) {
      store_le32(v4 + 4 * i4++, a.v4_value());
    } else {
      raw_[i / 8] |= std::byte{static_cast<std::uint8_t>(1u << (i % 8))};
      auto b = a.bytes();
      std::memcpy(v6 + 16 * i6++, b.data(), 16);
    }
  }
  std::span<const std::byte> raw = raw_;
  if (shuffle_) {
    shuffled_.resize(raw_.size());
    std::memcpy(shuffled_.data(), raw_.data(), bitmap);
    shuffle_bytes(v4, shuffled_.data() + bitmap, n4, 4);
    shuffle_bytes(v6, shuffled_.data() + bitmap + 4 * n4, n6, 16);
    chunk.flags |= kShuffle;
    raw = shuffled_;
  }
  finish_chunk(chunk, raw, out);
  return chunk;
}

// ---------------------------------------------------------------- decoder

ColumnDecoder::ColumnDecoder() : zstd_(ZSTD_createDCtx()) {}
ColumnDecoder::~ColumnDecoder() { ZSTD_freeDCtx(zstd_); }
ColumnDecoder::ColumnDecoder(ColumnDecoder&& other) noexcept
    : zstd_(std::exchange(other.zstd_, nullptr)),
      raw_(std::move(other.raw_)),
      unshuffled_(std::move(other.unshuffled_)),
      full_(std::move(other.full_)),
      full_addresses_(std::move(other.full_addresses_)) {}
ColumnDecoder& ColumnDecoder::operator=(ColumnDecoder&& other) noexcept {
  if (this != &other) {
    ZSTD_freeDCtx(zstd_);
    zstd_ = std::exchange(other.zstd_, nullptr);
    raw_ = std::move(other.raw_);
    unshuffled_ = std::move(other.unshuffled_);
    full_ = std::move(other.full_);
    full_addresses_ = std::move(other.full_addresses_);
  }
  return *this;
}

Result<Bytes> ColumnDecoder::open_chunk(const ColumnChunk& chunk, Bytes stored, const ChunkLocation& where) {
  auto corrupt = [&](std::string_view what) {
    return fail(Errc::corrupt, "mflow: block at byte {}: column '{}' (data at byte {}): {}", where.block_offset,
                where.column_name, where.data_offset, what);
  };
  if (stored.size() != chunk.stored_len) return corrupt("stored length disagrees with the directory");
  if (checksum(stored.data(), stored.size()) != chunk.hash) return corrupt("checksum mismatch");
  switch (chunk.codec) {
    case Codec::none:
      if (chunk.stored_len != chunk.raw_len) return corrupt("uncompressed chunk with raw length != stored length");
      return stored;
    case Codec::zstd: {
      raw_.resize(chunk.raw_len);
      if (zstd_ == nullptr) return corrupt("zstd decoder unavailable");
      std::size_t r = ZSTD_decompressDCtx(zstd_, raw_.data(), raw_.size(), stored.data(), stored.size());
      if (ZSTD_isError(r)) return corrupt(fmt::format("zstd: {}", ZSTD_getErrorName(r)));
      if (r != chunk.raw_len) return corrupt("zstd: decompressed length disagrees with the directory");
      return Bytes(raw_.data(), raw_.size());
    }
    case Codec::lz4: {
      raw_.resize(chunk.raw_len);
      if (chunk.raw_len > static_cast<std::uint32_t>(std::numeric_limits<int>::max()) ||
          chunk.stored_len > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
        return corrupt("lz4: chunk too large");
      int r = LZ4_decompress_safe(reinterpret_cast<const char*>(stored.data()), reinterpret_cast<char*>(raw_.data()),
                                  static_cast<int>(stored.size()), static_cast<int>(raw_.size()));
      if (r < 0 || static_cast<std::uint32_t>(r) != chunk.raw_len) return corrupt("lz4: corrupt compressed data");
      return Bytes(raw_.data(), raw_.size());
    }
  }
  return corrupt(fmt::format("unknown codec {}", static_cast<unsigned>(chunk.codec)));
}

template <class T>
Status ColumnDecoder::decode_ints(const ColumnChunk& chunk, Bytes stored, std::size_t n, const std::uint64_t* reference,
                                  const ChunkLocation& where, std::vector<T>& out) {
  auto corrupt = [&](std::string_view what) {
    return fail(Errc::corrupt, "mflow: block at byte {}: column '{}' (data at byte {}): {}", where.block_offset,
                where.column_name, where.data_offset, what);
  };
  if ((chunk.flags & ~kKnownFlags) != 0) return corrupt("unknown transform flags");
  if (chunk.scale == 0) return corrupt("scale 0");
  const std::uint64_t* ref = (chunk.flags & kRelative) ? reference : nullptr;
  if ((chunk.flags & kRelative) && reference == nullptr) return corrupt("relative column without its reference");
  out.resize(n);
  if (chunk.width == 0) {
    if (chunk.raw_len != 0) return corrupt("constant column with data");
    auto s = open_chunk(chunk, stored, where);
    if (!s) return tl::unexpected(s.error());
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(chunk.base + (ref ? ref[i] : 0));
    return {};
  }
  const unsigned w = chunk.width;
  if (w != 1 && w != 2 && w != 4 && w != 8) return corrupt(fmt::format("bad integer width {}", w));
  if (chunk.raw_len != n * w) return corrupt("raw length disagrees with record count and width");
  auto raw = open_chunk(chunk, stored, where);
  if (!raw) return tl::unexpected(raw.error());
  const std::byte* p = raw->data();
  if ((chunk.flags & kShuffle) && w > 1) {
    unshuffled_.resize(raw->size());
    unshuffle_bytes(p, unshuffled_.data(), n, w);
    p = unshuffled_.data();
  }
  switch (w) {
    case 1: unpack<std::uint8_t>(p, n, chunk, ref, out.data()); break;
    case 2: unpack<std::uint16_t>(p, n, chunk, ref, out.data()); break;
    case 4: unpack<std::uint32_t>(p, n, chunk, ref, out.data()); break;
    default: unpack<std::uint64_t>(p, n, chunk, ref, out.data()); break;
  }
  return {};
}

template Status ColumnDecoder::decode_ints(const ColumnChunk&, Bytes, std::size_t, const std::uint64_t*,
                                           const ChunkLocation&, std::vector<std::uint8_t>&);
template Status ColumnDecoder::decode_ints(const ColumnChunk&, Bytes, std::size_t, const std::uint64_t*,
                                           const ChunkLocation&, std::vector<std::uint16_t>&);
template Status ColumnDecoder::decode_ints(const ColumnChunk&, Bytes, std::size_t, const std::uint64_t*,
                                           const ChunkLocation&, std::vector<std::uint32_t>&);
template Status ColumnDecoder::decode_ints(const ColumnChunk&, Bytes, std::size_t, const std::uint64_t*,
                                           const ChunkLocation&, std::vector<std::uint64_t>&);

template <class T>
Status ColumnDecoder::decode_rows(const ColumnChunk& chunk, Bytes stored, std::size_t n,
                                  std::span<const std::uint32_t> rows, const std::uint64_t* reference,
                                  const ChunkLocation& where, std::vector<T>& out) {
  auto corrupt = [&](std::string_view what) {
    return fail(Errc::corrupt, "mflow: block at byte {}: column '{}' (data at byte {}): {}", where.block_offset,
                where.column_name, where.data_offset, what);
  };
  if ((chunk.flags & ~kKnownFlags) != 0) return corrupt("unknown transform flags");
  if (chunk.scale == 0) return corrupt("scale 0");
  const bool relative = (chunk.flags & kRelative) != 0;
  if (relative && reference == nullptr) return corrupt("relative column without its reference");
  out.resize(rows.size());
  auto ref = [&](std::size_t j) { return relative ? reference[j] : 0; };
  if (chunk.flags & kDelta) {
    // A delta-coded value depends on every earlier one: decode the whole
    // column without its reference, then pick the rows.
    ColumnChunk whole = chunk;
    whole.flags = static_cast<std::uint8_t>(whole.flags & ~kRelative);
    if (auto s = decode_ints(whole, stored, n, nullptr, where, full_); !s) return s;
    for (std::size_t j = 0; j < rows.size(); ++j) out[j] = static_cast<T>(full_[rows[j]] + ref(j));
    return {};
  }
  if (chunk.width == 0) {
    if (chunk.raw_len != 0) return corrupt("constant column with data");
    auto s = open_chunk(chunk, stored, where);
    if (!s) return tl::unexpected(s.error());
    for (std::size_t j = 0; j < rows.size(); ++j) out[j] = static_cast<T>(chunk.base + ref(j));
    return {};
  }
  const unsigned w = chunk.width;
  if (w != 1 && w != 2 && w != 4 && w != 8) return corrupt(fmt::format("bad integer width {}", w));
  if (chunk.raw_len != n * w) return corrupt("raw length disagrees with record count and width");
  auto raw = open_chunk(chunk, stored, where);
  if (!raw) return tl::unexpected(raw.error());
  const bool shuffled = (chunk.flags & kShuffle) && w > 1;
  for (std::size_t j = 0; j < rows.size(); ++j)
    out[j] = static_cast<T>(chunk.base + element_at(raw->data(), n, w, shuffled, rows[j]) * chunk.scale + ref(j));
  return {};
}

template Status ColumnDecoder::decode_rows(const ColumnChunk&, Bytes, std::size_t, std::span<const std::uint32_t>,
                                           const std::uint64_t*, const ChunkLocation&, std::vector<std::uint8_t>&);
template Status ColumnDecoder::decode_rows(const ColumnChunk&, Bytes, std::size_t, std::span<const std::uint32_t>,
                                           const std::uint64_t*, const ChunkLocation&, std::vector<std::uint16_t>&);
template Status ColumnDecoder::decode_rows(const ColumnChunk&, Bytes, std::size_t, std::span<const std::uint32_t>,
                                           const std::uint64_t*, const ChunkLocation&, std::vector<std::uint32_t>&);
template Status ColumnDecoder::decode_rows(const ColumnChunk&, Bytes, std::size_t, std::span<const std::uint32_t>,
                                           const std::uint64_t*, const ChunkLocation&, std::vector<std::uint64_t>&);

Status ColumnDecoder::decode_address_rows(const ColumnChunk& chunk, Bytes stored, std::size_t n,
                                          std::span<const std::uint32_t> rows, const ChunkLocation& where,
                                          std::vector<IpAddress>& out) {
  auto corrupt = [&](std::string_view what) {
    return fail(Errc::corrupt, "mflow: block at byte {}: column '{}' (data at byte {}): {}", where.block_offset,
                where.column_name, where.data_offset, what);
  };
  if ((chunk.flags & ~kShuffle) != 0) return corrupt("unknown transform flags for an address column");
  if (chunk.width == 4) {
    if (chunk.raw_len != 4 * n) return corrupt("raw length disagrees with record count");
    auto raw = open_chunk(chunk, stored, where);
    if (!raw) return tl::unexpected(raw.error());
    const bool shuffled = (chunk.flags & kShuffle) != 0;
    out.resize(rows.size());
    for (std::size_t j = 0; j < rows.size(); ++j)
      out[j] = IpAddress::v4(static_cast<std::uint32_t>(element_at(raw->data(), n, 4, shuffled, rows[j])));
    return {};
  }
  if (chunk.width != 16) {
    // Constant columns (and bad widths, which decode_addresses reports) are decoded whole.
    if (auto s = decode_addresses(chunk, stored, n, where, full_addresses_); !s) return s;
    out.resize(rows.size());
    for (std::size_t j = 0; j < rows.size(); ++j) out[j] = full_addresses_[rows[j]];
    return {};
  }
  const std::size_t bitmap = (n + 7) / 8;
  if (chunk.raw_len < bitmap) return corrupt("family bitmap truncated");
  auto raw = open_chunk(chunk, stored, where);
  if (!raw) return tl::unexpected(raw.error());
  const auto* bm = reinterpret_cast<const std::uint8_t*>(raw->data());
  std::size_t n6 = 0;
  for (std::size_t i = 0; i < n; ++i) n6 += (bm[i / 8] >> (i % 8)) & 1u;
  const std::size_t n4 = n - n6;
  if (raw->size() != bitmap + 4 * n4 + 16 * n6) return corrupt("raw length disagrees with the family bitmap");
  const std::byte* v4 = raw->data() + bitmap;
  const std::byte* v6 = v4 + 4 * n4;
  const bool shuffled = (chunk.flags & kShuffle) != 0;
  out.resize(rows.size());
  // Rows ascend, so the IPv6 rank of each row is a running count.
  std::size_t scanned = 0, rank6 = 0;
  for (std::size_t j = 0; j < rows.size(); ++j) {
    const std::size_t i = rows[j];
    if (i < scanned) return corrupt("rows out of order");
    for (; scanned < i; ++scanned) rank6 += (bm[scanned / 8] >> (scanned % 8)) & 1u;
    if ((bm[i / 8] >> (i % 8)) & 1u) {
      std::uint64_t hi = 0, lo = 0;
      const auto* p = reinterpret_cast<const std::uint8_t*>(v6);
      for (std::size_t b = 0; b < 8; ++b) {
        hi = hi << 8 | (shuffled ? p[b * n6 + rank6] : p[rank6 * 16 + b]);
        lo = lo << 8 | (shuffled ? p[(b + 8) * n6 + rank6] : p[rank6 * 16 + 8 + b]);
      }
      out[j] = IpAddress(hi, lo);
    } else {
      out[j] = IpAddress::v4(static_cast<std::uint32_t>(element_at(v4, n4, 4, shuffled, i - rank6)));
    }
  }
  return {};
}

Status ColumnDecoder::decode_addresses(const ColumnChunk& chunk, Bytes stored, std::size_t n,
                                       const ChunkLocation& where, std::vector<IpAddress>& out) {
  auto corrupt = [&](std::string_view what) {
    return fail(Errc::corrupt, "mflow: block at byte {}: column '{}' (data at byte {}): {}", where.block_offset,
                where.column_name, where.data_offset, what);
  };
  if ((chunk.flags & ~kShuffle) != 0) return corrupt("unknown transform flags for an address column");
  out.resize(n);
  switch (chunk.width) {
    case 0: {
      if (chunk.raw_len != 16) return corrupt("constant address must be 16 bytes");
      auto raw = open_chunk(chunk, stored, where);
      if (!raw) return tl::unexpected(raw.error());
      IpAddress a(load_le64(raw->data()), load_le64(raw->data() + 8));
      std::fill(out.begin(), out.end(), a);
      return {};
    }
    case 4: {
      if (chunk.raw_len != 4 * n) return corrupt("raw length disagrees with record count");
      auto raw = open_chunk(chunk, stored, where);
      if (!raw) return tl::unexpected(raw.error());
      const std::byte* p = raw->data();
      if (chunk.flags & kShuffle) {
        unshuffled_.resize(raw->size());
        unshuffle_bytes(p, unshuffled_.data(), n, 4);
        p = unshuffled_.data();
      }
      for (std::size_t i = 0; i < n; ++i) out[i] = IpAddress::v4(load_le32(p + 4 * i));
      return {};
    }
    case 16: {
      const std::size_t bitmap = (n + 7) / 8;
      if (chunk.raw_len < bitmap) return corrupt("family bitmap truncated");
      auto raw = open_chunk(chunk, stored, where);
      if (!raw) return tl::unexpected(raw.error());
      const std::byte* bm = raw->data();
      std::size_t n6 = 0;
      for (std::size_t i = 0; i < n; ++i) n6 += (static_cast<unsigned>(bm[i / 8]) >> (i % 8)) & 1u;
      const std::size_t n4 = n - n6;
      if (raw->size() != bitmap + 4 * n4 + 16 * n6) return corrupt("raw length disagrees with the family bitmap");
      const std::byte* v4 = bm + bitmap;
      const std::byte* v6 = v4 + 4 * n4;
      if (chunk.flags & kShuffle) {
        unshuffled_.resize(raw->size());
        unshuffle_bytes(v4, unshuffled_.data() + bitmap, n4, 4);
        unshuffle_bytes(v6, unshuffled_.data() + bitmap + 4 * n4, n6, 16);
        v4 = unshuffled_.data() + bitmap;
        v6 = v4 + 4 * n4;
      }
      std::size_t i4 = 0, i6 = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if ((static_cast<unsigned>(bm[i / 8]) >> (i % 8)) & 1u) {
          out[i] = IpAddress(load_be64(v6 + 16 * i6), load_be64(v6 + 16 * i6 + 8));
          ++i6;
        } else
          out[i] = IpAddress::v4(load_le32(v4 + 4 * i4++));
      }
      return {};
    }
    default: return corrupt(fmt::format("bad address width {}", chunk.width));
  }
}

}  // namespace mamori::flow::mflow

#include "mamori/flow/assemble/flow_assembler.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace mamori::flow {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpRst = 0x04;
// softflowd keeps 32-bit octet counters and expires a flow before they wrap.
constexpr std::uint64_t kOverBytes = std::uint64_t{1} << 31;

std::int64_t seconds(TimeNs t) noexcept { return static_cast<std::int64_t>(t / kNsPerSecond); }

// Slots are 0..capacity-1; the key is stored canonically (lower address in slot 0).
struct Flow {
  IpAddress addr[2];
  TimeNs start = 0;
  TimeNs last = 0;
  std::uint64_t packets[2] = {0, 0};
  std::uint64_t octets[2] = {0, 0};
  std::uint64_t seq = 0;
  std::int64_t expires_at = 0;  // seconds; 0 = expire at the next scan
  std::uint64_t hash = 0;
  std::uint32_t heap_pos = kNone;
  std::uint16_t port[2] = {0, 0};
  std::uint8_t proto = 0;
  std::uint8_t version = 0;
  std::uint8_t tcp_flags[2] = {0, 0};
  std::uint8_t tos[2] = {0, 0};
};

struct Key {
  IpAddress addr[2];
  std::uint16_t port[2];
  std::uint8_t proto;
  std::uint8_t version;
};

inline std::uint64_t mix(std::uint64_t h) noexcept {
  h ^= h >> 31;
  h *= 0x7fb5d329728ea185ULL;
  h ^= h >> 27;
  h *= 0x81dadef4bc2dd44dULL;
  h ^= h >> 33;
  return h;
}

inline std::uint64_t hash_key(const Key& k) noexcept {
  const std::uint64_t misc = (std::uint64_t{k.port[0]} << 32) | (std::uint64_t{k.port[1]} << 16) |
                             (std::uint64_t{k.proto} << 8) | k.version;
  std::uint64_t h = k.addr[0].lo() * 0x9e3779b97f4a7c15ULL;
  h ^= std::rotl(k.addr[1].lo(), 29) ^ k.addr[0].hi() ^ std::rotl(k.addr[1].hi(), 47);
  h += misc * 0xc2b2ae3d27d4eb4fULL;
  return mix(h);
}

inline bool same_key(const Flow& f, const Key& k) noexcept {
  return f.addr[0] == k.addr[0] && f.addr[1] == k.addr[1] && f.port[0] == k.port[0] && f.port[1] == k.port[1] &&
         f.proto == k.proto && f.version == k.version;
}

}  // namespace

struct FlowAssembler::Impl {
  AssemblerOptions opt;
  std::int64_t tcp_s, rst_s, fin_s, udp_s, icmp_s, general_s, maxlife_s, interval_s;

  std::vector<Flow> flows;             // pool; grows up to the table's bound
  std::vector<std::uint32_t> free_ids;
  std::vector<std::uint32_t> index;    // open addressing (linear probing) over flow ids
  std::uint64_t index_mask = 0;
  struct HeapEntry {
    std::int64_t at;
    std::uint64_t seq;
    std::uint32_t id;
  };
  std::vector<HeapEntry> heap;         // min-heap by (deadline, seq), see heap_top()

  std::size_t active = 0;
  std::uint64_t next_seq = 1;
  std::int64_t now_s = 0;
  AnomalyCounters anomalies;
  AssemblerStats stats;

  explicit Impl(AssemblerOptions o) : opt(o) {
    if (opt.max_flows == 0) opt.max_flows = 1;
    auto secs = [](TimeNs t) { return static_cast<std::int64_t>(t / kNsPerSecond); };
    tcp_s = secs(opt.tcp_timeout);
    rst_s = secs(opt.tcp_rst_timeout);
    fin_s = secs(opt.tcp_fin_timeout);
    udp_s = secs(opt.udp_timeout);
    icmp_s = secs(opt.icmp_timeout);
    general_s = secs(opt.general_timeout);
    if (general_s == 0) general_s = 3600;
    maxlife_s = secs(opt.max_life);
    interval_s = secs(opt.expiry_interval);
    // softflowd -r lets a batch of max_flows frames add as many flows before it trims the table.
    const std::size_t bound = opt.clock == ExpiryClock::softflowd_file ? 2 * opt.max_flows + 1 : opt.max_flows + 1;
    const std::size_t slots = std::bit_ceil(std::max<std::size_t>(16, bound * 2));
    index.assign(slots, kNone);
    index_mask = slots - 1;
    const std::size_t initial = std::min<std::size_t>(bound, 65536);
    flows.reserve(initial);
    heap.reserve(initial);
  }

  // ---- expiry heap, ordered like softflowd's expiry tree by (deadline, seq) ----
  // Entries may hold a deadline earlier than the flow's own (a packet moved it
  // later); such an entry is refreshed when it reaches the top. Extending a
  // flow is then O(1); only a deadline that moves earlier sifts at once.
  static bool before(const HeapEntry& x, const HeapEntry& y) noexcept {
    return x.at != y.at ? x.at < y.at : x.seq < y.seq;
  }
  void place(std::uint32_t pos, const HeapEntry& e) noexcept {
    heap[pos] = e;
    flows[e.id].heap_pos = pos;
  }
  void sift_up(std::uint32_t pos) noexcept {
    const HeapEntry e = heap[pos];
    while (pos > 0) {
      const std::uint32_t parent = (pos - 1) / 2;
      if (!before(e, heap[parent])) break;
      place(pos, heap[parent]);
      pos = parent;
    }
    place(pos, e);
  }
  void sift_down(std::uint32_t pos) noexcept {
    const HeapEntry e = heap[pos];
    const auto n = static_cast<std::uint32_t>(heap.size());
    for (;;) {
      std::uint32_t child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap[child + 1], heap[child])) ++child;
      if (!before(heap[child], e)) break;
      place(pos, heap[child]);
      pos = child;
    }
    place(pos, e);
  }
  void heap_push(std::uint32_t id) {
    const Flow& f = flows[id];
    heap.push_back(HeapEntry{f.expires_at, f.seq, id});
    sift_up(static_cast<std::uint32_t>(heap.size() - 1));
  }
  // Records a new deadline: earlier ones are sifted now, later ones lazily.
  void set_deadline(std::uint32_t id, std::int64_t at) noexcept {
    Flow& f = flows[id];
    f.expires_at = at;
    HeapEntry& e = heap[f.heap_pos];
    if (at < e.at) {
      e.at = at;
      sift_up(f.heap_pos);
    }
  }
  // Makes the top entry exact, so that it is the flow with the earliest deadline.
  const Flow* heap_top() noexcept {
    while (!heap.empty()) {
      HeapEntry& e = heap.front();
      const Flow& f = flows[e.id];
      if (e.at == f.expires_at) return &f;
      e.at = f.expires_at;
      sift_down(0);
    }
    return nullptr;
  }
  std::uint32_t heap_pop() noexcept {
    const std::uint32_t top = heap.front().id;
    const HeapEntry last = heap.back();
    heap.pop_back();
    if (!heap.empty()) {
      place(0, last);
      sift_down(0);
    }
    flows[top].heap_pos = kNone;
    return top;
  }

  // ---- flow table ----
  std::uint32_t find(const Key& k, std::uint64_t h) const noexcept {
    for (std::uint64_t i = h & index_mask;; i = (i + 1) & index_mask) {
      const std::uint32_t id = index[i];
      if (id == kNone) return kNone;
      const Flow& f = flows[id];
      if (f.hash == h && same_key(f, k)) return id;
    }
  }
  void index_insert(std::uint32_t id) noexcept {
    std::uint64_t i = flows[id].hash & index_mask;
    while (index[i] != kNone) i = (i + 1) & index_mask;
    index[i] = id;
  }
  // Backward-shift deletion keeps probe chains intact without tombstones.
  void index_erase(std::uint32_t id) noexcept {
    std::uint64_t i = flows[id].hash & index_mask;
    while (index[i] != id) i = (i + 1) & index_mask;
    for (std::uint64_t j = (i + 1) & index_mask;; j = (j + 1) & index_mask) {
      const std::uint32_t other = index[j];
      if (other == kNone) break;
      const std::uint64_t home = flows[other].hash & index_mask;
      // Move `other` into the hole unless its home lies cyclically in (i, j].
      const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (stays) continue;
      index[i] = other;
      i = j;
    }
    index[i] = kNone;
  }
  std::uint32_t allocate() {
    if (!free_ids.empty()) {
      const std::uint32_t id = free_ids.back();
      free_ids.pop_back();
      return id;
    }
    flows.emplace_back();
    return static_cast<std::uint32_t>(flows.size() - 1);
  }

  // softflowd's flow_update_expiry, in seconds of packet time.
  std::int64_t deadline(const Flow& f) const noexcept {
    if (f.octets[0] > kOverBytes || f.octets[1] > kOverBytes) return 0;
    const std::int64_t start = seconds(f.start);
    const std::int64_t last = seconds(f.last);
    if (maxlife_s != 0 && last - start > maxlife_s) return 0;
    std::int64_t timeout = general_s;
    const std::uint8_t flags = f.tcp_flags[0] | f.tcp_flags[1];
    if (f.proto == kProtoTcp && rst_s != 0 && (flags & kTcpRst)) {
      timeout = rst_s;
    } else if (f.proto == kProtoTcp && fin_s != 0 && (f.tcp_flags[0] & kTcpFin) && (f.tcp_flags[1] & kTcpFin)) {
      timeout = fin_s;
    } else if (f.proto == kProtoTcp && tcp_s != 0) {
      timeout = tcp_s;
    } else if (f.proto == kProtoUdp && udp_s != 0) {
      timeout = udp_s;
    } else if (((f.version == 4 && f.proto == kProtoIcmp) || (f.version == 6 && f.proto == kProtoIcmpV6)) &&
               icmp_s != 0) {
      timeout = icmp_s;
    }
    std::int64_t at = last + timeout;
    if (maxlife_s != 0) at = std::min(at, start + maxlife_s);
    // 0 means "now"; a capture from 1970 must not collide with it.
    return at == 0 ? 1 : at;
  }

  void emit(const Flow& f, std::vector<FlowRecord>& out) {
    for (int d = 0; d < 2; ++d) {
      if (f.packets[d] == 0) continue;
      FlowRecord& r = out.emplace_back();
      r.start_ns = f.start;
      r.end_ns = f.last;
      r.src_addr = f.addr[d];
      r.dst_addr = f.addr[d ^ 1];
      r.src_port = f.port[d];
      r.dst_port = f.port[d ^ 1];
      r.proto = f.proto;
      r.packets = r.raw_packets = f.packets[d];
      r.bytes = r.raw_bytes = f.octets[d];
      r.tcp_flags = f.tcp_flags[d];
      r.tos = f.tos[d];
      r.sampling_rate = 1;
      r.source = FlowSource::capture;
      ++stats.flows_emitted;
    }
  }

  void expire(std::uint32_t id, std::vector<FlowRecord>& out) {
    const Flow& f = flows[id];
    emit(f, out);
    index_erase(id);
    free_ids.push_back(id);
    --active;
    ++stats.flows_expired;
  }

  // Exports every flow marked "now" and, in packet-time mode, every flow whose
  // deadline has passed; softflowd's check_expired with CE_EXPIRE_NORMAL/FORCED.
  void scan(bool timed, std::vector<FlowRecord>& out) {
    while (const Flow* top = heap_top()) {
      if (top->expires_at != 0 && !(timed && top->expires_at < now_s)) break;
      expire(heap_pop(), out);
    }
  }

  // softflowd's next_expire() == 0: expiries are batched on expiry_interval boundaries.
  bool scan_due() noexcept {
    const Flow* top = heap_top();
    if (top == nullptr) return false;
    std::int64_t at = top->expires_at;
    if (at == 0) return true;
    if (interval_s > 1) {
      const std::int64_t fudge = at % interval_s;
      if (fudge > 0) at += interval_s - fudge;
    }
    return at < now_s;
  }

  // softflowd's force_expire: the flows closest to their deadline go first.
  void trim(std::vector<FlowRecord>& out) {
    while (active > opt.max_flows && heap_top() != nullptr) {
      anomalies.add(Anomaly::flow_table_full);
      ++stats.flows_evicted;
      expire(heap_pop(), out);
    }
  }

  void tick(TimeNs ts, std::vector<FlowRecord>& out) {
    ++stats.frames;
    if (opt.clock == ExpiryClock::packet_time) {
      now_s = std::max(now_s, seconds(ts));
      if (scan_due()) scan(true, out);
    }
  }

  void end_of_frame(std::vector<FlowRecord>& out) {
    if (opt.clock == ExpiryClock::packet_time) {
      if (active > opt.max_flows) trim(out);
    } else if (stats.frames % opt.max_flows == 0) {
      // pcap_dispatch hands softflowd max_flows frames, then it runs its expiry check.
      scan(false, out);
      trim(out);
    }
  }

  void account(const PacketSummary& p, TimeNs ts, std::uint32_t frame_length, std::vector<FlowRecord>& out) {
    ++stats.ip_packets;
    if (p.is_fragment || p.is_first_fragment) ++stats.fragments;
    Key k;
    const int ndx = p.src_addr > p.dst_addr ? 1 : 0;
    k.addr[ndx] = p.src_addr;
    k.addr[ndx ^ 1] = p.dst_addr;
    k.port[ndx] = p.src_port;
    k.port[ndx ^ 1] = p.dst_port;
    // softflowd stops at an IPv6 fragment header with a non-zero offset before it records the protocol.
    k.proto = p.ip_version == 6 && p.is_fragment ? 0 : p.proto;
    k.version = p.ip_version;
    const std::uint64_t h = hash_key(k);
    std::uint32_t id = find(k, h);
    const bool created = id == kNone;
    if (created) {
      id = allocate();
      Flow& f = flows[id];
      f = Flow{};
      f.addr[0] = k.addr[0];
      f.addr[1] = k.addr[1];
      f.port[0] = k.port[0];
      f.port[1] = k.port[1];
      f.proto = k.proto;
      f.version = k.version;
      f.hash = h;
      f.start = ts;
      f.seq = next_seq++;
      index_insert(id);
      ++active;
      ++stats.flows_created;
    }
    Flow& f = flows[id];
    std::uint64_t bytes = 0;
    if (opt.byte_count == ByteCount::ip_length) {
      bytes = p.ip_length;
    } else if (frame_length > p.ip_offset) {
      bytes = frame_length - p.ip_offset;
    }
    if (f.packets[ndx] == 0) f.tos[ndx] = p.tos;
    ++f.packets[ndx];
    f.octets[ndx] += bytes;
    f.tcp_flags[ndx] |= p.tcp_flags;
    f.last = ts;
    if (created) {
      f.expires_at = deadline(f);
      heap_push(id);
    } else if (f.expires_at != 0) {
      // Most packets land in the same second as the previous one: no heap work then.
      const std::int64_t at = deadline(f);
      if (at != f.expires_at) set_deadline(id, at);
    }
    end_of_frame(out);
  }
};

FlowAssembler::FlowAssembler(AssemblerOptions options) : impl_(std::make_unique<Impl>(options)) {}
FlowAssembler::FlowAssembler(FlowAssembler&&) noexcept = default;
FlowAssembler& FlowAssembler::operator=(FlowAssembler&&) noexcept = default;
FlowAssembler::~FlowAssembler() = default;

void FlowAssembler::add_frame(LinkType link, const CapturedPacket& packet, std::vector<FlowRecord>& out) {
  Impl& m = *impl_;
  m.tick(packet.timestamp_ns, out);
  PacketSummary p;
  Anomaly why{};
  if (!parse_packet(link, packet.data, p, why)) {
    m.anomalies.add(why);
    m.end_of_frame(out);
    return;
  }
  if (p.is_fragment) m.anomalies.add(Anomaly::packet_fragment);
  const std::uint32_t wire = packet.wire_length != 0 ? packet.wire_length : static_cast<std::uint32_t>(packet.data.size());
  m.account(p, packet.timestamp_ns, wire, out);
}

void FlowAssembler::add_packet(const PacketSummary& packet, TimeNs timestamp_ns, std::uint32_t frame_length,
                               std::vector<FlowRecord>& out) {
  Impl& m = *impl_;
  m.tick(timestamp_ns, out);
  if (packet.is_fragment) m.anomalies.add(Anomaly::packet_fragment);
  m.account(packet, timestamp_ns, frame_length, out);
}

void FlowAssembler::flush(std::vector<FlowRecord>& out) {
  Impl& m = *impl_;
  while (m.heap_top() != nullptr) m.expire(m.heap_pop(), out);
}

const AnomalyCounters& FlowAssembler::anomalies() const noexcept { return impl_->anomalies; }

AssemblerStats FlowAssembler::stats() const noexcept {
  AssemblerStats s = impl_->stats;
  s.active_flows = impl_->active;
  return s;
}

}  // namespace mamori::flow

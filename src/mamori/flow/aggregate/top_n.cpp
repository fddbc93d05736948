#include "mamori/flow/aggregate/top_n.hpp"

#include <algorithm>

#include "mamori/core/prefetch.hpp"
#include "mamori/flow/aggregate/counter_map.hpp"

namespace mamori::flow {

Result<TopKey> parse_top_key(std::string_view name) {
  if (name == "srcip" || name == "src_ip" || name == "src_addr") return TopKey::src_ip;
  if (name == "dstip" || name == "dst_ip" || name == "dst_addr") return TopKey::dst_ip;
  if (name == "srcport" || name == "src_port") return TopKey::src_port;
  if (name == "dstport" || name == "dst_port") return TopKey::dst_port;
  if (name == "proto") return TopKey::proto;
  if (name == "pair" || name == "ippair") return TopKey::pair;
  return fail(Errc::invalid_argument, "unknown top-N key '{}' (use srcip, dstip, srcport, dstport, proto or pair)",
              name);
}

Result<TopOrder> parse_top_order(std::string_view name) {
  if (name == "flows") return TopOrder::flows;
  if (name == "packets") return TopOrder::packets;
  if (name == "bytes") return TopOrder::bytes;
  return fail(Errc::invalid_argument, "unknown top-N order '{}' (use flows, packets or bytes)", name);
}

std::string_view top_key_name(TopKey key) noexcept {
  switch (key) {
    case TopKey::src_ip: return "srcip";
    case TopKey::dst_ip: return "dstip";
    case TopKey::src_port: return "srcport";
    case TopKey::dst_port: return "dstport";
    case TopKey::proto: return "proto";
    case TopKey::pair: return "pair";
  }
  return "?";
}

std::string_view top_order_name(TopOrder order) noexcept {
  switch (order) {
    case TopOrder::flows: return "flows";
    case TopOrder::packets: return "packets";
    case TopOrder::bytes: return "bytes";
  }
  return "?";
}

std::string format_top_key(TopKey key, const TopRow& row) {
  switch (key) {
    case TopKey::src_ip:
    case TopKey::dst_ip: return row.src.to_string();
    case TopKey::pair: return row.src.to_string() + " -> " + row.dst.to_string();
    case TopKey::src_port:
    case TopKey::dst_port:
    case TopKey::proto: return std::to_string(row.number);
  }
  return {};
}

namespace {

std::uint64_t metric(TopOrder order, const FlowCounters& c) noexcept {
  switch (order) {
    case TopOrder::flows: return c.flows;
    case TopOrder::packets: return c.packets;
    case TopOrder::bytes: return c.bytes;
  }
  return 0;
}

// Keeps the n best entries in a heap whose front is the worst kept one, so
// picking N of K keys costs O(K log N) and O(N) memory.
template <class Key>
class Picker {
 public:
  Picker(TopOrder order, std::size_t n) : order_(order), n_(n) {}

  void offer(const Key& key, const FlowCounters& c) {
    Entry e{key, c};
    if (n_ == 0 || heap_.size() < n_) {
      heap_.push_back(e);
      std::push_heap(heap_.begin(), heap_.end(), better());
    } else if (better()(e, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better());
      heap_.back() = e;
      std::push_heap(heap_.begin(), heap_.end(), better());
    }
  }

  template <class ToRow>
  std::vector<TopRow> rows(ToRow to_row, std::uint64_t total) {
    std::sort_heap(heap_.begin(), heap_.end(), better());
    std::vector<TopRow> out;
    out.reserve(heap_.size());
    for (const Entry& e : heap_) {
      TopRow r;
      to_row(e.key, r);
      r.flows = e.counters.flows;
      r.packets = e.counters.packets;
      r.bytes = e.counters.bytes;
      r.share = total == 0 ? 0.0 : static_cast<double>(metric(order_, e.counters)) / static_cast<double>(total);
      out.push_back(r);
    }
    return out;
  }

 private:
  struct Entry {
    Key key;
    FlowCounters counters;
  };
  auto better() const {
    return [order = order_](const Entry& a, const Entry& b) {
      std::uint64_t ma = metric(order, a.counters), mb = metric(order, b.counters);
      if (ma != mb) return ma > mb;
      return a.key < b.key;
    };
  }
  TopOrder order_;
  std::size_t n_;
  std::vector<Entry> heap_;
};

template <class F>
void for_rows(std::size_t n, const Selection* selection, F&& f) {
  if (selection == nullptr) {
    for (std::size_t i = 0; i < n; ++i) f(i);
  } else {
    selection->for_each(f);
  }
}

}  // namespace

struct TopNAggregator::Impl {
  TopKey key;
  TopOrder order;
  TopNOptions options;
  CounterMap<IpAddress, IpAddressHash> addresses;
  CounterMap<AddressPair, AddressPairHash> pairs;
  std::vector<FlowCounters> numbers;  // indexed by port or protocol
  FlowCounters total;
  std::vector<std::uint32_t> rows;  // scratch: selected rows of a batch

  bool want_packets = true;
  bool want_bytes = true;

  Impl(TopKey k, TopOrder o, TopNOptions opt)
      : key(k),
        order(o),
        options(opt),
        want_packets(opt.all_counters || o == TopOrder::packets),
        want_bytes(opt.all_counters || o == TopOrder::bytes) {
    if (k == TopKey::src_port || k == TopKey::dst_port) numbers.resize(65536);
    if (k == TopKey::proto) numbers.resize(256);
  }

  static void bump(FlowCounters& c, std::uint64_t packets, std::uint64_t bytes) noexcept {
    ++c.flows;
    c.packets += packets;
    c.bytes += bytes;
  }

  template <class Map, class KeyAt>
  void add_map(Map& map, std::size_t n, const Selection* sel, KeyAt key_at, const std::uint64_t* pk,
               const std::uint64_t* by) {
    FlowCounters t = total;
    // Prefetching a few rows ahead hides most of the cache misses of a table
    // larger than the caches.
    constexpr std::size_t kAhead = 16;
    auto add_row = [&](std::size_t i) {
      std::uint64_t p = pk ? pk[i] : 0, b = by ? by[i] : 0;
      bump(map.at(key_at(i)), p, b);
      bump(t, p, b);
    };
    if (sel == nullptr) {
      for (std::size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) prefetch_read(map.home(key_at(i + kAhead)));
        add_row(i);
      }
    } else {
      sel->to_indices(rows);
      for (std::size_t j = 0; j < rows.size(); ++j) {
        if (j + kAhead < rows.size()) prefetch_read(map.home(key_at(rows[j + kAhead])));
        add_row(rows[j]);
      }
    }
    total = t;
  }

  template <class KeyAt>
  void add_numbers(std::size_t n, const Selection* sel, KeyAt key_at, const std::uint64_t* pk,
                   const std::uint64_t* by) {
    FlowCounters t = total;
    for_rows(n, sel, [&](std::size_t i) {
      std::uint64_t p = pk ? pk[i] : 0, b = by ? by[i] : 0;
      bump(numbers[key_at(i)], p, b);
      bump(t, p, b);
    });
    total = t;
  }
};

TopNAggregator::TopNAggregator(TopKey key, TopOrder order, TopNOptions options)
    : impl_(std::make_unique<Impl>(key, order, options)) {}
TopNAggregator::TopNAggregator(TopNAggregator&&) noexcept = default;
TopNAggregator& TopNAggregator::operator=(TopNAggregator&&) noexcept = default;
TopNAggregator::~TopNAggregator() = default;

ColumnSet TopNAggregator::columns() const noexcept {
  ColumnSet c = 0;
  switch (impl_->key) {
    case TopKey::src_ip: c = column_bit(FlowField::src_addr); break;
    case TopKey::dst_ip: c = column_bit(FlowField::dst_addr); break;
    case TopKey::src_port: c = column_bit(FlowField::src_port); break;
    case TopKey::dst_port: c = column_bit(FlowField::dst_port); break;
    case TopKey::proto: c = column_bit(FlowField::proto); break;
    case TopKey::pair: c = column_bit(FlowField::src_addr) | column_bit(FlowField::dst_addr); break;
  }
  if (impl_->want_packets) c |= column_bit(FlowField::packets);
  if (impl_->want_bytes) c |= column_bit(FlowField::bytes);
  return c;
}

void TopNAggregator::add(const FlowRecord& f) {
  Impl& m = *impl_;
  const std::uint64_t p = m.want_packets ? f.packets : 0;
  const std::uint64_t b = m.want_bytes ? f.bytes : 0;
  switch (m.key) {
    case TopKey::src_ip: Impl::bump(m.addresses.at(f.src_addr), p, b); break;
    case TopKey::dst_ip: Impl::bump(m.addresses.at(f.dst_addr), p, b); break;
    case TopKey::pair: Impl::bump(m.pairs.at(AddressPair{f.src_addr, f.dst_addr}), p, b); break;
    case TopKey::src_port: Impl::bump(m.numbers[f.src_port], p, b); break;
    case TopKey::dst_port: Impl::bump(m.numbers[f.dst_port], p, b); break;
    case TopKey::proto: Impl::bump(m.numbers[f.proto], p, b); break;
  }
  Impl::bump(m.total, p, b);
}

Status TopNAggregator::add(ColumnSource& batch, const Selection* selection) {
  const ColumnSet need = columns();
  if (auto s = batch.require(need); !s) return s;
  const FlowColumns& c = batch.columns();
  const std::size_t n = batch.size();
  const std::uint64_t* pk = (need & column_bit(FlowField::packets)) ? c.packets.data() : nullptr;
  const std::uint64_t* by = (need & column_bit(FlowField::bytes)) ? c.bytes.data() : nullptr;
  Impl& m = *impl_;
  switch (m.key) {
    case TopKey::src_ip: {
      const IpAddress* a = c.src_addr.data();
      m.add_map(m.addresses, n, selection, [a](std::size_t i) { return a[i]; }, pk, by);
      break;
    }
    case TopKey::dst_ip: {
      const IpAddress* a = c.dst_addr.data();
      m.add_map(m.addresses, n, selection, [a](std::size_t i) { return a[i]; }, pk, by);
      break;
    }
    case TopKey::pair: {
      const IpAddress *s = c.src_addr.data(), *d = c.dst_addr.data();
      m.add_map(m.pairs, n, selection, [s, d](std::size_t i) { return AddressPair{s[i], d[i]}; }, pk, by);
      break;
    }
    case TopKey::src_port: {
      const std::uint16_t* v = c.src_port.data();
      m.add_numbers(n, selection, [v](std::size_t i) { return v[i]; }, pk, by);
      break;
    }
    case TopKey::dst_port: {
      const std::uint16_t* v = c.dst_port.data();
      m.add_numbers(n, selection, [v](std::size_t i) { return v[i]; }, pk, by);
      break;
    }
    case TopKey::proto: {
      const std::uint8_t* v = c.proto.data();
      m.add_numbers(n, selection, [v](std::size_t i) { return v[i]; }, pk, by);
      break;
    }
  }
  return {};
}

TopNResult TopNAggregator::result(std::size_t n) const {
  const Impl& m = *impl_;
  TopNResult r;
  r.key = m.key;
  r.order = m.order;
  r.total_flows = m.total.flows;
  r.total_packets = m.total.packets;
  r.total_bytes = m.total.bytes;
  const std::uint64_t total = metric(m.order, m.total);
  switch (m.key) {
    case TopKey::src_ip:
    case TopKey::dst_ip: {
      Picker<IpAddress> pick(m.order, n);
      m.addresses.for_each([&](const IpAddress& k, const FlowCounters& c) { pick.offer(k, c); });
      r.rows = pick.rows([](const IpAddress& k, TopRow& row) { row.src = k; }, total);
      r.distinct_keys = m.addresses.size();
      break;
    }
    case TopKey::pair: {
      Picker<AddressPair> pick(m.order, n);
      m.pairs.for_each([&](const AddressPair& k, const FlowCounters& c) { pick.offer(k, c); });
      r.rows = pick.rows(
          [](const AddressPair& k, TopRow& row) {
            row.src = k.src;
            row.dst = k.dst;
          },
          total);
      r.distinct_keys = m.pairs.size();
      break;
    }
    case TopKey::src_port:
    case TopKey::dst_port:
    case TopKey::proto: {
      Picker<std::uint32_t> pick(m.order, n);
      for (std::uint32_t k = 0; k < m.numbers.size(); ++k) {
        if (m.numbers[k].flows == 0) continue;
        pick.offer(k, m.numbers[k]);
        ++r.distinct_keys;
      }
      r.rows = pick.rows([](std::uint32_t k, TopRow& row) { row.number = k; }, total);
      break;
    }
  }
  return r;
}

Result<TopNResult> top_n(MflowReader& source, TopKey key, TopOrder order, std::size_t n, const Filter* filter,
                         TopNOptions options) {
  TopNAggregator agg(key, order, options);
  const bool filtering = filter != nullptr && !filter->matches_everything();
  Selection selection;
  for (;;) {
    auto more = source.next_block();
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
    MflowBlock& block = source.block();
    const Selection* rows = nullptr;
    if (filtering) {
      if (auto s = filter->select(block, selection); !s) return tl::unexpected(s.error());
      if (selection.none()) continue;
      if (!selection.all()) rows = &selection;
    }
    if (auto s = agg.add(block, rows); !s) return tl::unexpected(s.error());
  }
  return agg.result(n);
}

TopNResult top_n(std::span<const FlowRecord> source, TopKey key, TopOrder order, std::size_t n,
                 const Filter* filter) {
  TopNAggregator agg(key, order);
  for (const FlowRecord& f : source)
    if (filter == nullptr || filter->matches(f)) agg.add(f);
  return agg.result(n);
}

}  // namespace mamori::flow

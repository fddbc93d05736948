// What one keyed update costs when a detector's table is far larger than the
// caches, as in a warm engine (docs/performance.md, "Detection"): the
// behavioural detectors' sketch::BoundedTable (an index of 8-byte slots, then
// the entry: two dependent misses), with and without the batch prefetching
// the detectors use, against a plain array indexed directly (one miss, the
// lower bound). 500,000 entries of 512 bytes, as beaconing holds warm; each
// update writes two of the entry's lines.
//
//   BM_TableUpdate/0   BoundedTable, no prefetching
//   BM_TableUpdate/1   BoundedTable, index slot requested 2d updates ahead, the whole entry d ahead
//   BM_InPlaceUpdate/p entries in place with a tag byte per slot (a layout considered), p = prefetching
//   BM_DirectUpdate    the entries in a plain array at known positions
//   BM_RandomLine*     one random line of 512 MiB at a time (chased) or many in flight (independent)
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "mamori/core/prefetch.hpp"
#include "mamori/detect/sketch/batch_prefetch.hpp"
#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/huge_array.hpp"
#include "mamori/detect/sketch/random.hpp"

namespace {

using namespace mamori::detect;

constexpr std::size_t kEntries = 500'000;
constexpr std::size_t kUpdates = 1'000'000;

struct Value {
  std::array<std::uint64_t, 58> words{};  // with key and hash: 512-byte entries
};
using Table = sketch::BoundedTable<std::uint64_t, Value>;

// Wall time per one of the kUpdates operations of each iteration.
void report_time_per(benchmark::State& state, const char* counter) {
  state.counters[counter] =
      benchmark::Counter(static_cast<double>(kUpdates) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

std::uint64_t hash_of(std::uint64_t key) noexcept {
  return sketch::SplitMix64(key).next();
}

void touch(Value& v, std::uint64_t key) noexcept {
  ++v.words[key & 7];         // the first lines, next to the key
  ++v.words[40 + (key & 7)];  // and one further in
}

struct Fixture {
  Table table{kEntries};
  std::vector<std::uint64_t> keys;  // the updates' keys, uniformly over the entries
  std::vector<std::uint64_t> hashes;

  Fixture() {
    sketch::SplitMix64 rng(3);
    for (std::uint64_t k = 1; k <= kEntries; ++k)
      table.find_or_insert(k, hash_of(k), rng, [](const Table::Entry&) { return 0; });
    for (std::size_t i = 0; i < kUpdates; ++i) {
      keys.push_back(1 + rng.below(static_cast<std::uint32_t>(kEntries)));
      hashes.push_back(hash_of(keys.back()));
    }
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_TableUpdate(benchmark::State& state) {
  Fixture& f = fixture();
  const bool prefetch = state.range(0) != 0;
  constexpr std::size_t d = sketch::kPrefetchDistance;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kUpdates; ++i) {
      if (prefetch) {
        if (i + 2 * d < kUpdates) f.table.prefetch_slot(f.hashes[i + 2 * d]);
        if (i + d < kUpdates) f.table.prefetch_entry(f.hashes[i + d]);
      }
      Table::Entry* e = f.table.find(f.keys[i], f.hashes[i]);
      if (e == nullptr) std::abort();
      touch(e->value, f.keys[i]);
    }
  }
  report_time_per(state, "time_per_update");
}
BENCHMARK(BM_TableUpdate)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// A layout considered for the tables: entries in place in an open-addressed
// array, with a byte of tag per slot (small enough to stay in cache) to skip
// foreign slots. The home slot's entry can be requested from the hash alone,
// without first loading an index slot.
struct InPlace {
  static constexpr std::size_t kSlots = std::size_t{1} << 20;  // load 0.48
  sketch::HugeArray<std::uint8_t> tags{kSlots};                // huge pages, as the detectors' tables use
  sketch::HugeArray<Table::Entry> slots{kSlots};
  static std::uint8_t tag_of(std::uint64_t h) noexcept { return static_cast<std::uint8_t>(0x80 | (h >> 57)); }
  Table::Entry* find(std::uint64_t key, std::uint64_t h) noexcept {
    for (std::size_t s = h & (kSlots - 1);; s = (s + 1) & (kSlots - 1)) {
      if (tags[s] == 0) return nullptr;
      if (tags[s] == tag_of(h) && slots[s].key == key) return &slots[s];
    }
  }
  void insert(std::uint64_t key, std::uint64_t h) noexcept {
    std::size_t s = h & (kSlots - 1);
    while (tags[s] != 0) s = (s + 1) & (kSlots - 1);
    tags[s] = tag_of(h);
    slots[s].key = key;
    slots[s].hash = h;
  }
};

void BM_InPlaceUpdate(benchmark::State& state) {
  Fixture& f = fixture();
  InPlace table;
  for (std::uint64_t k = 1; k <= kEntries; ++k) table.insert(k, hash_of(k));
  const bool prefetch = state.range(0) != 0;
  constexpr std::size_t d = sketch::kPrefetchDistance;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kUpdates; ++i) {
      if (prefetch && i + d < kUpdates) {
        const std::size_t s = f.hashes[i + d] & (InPlace::kSlots - 1);
        mamori::prefetch_read(&table.tags[s]);
        mamori::prefetch_read(&table.slots[s]);
      }
      Table::Entry* e = table.find(f.keys[i], f.hashes[i]);
      if (e == nullptr) std::abort();
      touch(e->value, f.keys[i]);
    }
  }
  report_time_per(state, "time_per_update");
}
BENCHMARK(BM_InPlaceUpdate)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DirectUpdate(benchmark::State& state) {
  Fixture& f = fixture();
  sketch::HugeArray<Value> direct(kEntries + 1);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kUpdates; ++i) touch(direct[f.keys[i]], f.keys[i]);
    benchmark::ClobberMemory();
  }
  report_time_per(state, "time_per_update");
}
BENCHMARK(BM_DirectUpdate)->Unit(benchmark::kMillisecond)->UseRealTime();

// The machine's memory: one random line at a time (each address depends on
// the last load) against random lines whose addresses are known up front.
sketch::HugeArray<std::uint64_t>& lines() {
  static sketch::HugeArray<std::uint64_t> memory(std::size_t{64} << 20);  // 512 MiB in huge pages
  return memory;
}

void BM_RandomLineChased(benchmark::State& state) {
  auto& memory = lines();
  const std::uint64_t count = memory.size() / 8;
  std::uint64_t at = 0, sum = 0;
  sketch::SplitMix64 rng(9);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kUpdates; ++i) {
      at = (rng.next() + (memory[at * 8] & 1)) % count;
      sum += memory[at * 8];
    }
  }
  benchmark::DoNotOptimize(sum);
  report_time_per(state, "time_per_line");
}
BENCHMARK(BM_RandomLineChased)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RandomLineIndependent(benchmark::State& state) {
  auto& memory = lines();
  const std::uint64_t count = memory.size() / 8;
  std::vector<std::uint64_t> at(kUpdates);
  sketch::SplitMix64 rng(9);
  for (auto& a : at) a = rng.next() % count * 8;
  std::uint64_t sum = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kUpdates; ++i) sum += memory[at[i]];
  }
  benchmark::DoNotOptimize(sum);
  report_time_per(state, "time_per_line");
}
BENCHMARK(BM_RandomLineIndependent)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

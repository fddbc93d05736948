// Ledger throughput: appends with a signed checkpoint every second, whole-log
// verification and proof generation on a 1,000,000-entry log.
//
//   build/bench/ledger_bench                       (all; builds a 1M-entry ledger in $TMPDIR first)
//   build/bench/ledger_bench --benchmark_filter=Append
//   MAMORI_BENCH_LEDGER_SIZE=100000 build/bench/ledger_bench   (a smaller log)
//   MAMORI_BENCH_KEEP=1 build/bench/ledger_bench --benchmark_filter=OpenAndProve
//     keeps the log (and its .vkey) for timing `mamori ledger verify` on it
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include "mamori/crypto/keys.hpp"
#include "mamori/ledger/ledger.hpp"
#include "mamori/ledger/sqlite_store.hpp"
#include "mamori/ledger/verify.hpp"

namespace {

using namespace mamori;
using namespace mamori::ledger;
using Clock = std::chrono::steady_clock;

crypto::SigningKey bench_key() {
  std::array<std::uint8_t, 32> seed;
  seed.fill(42);
  return std::move(*crypto::SigningKey::from_seed("hub.mamori.example/ledger", crypto::KeyRole::hub, seed));
}

// What a selection batch records: counts and the hash of the output file.
std::string body_for(std::uint64_t i) {
  return fmt::format(R"({{"batch":{},"dropped_domestic":{},"flows_in":{},"flows_kept":{},"output_sha256":"{:016x}{:016x}{:016x}{:016x}","policy":"sel-2024-{:04}"}})",
                     i, i * 3, i * 17 + 5, i * 7, i * 0x9e3779b97f4a7c15ULL, i ^ 0x5555, i * 31, ~i, i % 1000);
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".db")).string();
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

Ledger open_or_die(const std::string& path, bool full_sync, Ledger::Options options = {}) {
  SqliteLedgerStore::Options so;
  so.create = true;
  so.full_sync = full_sync;
  auto store = SqliteLedgerStore::open(path, so);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    std::exit(1);
  }
  auto ledger = Ledger::open(std::move(*store), options);
  if (!ledger) {
    std::fprintf(stderr, "%s\n", ledger.error().message.c_str());
    std::exit(1);
  }
  return std::move(*ledger);
}

// Appends (each validated, canonicalised, hashed, added to the tree and
// stored in batched transactions) with a signed checkpoint every second.
void BM_AppendWithCheckpointEverySecond(benchmark::State& state) {
  const bool full_sync = state.range(0) != 0;
  const auto key = bench_key();
  const std::string path = temp_path("mamori-ledger-append");
  remove_db(path);
  std::uint64_t appended = 0, checkpoints = 0;
  {
    Ledger ledger = open_or_die(path, full_sync);
    auto next_checkpoint = Clock::now() + std::chrono::seconds(1);
    for (auto _ : state) {
      auto r = ledger.append("selection.batch", "carrier:carrier-1", body_for(appended));
      if (!r) state.SkipWithError(r.error().message.c_str());
      ++appended;
      if ((appended & 1023) == 0 && Clock::now() >= next_checkpoint) {
        if (!ledger.checkpoint(key)) state.SkipWithError("checkpoint failed");
        ++checkpoints;
        next_checkpoint += std::chrono::seconds(1);
      }
    }
    if (!ledger.checkpoint(key)) state.SkipWithError("checkpoint failed");
    ++checkpoints;
  }
  remove_db(path);
  state.SetItemsProcessed(static_cast<std::int64_t>(appended));
  state.counters["checkpoints"] = static_cast<double>(checkpoints);
}
BENCHMARK(BM_AppendWithCheckpointEverySecond)
    ->ArgName("fsync_each_commit")
    ->Arg(1)
    ->Arg(0)
    ->Iterations(500'000)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// Validation and canonicalisation of one body (part of every append).
void BM_CanonicalizeBody(benchmark::State& state) {
  const std::string body = body_for(123456);
  for (auto _ : state) {
    auto c = canonicalize_body(body);
    benchmark::DoNotOptimize(c->data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CanonicalizeBody);

// The in-memory tree alone.
void BM_TreeAppend(benchmark::State& state) {
  MerkleTree tree;
  Hash leaf = hash_leaf(crypto::as_bytes("x"));
  for (auto _ : state) {
    leaf[0]++;
    tree.append(leaf);
  }
  benchmark::DoNotOptimize(tree.root());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TreeAppend);

struct BigLedger {
  std::string path;
  std::uint64_t size = 0;
  crypto::VerifierKey vkey;
  std::optional<Ledger> writer;  // the ledger that built it: every tree node resident
};

// One large ledger shared by the benchmarks below, built before they run.
void build_big_ledger(BigLedger& big) {
  remove_db(big.path);
  const auto key = bench_key();
  const auto start = Clock::now();
  big.writer.emplace(open_or_die(big.path, false));
  Ledger& ledger = *big.writer;
  const std::uint64_t size = big.size;
  for (std::uint64_t i = 0; i < size; ++i) {
    if (!ledger.append("selection.batch", "carrier:carrier-1", body_for(i))) std::exit(1);
    if ((i + 1) % 100'000 == 0 && !ledger.checkpoint(key)) std::exit(1);
  }
  if (!ledger.checkpoint(key)) std::exit(1);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr, "built a %llu-entry ledger in %.1f s (%.0f appends/s, fsync off) at %s\n",
               static_cast<unsigned long long>(size), seconds, static_cast<double>(size) / seconds, big.path.c_str());
}

void BM_VerifyWholeLog(benchmark::State& state, BigLedger* big) {
  for (auto _ : state) {
    auto store = SqliteLedgerStore::open(big->path, {.create = false, .read_only = true, .full_sync = true});
    if (!store) state.SkipWithError(store.error().message.c_str());
    VerifyOptions o;
    o.log_key = big->vkey;
    auto report = verify_ledger(**store, o);
    if (!report || !report->ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(report->root);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(big->size));
}

// resident:1 is the ledger that wrote the log (every node in memory);
// resident:0 a reopened one that reads stored tree chunks on demand (a
// bounded cache keeps the hot ones).
void BM_InclusionProof(benchmark::State& state, BigLedger* big) {
  std::optional<Ledger> reopened;
  if (state.range(0) == 0) reopened.emplace(open_or_die(big->path, false));
  Ledger& ledger = reopened ? *reopened : *big->writer;
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    const std::uint64_t index = rng() % big->size;
    auto p = ledger.prove_inclusion(index, big->size);
    if (!p) state.SkipWithError(p.error().message.c_str());
    benchmark::DoNotOptimize(p->path.data());
  }
}

void BM_ConsistencyProof(benchmark::State& state, BigLedger* big) {
  std::optional<Ledger> reopened;
  if (state.range(0) == 0) reopened.emplace(open_or_die(big->path, false));
  Ledger& ledger = reopened ? *reopened : *big->writer;
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    const std::uint64_t size1 = 1 + rng() % (big->size - 1);
    auto p = ledger.prove_consistency(size1, big->size);
    if (!p) state.SkipWithError(p.error().message.c_str());
    benchmark::DoNotOptimize(p->path.data());
  }
}

// What `mamori ledger prove` does: open the store, resume the tree, prove once.
void BM_OpenAndProve(benchmark::State& state, BigLedger* big) {
  std::mt19937_64 rng(3);
  for (auto _ : state) {
    Ledger ledger = open_or_die(big->path, false);
    auto p = ledger.prove_inclusion(rng() % big->size, big->size);
    if (!p) state.SkipWithError(p.error().message.c_str());
    benchmark::DoNotOptimize(p->path.data());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t size = 1'000'000;
  if (const char* env = std::getenv("MAMORI_BENCH_LEDGER_SIZE")) size = std::strtoull(env, nullptr, 10);
  // Built only when a benchmark that needs it is selected.
  BigLedger big{temp_path("mamori-ledger-big"), size, bench_key().verifier(), std::nullopt};
  const std::string filter = [&] {
    for (int i = 1; i < argc; ++i)
      if (std::string_view(argv[i]).starts_with("--benchmark_filter=")) return std::string(argv[i] + 19);
    return std::string();
  }();
  const bool needs_big = filter.empty() || filter.find("Verify") != std::string::npos ||
                         filter.find("Proof") != std::string::npos || filter.find("Prove") != std::string::npos ||
                         filter == "." || filter == "all";
  // After the filter is read: Initialize removes the flags it knows from argv.
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (needs_big) {
    build_big_ledger(big);
    BigLedger* b = &big;
    benchmark::RegisterBenchmark("BM_VerifyWholeLog", BM_VerifyWholeLog, b)->Unit(benchmark::kMillisecond)->Iterations(3);
    benchmark::RegisterBenchmark("BM_InclusionProof", BM_InclusionProof, b)->ArgName("resident")->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("BM_ConsistencyProof", BM_ConsistencyProof, b)->ArgName("resident")->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("BM_OpenAndProve", BM_OpenAndProve, b)->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  big.writer.reset();
  if (needs_big && std::getenv("MAMORI_BENCH_KEEP") != nullptr) {
    // Keep the log for timing the CLI: mamori ledger verify --db PATH --pubkey PATH.vkey
    std::FILE* f = std::fopen((big.path + ".vkey").c_str(), "w");
    if (f != nullptr) {
      std::fprintf(f, "%s\n", big.vkey.to_string().c_str());
      std::fclose(f);
    }
    std::fprintf(stderr, "kept %s and %s.vkey\n", big.path.c_str(), big.path.c_str());
  } else if (needs_big) {
    remove_db(big.path);
  }
  return 0;
}

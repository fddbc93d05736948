// `mamori ledger append|checkpoint|prove|verify|witness|show`: the oversight
// ledger (RFC 9162 Merkle tree, C2SP signed checkpoints and cosignatures).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "mamori/cli/command.hpp"
#include "mamori/core/json_text.hpp"
#include "mamori/core/output_file.hpp"
#include "mamori/core/time.hpp"
#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/key_file.hpp"
#include "mamori/ledger/ledger.hpp"
#include "mamori/ledger/ledger_file.hpp"
#include "mamori/ledger/sqlite_store.hpp"
#include "mamori/ledger/verify.hpp"
#include "mamori/ledger/witness.hpp"

namespace mamori::cli {

namespace {

using namespace mamori::ledger;

std::string b64(const Hash& h) { return crypto::base64_encode(view(h)); }



void print_hash_list(std::string& out, const std::vector<Hash>& hashes) {
  out += '[';
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += b64(hashes[i]);
    out += '"';
  }
  out += ']';
}

struct AppendOptions {
  std::string db, kind, actor, body, time;
};

int run_append(const AppendOptions& o) {
  TimeNs time = 0;
  if (!o.time.empty()) {
    auto t = parse_rfc3339(o.time);
    if (!t) return report_error("--time: " + t.error().message);
    time = *t;
  }
  auto ledger = open_ledger_file(o.db, true, false);
  if (!ledger) return report_error(ledger.error().message);
  auto appended = ledger->append(o.kind, o.actor, o.body, time);
  if (!appended) return report_error(appended.error().message);
  if (auto ok = ledger->flush(); !ok) return report_error(ok.error().message);
  std::printf("index=%llu leaf_hash=%s\n", static_cast<unsigned long long>(appended->index), b64(appended->leaf_hash).c_str());
  return 0;
}

struct CheckpointOptions {
  std::string db, key, origin;
};

int run_checkpoint(const CheckpointOptions& o) {
  auto key = crypto::load_signing_key(o.key);
  if (!key) return report_error(key.error().message);
  auto ledger = open_ledger_file(o.db, false, false);
  if (!ledger) return report_error(ledger.error().message);
  auto cp = ledger->checkpoint(*key, o.origin);
  if (!cp) return report_error(cp.error().message);
  std::fputs(cp->note.c_str(), stdout);
  return 0;
}

struct ProveOptions {
  std::string db;
  std::optional<std::uint64_t> index, size, from, to;
};

int run_prove(const ProveOptions& o) {
  const bool inclusion = o.index.has_value();
  const bool consistency = o.from.has_value() || o.to.has_value();
  if (inclusion == consistency) return report_error("give either --index I [--size N] or --from N1 --to N2", 2);
  if (consistency && !(o.from && o.to)) return report_error("a consistency proof needs both --from and --to", 2);
  if (consistency && o.size) return report_error("--size goes with --index; use --from/--to for consistency", 2);
  auto ledger = open_ledger_file(o.db, false, true);
  if (!ledger) return report_error(ledger.error().message);
  std::string out;
  if (inclusion) {
    const std::uint64_t size = o.size.value_or(ledger->size());
    auto p = ledger->prove_inclusion(*o.index, size);
    if (!p) return report_error(p.error().message);
    out = fmt::format(R"({{"leafIdx":{},"treeSize":{},"leafHash":"{}","root":"{}","proof":)", p->index, p->size,
                      b64(p->leaf_hash), b64(p->root));
    print_hash_list(out, p->path);
  } else {
    auto p = ledger->prove_consistency(*o.from, *o.to);
    if (!p) return report_error(p.error().message);
    out = fmt::format(R"({{"size1":{},"size2":{},"root1":"{}","root2":"{}","proof":)", p->size1, p->size2, b64(p->root1),
                      b64(p->root2));
    print_hash_list(out, p->path);
  }
  out += "}\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

struct VerifyCliOptions {
  std::string db, pubkey;
  std::vector<std::string> witness_pubkeys;
  std::size_t max_details = 200;
};

int run_verify(const VerifyCliOptions& o) {
  VerifyOptions options;
  auto log_key = crypto::load_verifier_key(o.pubkey, crypto::kSignatureEd25519);
  if (!log_key) return report_error("--pubkey: " + log_key.error().message);
  options.log_key = *log_key;
  for (const auto& w : o.witness_pubkeys) {
    auto key = crypto::load_verifier_key(w, crypto::kSignatureCosignatureV1);
    if (!key) return report_error("--witness-pubkey: " + key.error().message);
    options.witness_keys.push_back(*key);
  }
  options.max_details = o.max_details;
  auto store = open_ledger_store(o.db, false, true);
  if (!store) return report_error(store.error().message);
  auto report = verify_ledger(**store, options);
  if (!report) return report_error(report.error().message);
  std::printf("%s\n", report->summary().c_str());
  for (const auto& p : report->problems)
    std::printf("  %s %llu: %s\n", std::string(problem_kind_name(p.kind)).c_str(), static_cast<unsigned long long>(p.index),
                p.detail.c_str());
  if (report->problems.size() < report->problem_count())
    std::printf("  ... and %llu more\n", static_cast<unsigned long long>(report->problem_count() - report->problems.size()));
  return report->ok() ? 0 : 1;
}

struct WitnessOptions {
  std::string db, key, log_pubkey;
};

int run_witness(const WitnessOptions& o) {
  auto key = crypto::load_signing_key(o.key);
  if (!key) return report_error(key.error().message);
  if (key->role() != crypto::KeyRole::overseer)
    return report_error(fmt::format("{}: a {} key cannot witness; the overseer's key does", o.key, crypto::key_role_name(key->role())));
  auto ledger = open_ledger_file(o.db, false, false);
  if (!ledger) return report_error(ledger.error().message);
  std::string log_vkey = o.log_pubkey;
  if (log_vkey.empty()) {
    auto recorded = ledger->store().get_meta(meta::log_vkey);
    if (!recorded) return report_error(recorded.error().message);
    if (!*recorded) return report_error("the ledger has no checkpoint yet (no log key recorded); nothing to witness");
    log_vkey = **recorded;
  }
  auto log_key = crypto::load_verifier_key(log_vkey, crypto::kSignatureEd25519);
  if (!log_key) return report_error("log key: " + log_key.error().message);
  auto result = witness_latest_checkpoint(*ledger, *key, *log_key, now_ns() / kNsPerSecond);
  if (!result) return report_error(result.error().message);
  if (result->already_witnessed)
    std::fprintf(stderr, "mamori: checkpoint %lld (size %llu) was already cosigned by %s\n",
                 static_cast<long long>(result->checkpoint_id), static_cast<unsigned long long>(result->size),
                 key->name().c_str());
  std::fputs(result->note.c_str(), stdout);
  return 0;
}

struct ShowOptions {
  std::string db;
  std::uint64_t from = 0;
  std::uint64_t count = UINT64_MAX;
  bool json = false;
};

int run_show(const ShowOptions& o) {
  auto store = open_ledger_store(o.db, false, true);
  if (!store) return report_error(store.error().message);
  auto out = OutputFile::open("-");
  if (!out) return report_error(out.error().message);
  char time_buf[32];
  auto st = (*store)->scan_entries(o.from, o.count, [&](const StoredEntry& row) -> Status {
    const Entry& e = row.entry;
    const std::size_t n = format_rfc3339(e.time, time_buf);
    std::string line;
    if (o.json) {
      // A body that is not canonical JSON (a tampered row) is shown as a string, so every line stays valid JSON.
      auto canonical = canonicalize_body(e.body);
      const bool as_json = canonical && *canonical == e.body;
      line = fmt::format(R"({{"index":{},"time":"{}","kind":{},"actor":{},"{}":{},"leaf_hash":"{}"}})", e.index,
                         std::string_view(time_buf, n), json_quote(e.kind), json_quote(e.actor),
                         as_json ? "body" : "body_raw", as_json ? e.body : json_quote(e.body), b64(row.leaf_hash));
    } else {
      line = fmt::format("{} {} {} {} {}", e.index, std::string_view(time_buf, n), e.kind, e.actor, e.body);
    }
    line += '\n';
    if (!out->append(line)) return fail(Errc::io_error, "{}", out->error());
    return {};
  });
  if (!st) return report_error(st.error().message);
  if (auto ok = out->close(); !ok) return report_error(ok.error().message);
  return 0;
}

}  // namespace

void register_ledger_commands(CommandSet& commands) {
  CLI::App& group = commands.group(
      "ledger", "The tamper-evident oversight ledger: append, checkpoint, prove, witness, verify, show");
  {
    auto o = std::make_shared<AppendOptions>();
    CLI::App& cmd = commands.verb(group, "append", "Append one entry (created the ledger if needed); prints index and leaf hash",
                                  [o] { return run_append(*o); });
    cmd.add_option("--db", o->db, "Ledger database (SQLite)")->required();
    cmd.add_option("--kind", o->kind, "Entry kind, e.g. policy.approved, selection.batch, report.access, action.executed")
        ->required();
    cmd.add_option("--actor", o->actor, "Who acted: a role or key name, e.g. overseer:commission-1")->required();
    cmd.add_option("--body", o->body, "JSON object of hashes and counts (never personal data)")->required();
    cmd.add_option("--time", o->time, "Entry time, RFC 3339 (default: now)");
  }
  {
    auto o = std::make_shared<CheckpointOptions>();
    CLI::App& cmd = commands.verb(group, "checkpoint", "Sign the current tree head; prints the signed checkpoint note",
                                  [o] { return run_checkpoint(*o); });
    cmd.add_option("--db", o->db, "Ledger database")->required()->check(CLI::ExistingFile);
    cmd.add_option("--key", o->key, "The log's private key file (mamori keys generate)")->required();
    cmd.add_option("--origin", o->origin, "Checkpoint origin (first checkpoint only; default: the key name)");
  }
  {
    auto o = std::make_shared<ProveOptions>();
    CLI::App& cmd = commands.verb(group, "prove",
                                  "Print an inclusion proof (--index [--size]) or a consistency proof (--from --to) as JSON",
                                  [o] { return run_prove(*o); });
    cmd.add_option("--db", o->db, "Ledger database")->required()->check(CLI::ExistingFile);
    cmd.add_option("--index", o->index, "Leaf index to prove");
    cmd.add_option("--size", o->size, "Tree size to prove against (default: the current size)");
    cmd.add_option("--from", o->from, "Older tree size");
    cmd.add_option("--to", o->to, "Newer tree size");
  }
  {
    auto o = std::make_shared<VerifyCliOptions>();
    CLI::App& cmd = commands.verb(group, "verify",
                                  "Check the whole log: leaf hashes, tree, checkpoints and cosignatures; exit 1 on any problem",
                                  [o] { return run_verify(*o); });
    cmd.add_option("--db", o->db, "Ledger database")->required()->check(CLI::ExistingFile);
    cmd.add_option("--pubkey", o->pubkey, "The log's verifier key (vkey, or a .pub file)")->required();
    cmd.add_option("--witness-pubkey", o->witness_pubkeys, "A witness verifier key (vkey or .pub file; repeatable)");
    cmd.add_option("--max-details", o->max_details, "Problems to list (all are counted)");
  }
  {
    auto o = std::make_shared<WitnessOptions>();
    CLI::App& cmd = commands.verb(group, "witness",
                                  "Cosign the latest checkpoint after checking it against the last one this key cosigned",
                                  [o] { return run_witness(*o); });
    cmd.add_option("--db", o->db, "Ledger database")->required()->check(CLI::ExistingFile);
    cmd.add_option("--key", o->key, "The overseer's private key file")->required();
    cmd.add_option("--log-pubkey", o->log_pubkey,
                   "The log's verifier key (vkey or .pub file; default: the key recorded at the first checkpoint)");
  }
  {
    auto o = std::make_shared<ShowOptions>();
    CLI::App& cmd = commands.verb(group, "show", "Print entries: index, time, kind, actor, body",
                                  [o] { return run_show(*o); });
    cmd.add_option("--db", o->db, "Ledger database")->required()->check(CLI::ExistingFile);
    cmd.add_option("--from", o->from, "First index");
    cmd.add_option("--count", o->count, "Number of entries");
    cmd.add_flag("--json", o->json, "JSON lines (with leaf hashes)");
  }
}

}  // namespace mamori::cli

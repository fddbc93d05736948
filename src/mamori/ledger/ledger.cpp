#include "mamori/ledger/ledger.hpp"

#include "mamori/crypto/note.hpp"

namespace mamori::ledger {

Ledger::Ledger(std::unique_ptr<LedgerStore> store, MerkleTree tree, Options options)
    : store_(std::move(store)), tree_(std::move(tree)), options_(options), committed_(tree_.size()) {
  if (options_.batch_size == 0) options_.batch_size = 1;
  pending_.reserve(options_.batch_size);
}

Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;

Ledger::~Ledger() {
  if (store_) (void)flush();
}

Result<Ledger> Ledger::open(std::unique_ptr<LedgerStore> store, Options options) {
  if (!store) return fail(Errc::invalid_argument, "ledger: no store");
  auto size = store->next_index();
  if (!size) return tl::unexpected(size.error());
  const std::uint64_t begin = MerkleTree::resume_tail_begin(*size);
  auto tail = store->leaf_hashes(begin, *size - begin);
  if (!tail) return tl::unexpected(tail.error());
  LedgerStore* raw = store.get();
  auto tree = MerkleTree::resume(*size, *tail, [raw](unsigned level, std::uint64_t chunk) {
    return raw->tree_chunk(level, chunk);
  });
  if (!tree) return fail(tree.error().code, "ledger: cannot rebuild the tree head: {}", tree.error().message);
  return Ledger(std::move(store), std::move(*tree), options);
}

Status Ledger::usable() const {
  if (!failure_.empty()) return fail(Errc::io_error, "ledger: unusable after an earlier storage error ({}); reopen it", failure_);
  return {};
}

Result<AppendResult> Ledger::append(std::string_view kind, std::string_view actor, std::string_view body_json, TimeNs time) {
  if (auto ok = usable(); !ok) return tl::unexpected(ok.error());
  if (auto ok = validate_kind(kind); !ok) return tl::unexpected(ok.error());
  if (auto ok = validate_actor(actor); !ok) return tl::unexpected(ok.error());
  auto body = canonicalize_body(body_json);
  if (!body) return tl::unexpected(body.error());
  StoredEntry& se = pending_.emplace_back();
  se.entry.index = tree_.size();
  se.entry.time = time != 0 ? time : now_ns();
  se.entry.kind.assign(kind);
  se.entry.actor.assign(actor);
  se.entry.body = std::move(*body);
  se.leaf_hash = entry_leaf_hash(se.entry);
  tree_.append(se.leaf_hash);
  AppendResult out{se.entry.index, se.leaf_hash};
  if (pending_.size() >= options_.batch_size) {
    if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
  }
  return out;
}

Status Ledger::flush() {
  if (auto ok = usable(); !ok) return ok;
  if (pending_.empty()) return {};
  chunk_scratch_.clear();
  tree_.drain_completed(chunk_scratch_);
  if (auto ok = store_->append(pending_, chunk_scratch_); !ok) {
    failure_ = ok.error().message;
    return ok;
  }
  committed_ = tree_.size();
  pending_.clear();
  chunk_scratch_.clear();
  tree_.release_persisted(options_.max_resident_nodes);
  return {};
}

Result<Hash> Ledger::root_at(std::uint64_t size) {
  if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
  return tree_.root_at(size);
}

Result<Hash> Ledger::leaf_hash(std::uint64_t index) {
  if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
  return tree_.node(0, index);
}

Result<SignedCheckpoint> Ledger::checkpoint(const crypto::SigningKey& log_key, std::string_view origin) {
  if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
  auto stored_origin = store_->get_meta(meta::origin);
  if (!stored_origin) return tl::unexpected(stored_origin.error());
  auto stored_vkey = store_->get_meta(meta::log_vkey);
  if (!stored_vkey) return tl::unexpected(stored_vkey.error());
  const std::string vkey = log_key.verifier(crypto::kSignatureEd25519).to_string();
  if (*stored_vkey && **stored_vkey != vkey)
    return fail(Errc::invalid_argument, "ledger: checkpoints of this ledger are signed by {}, not by key {}", **stored_vkey,
                log_key.name());
  std::string chosen = origin.empty() ? (*stored_origin ? **stored_origin : log_key.name()) : std::string(origin);
  if (*stored_origin && **stored_origin != chosen)
    return fail(Errc::invalid_argument, "ledger: the origin of this ledger is '{}', not '{}'", **stored_origin, chosen);

  Checkpoint cp;
  cp.origin = chosen;
  cp.size = tree_.size();
  cp.root = tree_.root();
  auto note = sign_checkpoint(cp, log_key);
  if (!note) return tl::unexpected(note.error());
  if (!*stored_origin) {
    if (auto ok = store_->set_meta(meta::origin, chosen); !ok) return tl::unexpected(ok.error());
  }
  if (!*stored_vkey) {
    if (auto ok = store_->set_meta(meta::log_vkey, vkey); !ok) return tl::unexpected(ok.error());
  }
  StoredCheckpoint stored{0, cp.size, cp.root, now_ns(), *note};
  auto id = store_->add_checkpoint(stored);
  if (!id) return tl::unexpected(id.error());
  return SignedCheckpoint{*id, std::move(cp), std::move(*note)};
}

Result<InclusionProof> Ledger::prove_inclusion(std::uint64_t index, std::uint64_t size) {
  if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
  InclusionProof p;
  p.index = index;
  p.size = size;
  auto path = tree_.inclusion_proof(index, size);
  if (!path) return tl::unexpected(path.error());
  p.path = std::move(*path);
  auto leaf = tree_.node(0, index);
  if (!leaf) return tl::unexpected(leaf.error());
  p.leaf_hash = *leaf;
  auto root = tree_.root_at(size);
  if (!root) return tl::unexpected(root.error());
  p.root = *root;
  return p;
}

Result<ConsistencyProof> Ledger::prove_consistency(std::uint64_t size1, std::uint64_t size2) {
  if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
  ConsistencyProof p;
  p.size1 = size1;
  p.size2 = size2;
  auto path = tree_.consistency_proof(size1, size2);
  if (!path) return tl::unexpected(path.error());
  p.path = std::move(*path);
  auto r1 = tree_.root_at(size1);
  if (!r1) return tl::unexpected(r1.error());
  auto r2 = tree_.root_at(size2);
  if (!r2) return tl::unexpected(r2.error());
  p.root1 = *r1;
  p.root2 = *r2;
  return p;
}

Result<VerifyReport> Ledger::verify(const VerifyOptions& options) {
  if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
  return verify_ledger(*store_, options);
}

}  // namespace mamori::ledger

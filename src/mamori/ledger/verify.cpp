#include "mamori/ledger/verify.hpp"

#include <algorithm>
#include <unordered_map>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/note.hpp"
#include "mamori/ledger/checkpoint.hpp"

namespace mamori::ledger {

namespace {

// Mismatching entries whose content is kept for the pairwise search that
// recognises swapped or moved entries (quadratic, so bounded).
constexpr std::size_t kMaxPairwise = 256;

class Reporter {
 public:
  Reporter(VerifyReport& report, std::size_t max_details) : report_(report), max_(max_details) {}
  void add(ProblemKind kind, std::uint64_t index, std::string detail) {
    ++report_.counts[static_cast<std::size_t>(kind)];
    if (kind <= ProblemKind::entry_moved) entry_indexes_.push_back(index);
    if (report_.problems.size() < max_) report_.problems.push_back({kind, index, std::move(detail)});
  }
  void diverges_at(std::uint64_t index) {
    if (!report_.first_divergence || index < *report_.first_divergence) report_.first_divergence = index;
  }
  std::uint64_t entry_problems() const {
    std::uint64_t n = 0;
    for (auto k : {ProblemKind::entry_modified, ProblemKind::entry_missing, ProblemKind::entry_inserted, ProblemKind::entry_moved})
      n += report_.counts[static_cast<std::size_t>(k)];
    return n;
  }
  const std::vector<std::uint64_t>& entry_indexes() const { return entry_indexes_; }

 private:
  VerifyReport& report_;
  std::size_t max_;
  std::vector<std::uint64_t> entry_indexes_;  // of every entry problem, listed or not
};

// An entry whose content does not match its own stored leaf hash.
struct Mismatch {
  std::uint64_t index;
  Hash stored;
  Hash computed;
  int shift;  // +1: carries the leaf hash its content has at index-1; -1: at index+1; 0: neither
  std::optional<Entry> entry;  // kept for the first unexplained ones only
};

Hash leaf_hash_at(const Entry& e, std::uint64_t index) {
  Entry probe = e;
  probe.index = index;
  return entry_leaf_hash(probe);
}

std::string b64(const Hash& h) { return crypto::base64_encode(view(h)); }

void classify_mismatches(std::vector<Mismatch>& mismatches, Reporter& rep) {
  std::vector<const Mismatch*> unexplained;
  for (std::size_t i = 0; i < mismatches.size();) {
    const Mismatch& m = mismatches[i];
    // Two neighbours that carry each other's hashes were swapped.
    if (m.shift == -1 && i + 1 < mismatches.size() && mismatches[i + 1].index == m.index + 1 &&
        mismatches[i + 1].shift == +1) {
      rep.add(ProblemKind::entry_moved, m.index, fmt::format("entry {} is the entry recorded at index {} (swapped)", m.index, m.index + 1));
      rep.add(ProblemKind::entry_moved, m.index + 1,
              fmt::format("entry {} is the entry recorded at index {} (swapped)", m.index + 1, m.index));
      rep.diverges_at(m.index);
      i += 2;
      continue;
    }
    if (m.shift != 0) {
      // A run of entries shifted by one: an insertion (+1) or a deletion
      // followed by renumbering (-1) just before/at the run.
      std::size_t j = i + 1;
      while (j < mismatches.size() && mismatches[j].shift == m.shift && mismatches[j].index == mismatches[j - 1].index + 1) ++j;
      const std::uint64_t first = m.index, last = mismatches[j - 1].index;
      if (m.shift > 0) {
        const std::uint64_t at = first - 1;  // first >= 1: shift +1 needs index-1
        rep.add(ProblemKind::entry_inserted, at,
                fmt::format("entry {} was inserted: entries {}..{} are the entries recorded at {}..{}, shifted up by one", at,
                            first, last, first - 1, last - 1));
        rep.diverges_at(at);
      } else {
        rep.add(ProblemKind::entry_missing, first,
                fmt::format("entry {} was deleted: entries {}..{} are the entries recorded at {}..{}, renumbered down by one",
                            first, first, last, first + 1, last + 1));
        rep.diverges_at(first);
      }
      i = j;
      continue;
    }
    unexplained.push_back(&m);
    ++i;
  }

  const bool pairwise = unexplained.size() <= kMaxPairwise;
  for (const Mismatch* m : unexplained) {
    rep.diverges_at(m->index);
    bool explained = false;
    if (pairwise && m->entry) {
      for (const Mismatch* o : unexplained) {
        if (o == m) continue;
        const Hash h = leaf_hash_at(*m->entry, o->index);
        if (h == m->stored) {
          rep.add(ProblemKind::entry_moved, m->index,
                  fmt::format("entry {} is the entry recorded at index {} (reordered)", m->index, o->index));
        } else if (h == o->stored) {
          rep.add(ProblemKind::entry_moved, m->index,
                  fmt::format("entry {} holds the content recorded for index {} (contents swapped)", m->index, o->index));
        } else {
          continue;
        }
        explained = true;
        break;
      }
    }
    if (!explained)
      rep.add(ProblemKind::entry_modified, m->index,
              fmt::format("entry {} was modified: its content hashes to {}, its recorded leaf hash is {}", m->index,
                          b64(m->computed), b64(m->stored)));
  }
}

}  // namespace

std::string_view problem_kind_name(ProblemKind kind) noexcept {
  switch (kind) {
    case ProblemKind::entry_modified: return "entry_modified";
    case ProblemKind::entry_missing: return "entry_missing";
    case ProblemKind::entry_inserted: return "entry_inserted";
    case ProblemKind::entry_moved: return "entry_moved";
    case ProblemKind::tree_chunk_mismatch: return "tree_chunk_mismatch";
    case ProblemKind::tree_chunk_missing: return "tree_chunk_missing";
    case ProblemKind::checkpoint_invalid: return "checkpoint_invalid";
    case ProblemKind::checkpoint_signature: return "checkpoint_signature";
    case ProblemKind::checkpoint_origin: return "checkpoint_origin";
    case ProblemKind::checkpoint_record: return "checkpoint_record";
    case ProblemKind::checkpoint_beyond_log: return "checkpoint_beyond_log";
    case ProblemKind::checkpoint_root_mismatch: return "checkpoint_root_mismatch";
    case ProblemKind::checkpoint_rollback: return "checkpoint_rollback";
    case ProblemKind::cosignature_invalid: return "cosignature_invalid";
    case ProblemKind::cosignature_unknown_witness: return "cosignature_unknown_witness";
  }
  return "unknown";
}

std::uint64_t VerifyReport::problem_count() const noexcept {
  std::uint64_t n = 0;
  for (auto c : counts) n += c;
  return n;
}

bool VerifyReport::has(ProblemKind kind, std::uint64_t index) const noexcept {
  return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) { return p.kind == kind && p.index == index; });
}

std::string VerifyReport::summary() const {
  if (ok()) {
    std::string s = fmt::format("ledger OK: {} entries, root {}; {} checkpoint{} verified", entries, b64(root),
                                checkpoints_verified, checkpoints_verified == 1 ? "" : "s");
    s += fmt::format("; {} cosignature{} verified", cosignatures_verified, cosignatures_verified == 1 ? "" : "s");
    if (cosignatures > cosignatures_verified)
      s += fmt::format(" ({} not checked: no witness key given)", cosignatures - cosignatures_verified);
    return s;
  }
  std::string parts;
  for (std::size_t k = 0; k < kProblemKinds; ++k) {
    if (counts[k] == 0) continue;
    if (!parts.empty()) parts += ", ";
    parts += fmt::format("{} {}", counts[k], problem_kind_name(static_cast<ProblemKind>(k)));
  }
  std::string s = fmt::format("ledger verification FAILED: {} problem{} ({})", problem_count(),
                              problem_count() == 1 ? "" : "s", parts);
  if (first_divergence) s += fmt::format("; first divergence at index {}", *first_divergence);
  return s;
}

Result<VerifyReport> verify_ledger(LedgerStore& store, const VerifyOptions& options) {
  VerifyReport report;
  Reporter rep(report, options.max_details);
  MerkleTree tree;

  // 1. Entries: recompute each leaf, note gaps and entries that no longer
  //    match their own leaf hash, rebuild the tree from the recomputed leaves.
  std::vector<Mismatch> mismatches;
  std::uint64_t expected = 0;
  std::size_t kept = 0;
  bool gaps = false;
  auto st = store.scan_entries(0, UINT64_MAX, [&](const StoredEntry& row) -> Status {
    const Entry& e = row.entry;
    if (e.index != expected) {
      gaps = true;
      rep.add(ProblemKind::entry_missing, expected,
              e.index - expected == 1 ? fmt::format("entry {} is missing (gap in the sequence)", expected)
                                      : fmt::format("entries {}..{} are missing (gap in the sequence)", expected, e.index - 1));
      rep.diverges_at(expected);
    }
    const Hash computed = entry_leaf_hash(e);
    if (computed != row.leaf_hash) {
      int shift = 0;
      if (e.index > 0 && leaf_hash_at(e, e.index - 1) == row.leaf_hash) {
        shift = +1;
      } else if (leaf_hash_at(e, e.index + 1) == row.leaf_hash) {
        shift = -1;
      }
      Mismatch m{e.index, row.leaf_hash, computed, shift, std::nullopt};
      if (shift == 0 && kept++ <= kMaxPairwise) m.entry = e;
      mismatches.push_back(std::move(m));
    }
    tree.append(computed);
    expected = e.index + 1;
    return {};
  });
  if (!st) return tl::unexpected(st.error());
  report.entries = tree.size();
  report.next_index = expected;
  report.root = tree.root();
  classify_mismatches(mismatches, rep);

  // 2. Stored tree chunks: they serve proofs, so they must equal the rebuilt
  //    tree. A leaf chunk also holds each entry's leaf hash as first recorded,
  //    which exposes an entry rewritten together with its own leaf hash.
  std::vector<std::uint64_t> flagged = rep.entry_indexes();
  for (const auto& m : mismatches) flagged.push_back(m.index);
  std::sort(flagged.begin(), flagged.end());
  std::unordered_map<unsigned, std::uint64_t> chunks_per_level;
  std::uint64_t upper_mismatches = 0;
  st = store.scan_tree_chunks([&](const TreeChunk& chunk) -> Status {
    ++report.tree_chunks;
    const std::uint64_t nodes_at_level = chunk.level < 64 ? tree.size() >> chunk.level : 0;
    const std::uint64_t first = chunk.index << MerkleTree::kChunkBits;
    if (chunk.hashes.size() != MerkleTree::kChunkSize || first + MerkleTree::kChunkSize > nodes_at_level) {
      if (rep.entry_problems() == 0)
        rep.add(ProblemKind::tree_chunk_mismatch, first,
                fmt::format("stored tree chunk (level {}, chunk {}) does not fit the log of {} entries", chunk.level,
                            chunk.index, tree.size()));
      return {};
    }
    ++chunks_per_level[chunk.level];
    for (std::uint64_t i = 0; i < MerkleTree::kChunkSize; ++i) {
      auto node = tree.node(chunk.level, first + i);
      if (!node) return tl::unexpected(node.error());
      if (*node == chunk.hashes[i]) continue;
      if (chunk.level == 0) {
        const std::uint64_t index = first + i;
        if (!gaps && !std::binary_search(flagged.begin(), flagged.end(), index)) {
          rep.add(ProblemKind::entry_modified, index,
                  fmt::format("entry {} does not match the leaf hash first recorded for it in the stored tree ({}); the "
                              "entry and its own leaf hash were rewritten",
                              index, b64(chunk.hashes[i])));
          rep.diverges_at(index);
        }
      } else if (rep.entry_problems() == 0 && upper_mismatches++ == 0) {
        // Level 0 comes first in the scan, so a clean entry count here means
        // the stored tree itself was altered, not the entries.
        rep.add(ProblemKind::tree_chunk_mismatch, first + i,
                fmt::format("stored tree node (level {}, index {}) differs from the rebuilt tree; proofs served from it "
                            "would not verify",
                            chunk.level, first + i));
      }
    }
    return {};
  });
  if (!st) return tl::unexpected(st.error());
  for (unsigned level = 0; (tree.size() >> level) >= MerkleTree::kChunkSize; ++level) {
    const std::uint64_t want = (tree.size() >> level) >> MerkleTree::kChunkBits;
    const std::uint64_t have = chunks_per_level[level];
    if (have < want)
      rep.add(ProblemKind::tree_chunk_missing, level,
              fmt::format("{} of {} stored tree chunks at level {} are missing; proofs cannot be served from them",
                          want - have, want, level));
  }

  // 3. Checkpoints: signature, format, and root against the rebuilt tree.
  auto origin = store.get_meta(meta::origin);
  if (!origin) return tl::unexpected(origin.error());
  auto checkpoints = store.checkpoints();
  if (!checkpoints) return tl::unexpected(checkpoints.error());
  std::unordered_map<std::int64_t, std::string> bodies;
  std::uint64_t largest = 0, last_matching = 0;
  for (const auto& stored : *checkpoints) {
    ++report.checkpoints;
    auto note = crypto::parse_note(stored.note);
    if (!note) {
      rep.add(ProblemKind::checkpoint_invalid, static_cast<std::uint64_t>(stored.id),
              fmt::format("checkpoint {} is not a well-formed signed note: {}", stored.id, note.error().message));
      continue;
    }
    bodies.emplace(stored.id, note->text);
    if (auto ok = crypto::verify_note(*note, options.log_key); !ok) {
      rep.add(ProblemKind::checkpoint_signature, static_cast<std::uint64_t>(stored.id),
              fmt::format("checkpoint {} (size {}): {}", stored.id, stored.size, ok.error().message));
      continue;
    }
    auto cp = Checkpoint::parse(note->text);
    if (!cp) {
      rep.add(ProblemKind::checkpoint_invalid, static_cast<std::uint64_t>(stored.id),
              fmt::format("checkpoint {}: {}", stored.id, cp.error().message));
      continue;
    }
    ++report.checkpoints_verified;
    const auto id = static_cast<std::uint64_t>(stored.id);
    if (*origin && cp->origin != **origin)
      rep.add(ProblemKind::checkpoint_origin, id,
              fmt::format("checkpoint {} is for origin '{}', the ledger's origin is '{}'", stored.id, cp->origin, **origin));
    if (cp->size != stored.size || cp->root != stored.root)
      rep.add(ProblemKind::checkpoint_record, id,
              fmt::format("checkpoint {}: the stored size/root ({}, {}) differ from the signed note ({}, {})", stored.id,
                          stored.size, b64(stored.root), cp->size, b64(cp->root)));
    if (cp->size < largest)
      rep.add(ProblemKind::checkpoint_rollback, id,
              fmt::format("checkpoint {} has size {}, smaller than the earlier checkpoint size {}", stored.id, cp->size,
                          largest));
    largest = std::max(largest, cp->size);
    if (cp->size > tree.size()) {
      rep.add(ProblemKind::checkpoint_beyond_log, id,
              fmt::format("checkpoint {} commits to {} entries but the log holds {}: entries were removed", stored.id,
                          cp->size, tree.size()));
      rep.diverges_at(std::min<std::uint64_t>(tree.size(), report.next_index));
      continue;
    }
    auto root = tree.root_at(cp->size);
    if (!root) return tl::unexpected(root.error());
    if (*root == cp->root) {
      last_matching = std::max(last_matching, cp->size);
      continue;
    }
    std::string where;
    if (report.first_divergence && *report.first_divergence < cp->size)
      where = fmt::format("the log diverges from it at index {}", *report.first_divergence);
    else
      where = fmt::format("some entry in {}..{} differs from what was signed (entries and leaf hashes were rewritten)",
                          last_matching, cp->size - 1);
    rep.add(ProblemKind::checkpoint_root_mismatch, id,
            fmt::format("checkpoint {} (size {}) signs root {} but the log's root at that size is {}: {}", stored.id,
                        cp->size, b64(cp->root), b64(*root), where));
  }

  // 4. Witness cosignatures.
  auto cosignatures = store.cosignatures();
  if (!cosignatures) return tl::unexpected(cosignatures.error());
  for (const auto& c : *cosignatures) {
    ++report.cosignatures;
    const auto id = static_cast<std::uint64_t>(c.checkpoint_id);
    auto body = bodies.find(c.checkpoint_id);
    if (body == bodies.end()) {
      rep.add(ProblemKind::cosignature_invalid, id,
              fmt::format("cosignature by {} refers to checkpoint {}, which is missing or unreadable", c.cosignature.witness,
                          c.checkpoint_id));
      continue;
    }
    if (options.witness_keys.empty()) continue;
    auto key = std::find_if(options.witness_keys.begin(), options.witness_keys.end(), [&](const crypto::VerifierKey& k) {
      return k.name == c.cosignature.witness && k.id == c.cosignature.key_id;
    });
    if (key == options.witness_keys.end()) {
      rep.add(ProblemKind::cosignature_unknown_witness, id,
              fmt::format("checkpoint {}: cosignature by unknown witness {} (key ID {:08x})", c.checkpoint_id,
                          c.cosignature.witness, c.cosignature.key_id));
      continue;
    }
    if (auto ok = verify_cosignature(body->second, c.cosignature, *key); !ok) {
      rep.add(ProblemKind::cosignature_invalid, id, fmt::format("checkpoint {}: {}", c.checkpoint_id, ok.error().message));
      continue;
    }
    ++report.cosignatures_verified;
  }
  return report;
}

}  // namespace mamori::ledger

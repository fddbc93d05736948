#include "mamori/ledger/checkpoint.hpp"

#include <charconv>

#include "mamori/crypto/encoding.hpp"

namespace mamori::ledger {

namespace {

Result<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty()) return fail(Errc::parse_error, "checkpoint: empty tree size line");
  if (text.size() > 1 && text[0] == '0') return fail(Errc::parse_error, "checkpoint: tree size has leading zeros");
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size())
    return fail(Errc::parse_error, "checkpoint: tree size '{}' is not a decimal number below 2^64", text.substr(0, 32));
  return v;
}

}  // namespace

std::string Checkpoint::body() const {
  std::string out = origin;
  out += '\n';
  out += std::to_string(size);
  out += '\n';
  out += crypto::base64_encode(view(root));
  out += '\n';
  for (const auto& e : extensions) {
    out += e;
    out += '\n';
  }
  return out;
}

Result<Checkpoint> Checkpoint::parse(std::string_view body) {
  if (auto ok = crypto::validate_note_text(body); !ok) return fail(Errc::parse_error, "checkpoint: {}", ok.error().message);
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    auto nl = body.find('\n');  // present: the text ends with a newline
    lines.push_back(body.substr(0, nl));
    body.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) return fail(Errc::parse_error, "checkpoint: needs origin, size and root lines, got {} lines", lines.size());
  Checkpoint cp;
  if (lines[0].empty()) return fail(Errc::parse_error, "checkpoint: empty origin line");
  cp.origin = std::string(lines[0]);
  auto size = parse_size(lines[1]);
  if (!size) return tl::unexpected(size.error());
  cp.size = *size;
  auto root = crypto::base64_decode_hash(lines[2]);
  if (!root) return fail(Errc::parse_error, "checkpoint: root line: {}", root.error().message);
  cp.root = *root;
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return fail(Errc::parse_error, "checkpoint: empty extension line {}", i + 1);
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

Result<std::string> sign_checkpoint(const Checkpoint& checkpoint, const crypto::SigningKey& log_key) {
  if (checkpoint.origin.empty() || checkpoint.origin.find('\n') != std::string::npos)
    return fail(Errc::invalid_argument, "checkpoint origin must be one non-empty line");
  for (const auto& e : checkpoint.extensions)
    if (e.empty() || e.find('\n') != std::string::npos)
      return fail(Errc::invalid_argument, "checkpoint extension lines must be non-empty single lines");
  crypto::Note note;
  note.text = checkpoint.body();
  auto sig = crypto::sign_note_text(note.text, log_key);
  if (!sig) return tl::unexpected(sig.error());
  note.signatures.push_back(std::move(*sig));
  return crypto::format_note(note);
}

Result<OpenedCheckpoint> open_checkpoint(std::string_view note_text, const crypto::VerifierKey& log_key) {
  auto note = crypto::parse_note(note_text);
  if (!note) return tl::unexpected(note.error());
  if (auto ok = crypto::verify_note(*note, log_key); !ok) return fail(ok.error().code, "checkpoint: {}", ok.error().message);
  auto cp = Checkpoint::parse(note->text);
  if (!cp) return tl::unexpected(cp.error());
  return OpenedCheckpoint{std::move(*cp), std::move(*note)};
}

}  // namespace mamori::ledger

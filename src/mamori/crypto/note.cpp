#include "mamori/crypto/note.hpp"

#include <cstring>

#include "mamori/crypto/encoding.hpp"

namespace mamori::crypto {

namespace {

constexpr std::string_view kDash = "\xe2\x80\x94 ";  // U+2014 EM DASH, space
// A cosignature's signed message starts with this; refusing to sign a plain
// note with the same prefix keeps the two signature types domain-separated
// even when one Ed25519 key serves both.
constexpr std::string_view kCosignaturePrefix = "cosignature/";

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF)
// with no ASCII control characters other than newline.
Status check_text_bytes(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7f) return fail(Errc::parse_error, "note: control character at offset {}", i);
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return fail(Errc::parse_error, "note: invalid UTF-8 at offset {}", i);
    }
    if (i + len > s.size()) return fail(Errc::parse_error, "note: truncated UTF-8 at offset {}", i);
    for (std::size_t j = 1; j < len; ++j) {
      auto d = static_cast<unsigned char>(s[i + j]);
      if ((d & 0xc0) != 0x80) return fail(Errc::parse_error, "note: invalid UTF-8 at offset {}", i);
      cp = cp << 6 | (d & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      return fail(Errc::parse_error, "note: invalid UTF-8 at offset {}", i);
    i += len;
  }
  return {};
}

Result<NoteSignature> parse_signature_line(std::string_view line) {
  if (!line.starts_with(kDash)) return fail(Errc::parse_error, "note: signature line does not start with an em dash and space");
  line.remove_prefix(kDash.size());
  auto sp = line.rfind(' ');
  if (sp == std::string_view::npos) return fail(Errc::parse_error, "note: signature line has no signature");
  NoteSignature sig;
  sig.name = std::string(line.substr(0, sp));
  if (auto ok = validate_key_name(sig.name); !ok) return fail(Errc::parse_error, "note: signature line: {}", ok.error().message);
  auto raw = base64_decode(line.substr(sp + 1));
  if (!raw) return fail(Errc::parse_error, "note: signature line: {}", raw.error().message);
  if (raw->size() < 5) return fail(Errc::parse_error, "note: signature is too short ({} bytes)", raw->size());
  sig.key_id = (std::uint32_t{(*raw)[0]} << 24) | (std::uint32_t{(*raw)[1]} << 16) | (std::uint32_t{(*raw)[2]} << 8) | (*raw)[3];
  sig.signature.assign(raw->begin() + 4, raw->end());
  return sig;
}

}  // namespace

Status validate_note_text(std::string_view text) {
  if (text.empty()) return fail(Errc::parse_error, "note: empty text");
  if (text.size() > kMaxNoteSize) return fail(Errc::parse_error, "note: larger than {} bytes", kMaxNoteSize);
  if (text.back() != '\n') return fail(Errc::parse_error, "note: text does not end with a newline");
  return check_text_bytes(text);
}

Result<Note> parse_note(std::string_view note) {
  if (note.size() > kMaxNoteSize) return fail(Errc::parse_error, "note: larger than {} bytes", kMaxNoteSize);
  if (auto ok = check_text_bytes(note); !ok) return tl::unexpected(ok.error());
  if (note.empty() || note.back() != '\n') return fail(Errc::parse_error, "note: does not end with a newline");
  // The text ends at the last blank line; a text may itself contain blank lines.
  auto split = note.rfind("\n\n");
  if (split == std::string_view::npos) return fail(Errc::parse_error, "note: no blank line before the signatures");
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty()) return fail(Errc::parse_error, "note: no signatures");
  while (!sigs.empty()) {
    auto nl = sigs.find('\n');  // present: the note ends with a newline
    if (out.signatures.size() == kMaxNoteSignatures)
      return fail(Errc::parse_error, "note: more than {} signatures", kMaxNoteSignatures);
    auto sig = parse_signature_line(sigs.substr(0, nl));
    if (!sig) return tl::unexpected(sig.error());
    out.signatures.push_back(std::move(*sig));
    sigs.remove_prefix(nl + 1);
  }
  return out;
}

std::string format_signature_line(const NoteSignature& signature) {
  std::vector<std::uint8_t> raw(4 + signature.signature.size());
  raw[0] = static_cast<std::uint8_t>(signature.key_id >> 24);
  raw[1] = static_cast<std::uint8_t>(signature.key_id >> 16);
  raw[2] = static_cast<std::uint8_t>(signature.key_id >> 8);
  raw[3] = static_cast<std::uint8_t>(signature.key_id);
  std::memcpy(raw.data() + 4, signature.signature.data(), signature.signature.size());
  std::string line(kDash);
  line += signature.name;
  line += ' ';
  line += base64_encode(raw);
  line += '\n';
  return line;
}

std::string format_note(const Note& note) {
  std::string out = note.text;
  out += '\n';
  for (const auto& s : note.signatures) out += format_signature_line(s);
  return out;
}

Result<NoteSignature> sign_note_text(std::string_view text, const SigningKey& key) {
  if (auto ok = validate_note_text(text); !ok) return tl::unexpected(ok.error());
  if (text.starts_with(kCosignaturePrefix))
    return fail(Errc::invalid_argument, "note: refusing to sign a text that starts with '{}'", kCosignaturePrefix);
  Signature s = key.sign(as_bytes(text));
  NoteSignature sig;
  sig.name = key.name();
  sig.key_id = compute_key_id(key.name(), kSignatureEd25519, key.public_key());
  sig.signature.assign(s.begin(), s.end());
  return sig;
}

bool signature_matches_key(const NoteSignature& sig, const VerifierKey& key) noexcept {
  return sig.name == key.name && sig.key_id == key.id;
}

Status verify_note_signature(std::string_view text, const NoteSignature& sig, const VerifierKey& key) {
  if (key.type != kSignatureEd25519) return fail(Errc::invalid_argument, "key {} is not an Ed25519 note key", key.name);
  if (!signature_matches_key(sig, key)) return fail(Errc::not_found, "signature is not by key {}", key.name);
  if (sig.signature.size() != 64)
    return fail(Errc::corrupt, "signature by {} has {} bytes, not 64", key.name, sig.signature.size());
  Signature s;
  std::memcpy(s.data(), sig.signature.data(), 64);
  if (!key.verify(as_bytes(text), s)) return fail(Errc::corrupt, "signature by {} does not verify", key.name);
  return {};
}

Status verify_note(const Note& note, const VerifierKey& key) {
  bool verified = false;
  for (const auto& sig : note.signatures) {
    if (!signature_matches_key(sig, key)) continue;
    if (auto ok = verify_note_signature(note.text, sig, key); !ok) return ok;
    verified = true;
  }
  if (!verified) return fail(Errc::not_found, "note is not signed by {} (key ID {:08x})", key.name, key.id);
  return {};
}

}  // namespace mamori::crypto

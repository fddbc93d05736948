#include "mamori/report/receipt.hpp"

#include <fmt/format.h>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/note.hpp"
#include "mamori/report/model.hpp"

namespace mamori::report {

namespace {

constexpr std::string_view kSha256Prefix = "sha256:";

Result<crypto::Hash> parse_hex_hash(std::string_view text, std::string_view what) {
  if (!text.starts_with(kSha256Prefix) || text.size() != kSha256Prefix.size() + 64)
    return fail(Errc::parse_error, "receipt: {} must be sha256: and 64 hex digits", what);
  crypto::Hash h{};
  for (std::size_t i = 0; i < 32; ++i) {
    auto nib = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;  // lowercase only: one text per receipt
    };
    const int hi = nib(text[kSha256Prefix.size() + 2 * i]);
    const int lo = nib(text[kSha256Prefix.size() + 2 * i + 1]);
    if (hi < 0 || lo < 0) return fail(Errc::parse_error, "receipt: {} is not lowercase hex", what);
    h[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return h;
}

}  // namespace

Result<std::string> receipt_text(const Receipt& r) {
  if (!is_valid_identifier(r.report_id)) return fail(Errc::invalid_argument, "receipt: invalid report id");
  if (!is_valid_identifier(r.incident_id)) return fail(Errc::invalid_argument, "receipt: invalid incident id");
  if (!is_valid_identifier(r.recipient)) return fail(Errc::invalid_argument, "receipt: invalid recipient id");
  return fmt::format("{}\nreport {}\nincident {}\nrecipient {}\ntime {}\ndocument {}{}\nview {}{}\n", kReceiptHeader,
                     r.report_id, r.incident_id, r.recipient, format_rfc3339(r.time), kSha256Prefix,
                     crypto::hex_encode(r.document_sha256), kSha256Prefix, crypto::hex_encode(r.view_sha256));
}

Result<Receipt> parse_receipt_text(std::string_view text) {
  std::string_view lines[7];
  std::size_t n = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    if (nl == std::string_view::npos) return fail(Errc::parse_error, "receipt: text does not end with a newline");
    if (n == 7) return fail(Errc::parse_error, "receipt: more than 7 lines");
    lines[n++] = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
  }
  if (n != 7) return fail(Errc::parse_error, "receipt: {} lines, expected 7", n);
  if (lines[0] != kReceiptHeader) return fail(Errc::parse_error, "receipt: not a {} text", kReceiptHeader);
  auto field = [&](std::size_t i, std::string_view name) -> Result<std::string_view> {
    if (!lines[i].starts_with(name) || lines[i].size() <= name.size() || lines[i][name.size()] != ' ')
      return fail(Errc::parse_error, "receipt: line {} must start with '{} '", i + 1, name);
    return lines[i].substr(name.size() + 1);
  };
  Receipt r;
  auto report = field(1, "report");
  auto incident = field(2, "incident");
  auto recipient = field(3, "recipient");
  auto time = field(4, "time");
  auto document = field(5, "document");
  auto view = field(6, "view");
  for (const auto* f : {&report, &incident, &recipient, &time, &document, &view})
    if (!*f) return tl::unexpected(f->error());
  r.report_id = std::string(*report);
  r.incident_id = std::string(*incident);
  r.recipient = std::string(*recipient);
  auto t = parse_rfc3339(*time);
  if (!t) return fail(Errc::parse_error, "receipt: {}", t.error().message);
  r.time = *t;
  auto d = parse_hex_hash(*document, "document");
  if (!d) return tl::unexpected(d.error());
  r.document_sha256 = *d;
  auto v = parse_hex_hash(*view, "view");
  if (!v) return tl::unexpected(v.error());
  r.view_sha256 = *v;
  // One receipt, one text: reject anything that would not be written back identically.
  auto again = receipt_text(r);
  if (!again) return tl::unexpected(again.error());
  if (*again != text) return fail(Errc::parse_error, "receipt: not in canonical form");
  return r;
}

Result<std::string> sign_receipt(const Receipt& receipt, const crypto::SigningKey& hub_key) {
  auto text = receipt_text(receipt);
  if (!text) return tl::unexpected(text.error());
  auto sig = crypto::sign_note_text(*text, hub_key);
  if (!sig) return tl::unexpected(sig.error());
  return crypto::format_note(crypto::Note{std::move(*text), {std::move(*sig)}});
}

Result<Receipt> verify_receipt(std::string_view signed_note, const crypto::VerifierKey& hub_key) {
  auto note = crypto::parse_note(signed_note);
  if (!note) return fail(Errc::corrupt, "receipt: {}", note.error().message);
  if (auto ok = crypto::verify_note(*note, hub_key); !ok) return fail(Errc::corrupt, "receipt: {}", ok.error().message);
  auto r = parse_receipt_text(note->text);
  if (!r) return fail(Errc::corrupt, "{}", r.error().message);
  return r;
}

Result<Receipt> verify_receipt_for(std::string_view signed_note, const crypto::VerifierKey& hub_key,
                                   std::string_view recipient, std::string_view document, std::string_view view) {
  auto r = verify_receipt(signed_note, hub_key);
  if (!r) return r;
  if (r->recipient != recipient)
    return fail(Errc::corrupt, "receipt: issued to '{}', not '{}'", r->recipient, recipient);
  if (r->document_sha256 != crypto::sha256(document))
    return fail(Errc::corrupt, "receipt: the document is not the one receipted (SHA-256 differs)");
  if (r->view_sha256 != crypto::sha256(view))
    return fail(Errc::corrupt, "receipt: the recipient's view is not the one receipted (SHA-256 differs)");
  return r;
}

}  // namespace mamori::report

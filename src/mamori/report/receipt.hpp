#pragma once
// Signed receipts: proof, for the reporter and for each recipient, that the
// hub accepted a report and delivered it (report once, R-RPT 2).
//
// A receipt is a C2SP signed note (crypto/note.hpp) signed by the hub's
// Ed25519 key, over this text (every line ends in a newline):
//
//   mamori.report.receipt/v1
//   report <report id>
//   incident <incident id>
//   recipient <recipient id>
//   time <RFC 3339 UTC, nanoseconds>
//   document sha256:<hex of SHA-256 of the exact stored document>
//   view sha256:<hex of SHA-256 of the exact document the recipient received>
//
// The document hash lets the reporter (and anyone holding the stored
// document) check what was receipted; the view hash does the same for the
// recipient, whose view may have had the reporter's identity removed.
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/crypto/sha256.hpp"

namespace mamori::report {

inline constexpr std::string_view kReceiptHeader = "mamori.report.receipt/v1";

struct Receipt {
  std::string report_id;
  std::string incident_id;
  std::string recipient;
  TimeNs time = 0;
  crypto::Hash document_sha256{};
  crypto::Hash view_sha256{};

  friend bool operator==(const Receipt&, const Receipt&) = default;
};

// The note text above; fails if an identifier is not a valid identifier.
Result<std::string> receipt_text(const Receipt& receipt);
// Strict inverse of receipt_text (exact layout, lowercase hex, canonical time).
Result<Receipt> parse_receipt_text(std::string_view text);

// The signed note (text, blank line, signature line).
Result<std::string> sign_receipt(const Receipt& receipt, const crypto::SigningKey& hub_key);

// Parses the note, checks the hub's signature and the text; returns the receipt.
Result<Receipt> verify_receipt(std::string_view signed_note, const crypto::VerifierKey& hub_key);

// verify_receipt, then checks that the receipt is for `recipient` and binds
// exactly `document` (the stored report) and `view` (what the recipient got).
Result<Receipt> verify_receipt_for(std::string_view signed_note, const crypto::VerifierKey& hub_key,
                                   std::string_view recipient, std::string_view document, std::string_view view);

}  // namespace mamori::report

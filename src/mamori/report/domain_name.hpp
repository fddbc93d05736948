#pragma once
// Domain names as indicators: normalised to lowercase A-labels through IDNA
// 2008 with UTS #46 mapping (libidn2), so "Bücher.example", "BÜCHER.example"
// and "xn--bcher-kva.example" are one indicator. Public-suffix agnostic: any
// syntactically valid name of two or more labels with an alphabetic (or
// A-label) top label is accepted.
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"

namespace mamori::report {

inline constexpr std::size_t kMaxDomainLength = 253;

// Lowercase A-label form of `name` (a trailing root dot is dropped), or an error.
Result<std::string> normalise_domain(std::string_view name);

// Whether the last label is a common file extension (exe, dll, docx, ps1, ...):
// "invoice.pdf" or "svchost.exe" in a report is a file, not a host. Some are
// also real top-level domains (.zip, .mov); indicator extraction still takes
// them when the context says host (a URL, an e-mail address, a defanged dot).
bool has_file_extension_suffix(std::string_view name) noexcept;

}  // namespace mamori::report

#include "mamori/store/validate.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "mamori/core/ip_address.hpp"
#include "mamori/detect/finding.hpp"
#include "mamori/store/sector.hpp"

namespace mamori::store {

namespace {

bool is_lower_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Free text is stored as it is (it is always bound as a parameter), but
// control characters other than tab/newline are refused: they have no place
// in names or notes and confuse logs and terminals.
Status check_text(std::string_view field, std::string_view text, std::size_t max, bool required) {
  if (required && text.empty()) return fail(Errc::invalid_argument, "{} is required", field);
  if (text.size() > max) return fail(Errc::invalid_argument, "{} is longer than {} bytes", field, max);
  for (unsigned char c : text)
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
      return fail(Errc::invalid_argument, "{} contains a control character", field);
  return {};
}

Status check_json(std::string_view field, std::string_view text, bool want_array) {
  if (text.size() > kMaxJsonFieldSize) return fail(Errc::invalid_argument, "{} is larger than {} bytes", field, kMaxJsonFieldSize);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return fail(Errc::invalid_argument, "{} is not valid JSON: {}", field, ec.message());
  if (want_array ? !v.is_array() : !v.is_object())
    return fail(Errc::invalid_argument, "{} must be a JSON {}", field, want_array ? "array" : "object");
  return {};
}

Status canonical_domain(std::string& d) {
  std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!d.empty() && d.back() == '.') d.pop_back();
  if (d.empty() || d.size() > 253) return fail(Errc::invalid_argument, "domain '{}' has an invalid length", d);
  std::size_t label = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const char c = d[i];
    if (c == '.') {
      if (label == 0 || d[i - 1] == '-') return fail(Errc::invalid_argument, "domain '{}' has an empty or bad label", d);
      label = 0;
      continue;
    }
    if (!is_lower_alnum(c) && c != '-' && c != '_') return fail(Errc::invalid_argument, "domain '{}' has an invalid character", d);
    if (label == 0 && c == '-') return fail(Errc::invalid_argument, "domain '{}' has a label starting with '-'", d);
    if (++label > 63) return fail(Errc::invalid_argument, "domain '{}' has a label longer than 63", d);
  }
  if (d.back() == '-') return fail(Errc::invalid_argument, "domain '{}' ends with '-'", d);
  return {};
}

template <class T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

int clamp_limit(int limit) noexcept { return limit <= 0 ? 100 : std::min(limit, kMaxListLimit); }

Status validate_org_id(std::string_view id) {
  if (id.size() < 2 || id.size() > 63)
    return fail(Errc::invalid_argument, "organisation id must be 2 to 63 characters of [a-z0-9.-]");
  if (!is_lower_alnum(id[0])) return fail(Errc::invalid_argument, "organisation id must start with [a-z0-9]");
  // Dots for agency ids such as "jp.ncs" (the report recipients of reporting.toml).
  for (char c : id)
    if (!is_lower_alnum(c) && c != '-' && c != '.')
      return fail(Errc::invalid_argument, "organisation id must be [a-z0-9.-] only");
  return {};
}

Status validate_organisation(Organisation& org) {
  if (auto ok = validate_org_id(org.id); !ok) return ok;
  if (auto ok = check_text("name", org.name, kMaxNameSize, true); !ok) return ok;
  auto sector = parse_sector(org.sector);
  if (!sector) return tl::unexpected(sector.error());
  org.sector = std::string(*sector);
  if (org.tier < 1 || org.tier > 3) return fail(Errc::invalid_argument, "tier must be 1, 2 or 3");
  if (org.clearance < 0 || org.clearance > 3) return fail(Errc::invalid_argument, "clearance must be 0 to 3");
  if (auto ok = check_text("ministry", org.ministry, kMaxNameSize, false); !ok) return ok;
  if (org.contacts.size() > 32) return fail(Errc::invalid_argument, "at most 32 contacts");
  for (const auto& c : org.contacts) {
    if (auto ok = check_text("contacts[].name", c.name, kMaxNameSize, true); !ok) return ok;
    if (auto ok = check_text("contacts[].email", c.email, kMaxNameSize, false); !ok) return ok;
    if (!c.email.empty() && c.email.find('@') == std::string::npos)
      return fail(Errc::invalid_argument, "contacts[].email '{}' is not an e-mail address", c.email);
    if (auto ok = check_text("contacts[].phone", c.phone, 64, false); !ok) return ok;
    if (auto ok = check_text("contacts[].role", c.role, kMaxNameSize, false); !ok) return ok;
  }
  if (org.ip_ranges.size() > kMaxListSize || org.asns.size() > kMaxListSize || org.domains.size() > kMaxListSize)
    return fail(Errc::invalid_argument, "at most {} ip_ranges, asns and domains each", kMaxListSize);
  for (auto& r : org.ip_ranges) {
    // A bare address registers a single host.
    std::string text = r.find('/') == std::string::npos
                           ? r + (r.find(':') == std::string::npos ? "/32" : "/128")
                           : r;
    auto p = Prefix::parse(text);
    if (!p) return fail(Errc::invalid_argument, "ip_ranges: '{}' is not a CIDR prefix", r);
    r = p->to_string();
  }
  sort_unique(org.ip_ranges);
  for (auto asn : org.asns)
    if (asn == 0 || asn == 23456 || asn == 0xffffffffu)
      return fail(Errc::invalid_argument, "asns: {} is reserved", asn);
  sort_unique(org.asns);
  for (auto& d : org.domains)
    if (auto ok = canonical_domain(d); !ok) return ok;
  sort_unique(org.domains);
  return {};
}

Status validate_api_key(const ApiKey& key) {
  if (key.id.size() != 16 || !std::all_of(key.id.begin(), key.id.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      }))
    return fail(Errc::invalid_argument, "key id must be 16 lowercase hex digits");
  if (key.secret_hash.size() != 64 || !std::all_of(key.secret_hash.begin(), key.secret_hash.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      }))
    return fail(Errc::invalid_argument, "key secret hash must be 64 lowercase hex digits");
  if (!key.org_id.empty())
    if (auto ok = validate_org_id(key.org_id); !ok) return ok;
  if ((key.role == Role::operator_ || key.role == Role::carrier) && key.org_id.empty())
    return fail(Errc::invalid_argument, "{} keys must belong to an organisation", role_name(key.role));
  if (auto ok = check_text("name", key.name, kMaxNameSize, false); !ok) return ok;
  if (auto ok = check_text("created_by", key.created_by, 64, true); !ok) return ok;
  return {};
}

Status validate_finding(FindingRecord& f) {
  if (!detect::parse_finding_kind(f.kind)) return fail(Errc::invalid_argument, "kind '{}' is not a finding kind", f.kind);
  if (auto ok = check_text("detector", f.detector, 64, true); !ok) return ok;
  auto addr = IpAddress::parse(f.endpoint);
  if (!addr) return fail(Errc::invalid_argument, "endpoint '{}' is not an IP address", f.endpoint);
  f.endpoint = addr->to_string();
  if (auto ok = check_text("role", f.role, 64, false); !ok) return ok;
  if (f.proto < 0 || f.proto > 255) return fail(Errc::invalid_argument, "proto must be 0 to 255");
  if (!(f.score >= 0 && f.score <= 100)) return fail(Errc::invalid_argument, "score must be 0 to 100");
  if (f.first_seen > f.last_seen) return fail(Errc::invalid_argument, "first_seen is after last_seen");
  if (auto ok = check_json("ports", f.ports_json, true); !ok) return ok;
  if (auto ok = check_json("sample_peers", f.sample_peers_json, true); !ok) return ok;
  if (auto ok = check_json("metrics", f.metrics_json, false); !ok) return ok;
  if (auto ok = check_text("summary", f.summary, kMaxTextSize, false); !ok) return ok;
  if (auto ok = check_text("notes", f.notes, kMaxTextSize, false); !ok) return ok;
  constexpr std::uint64_t kMaxCounter = static_cast<std::uint64_t>(INT64_MAX);
  if (f.flows > kMaxCounter || f.packets > kMaxCounter || f.bytes > kMaxCounter || f.peers > kMaxCounter)
    return fail(Errc::invalid_argument, "counters must fit in a signed 64-bit integer");
  return {};
}

Status validate_idempotency(const IdempotencyKey& idem) {
  if (idem.key.empty() || idem.key.size() > 128) return fail(Errc::invalid_argument, "Idempotency-Key must be 1 to 128 characters");
  for (unsigned char c : idem.key)
    if (c < 0x21 || c > 0x7e) return fail(Errc::invalid_argument, "Idempotency-Key must be printable ASCII without spaces");
  if (idem.key_id.empty() || idem.request_hash.size() != 64) return fail(Errc::invalid_argument, "incomplete idempotency record");
  return {};
}

Status validate_access(const AccessRecord& r) {
  if (auto ok = check_text("action", r.action, 64, true); !ok) return ok;
  if (auto ok = check_text("resource", r.resource, 256, true); !ok) return ok;
  if (auto ok = check_text("purpose", r.purpose, 64, true); !ok) return ok;
  if (auto ok = check_text("key_id", r.key_id, 64, false); !ok) return ok;
  return {};
}

}  // namespace mamori::store

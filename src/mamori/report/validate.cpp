#include "mamori/report/validate.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "mamori/core/ip_address.hpp"
#include "mamori/report/domain_name.hpp"
#include "mamori/report/wallet.hpp"

namespace mamori::report {

namespace {

class Checker {
 public:
  explicit Checker(std::vector<FieldError>& problems) : problems_(problems) {}

  void problem(std::string field, std::string message) { problems_.push_back({std::move(field), std::move(message)}); }

  // Valid UTF-8 without control characters; multi-line text may hold \n, \r and \t.
  bool text(const std::string& field, std::string_view s, std::size_t max, bool multiline) {
    if (s.size() > max) {
      problem(field, fmt::format("is {} bytes; at most {} are accepted", s.size(), max));
      return false;
    }
    std::size_t i = 0;
    while (i < s.size()) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        const bool allowed = c >= 0x20 ? c != 0x7f : (multiline && (c == '\n' || c == '\r' || c == '\t'));
        if (!allowed) {
          problem(field, multiline ? fmt::format("contains a control character at byte {}", i)
                                   : fmt::format("must be a single line (control character at byte {})", i));
          return false;
        }
        ++i;
        continue;
      }
      std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
      bool ok = len != 0 && c <= 0xf4 && i + len <= s.size();
      std::uint32_t cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
      for (std::size_t k = 1; ok && k < len; ++k) {
        const auto d = static_cast<unsigned char>(s[i + k]);
        ok = (d & 0xc0) == 0x80;
        cp = cp << 6 | (d & 0x3f);
      }
      ok = ok && !(len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) && !(len == 4 && (cp < 0x10000 || cp > 0x10ffff));
      if (!ok) {
        problem(field, fmt::format("is not valid UTF-8 (byte {})", i));
        return false;
      }
      i += len;
    }
    return true;
  }

  void required_text(const std::string& field, std::string_view s, std::size_t max, bool multiline) {
    if (s.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      problem(field, "is required");
      return;
    }
    text(field, s, max, multiline);
  }

  void list(const std::string& field, const std::vector<std::string>& items, std::size_t max_items, std::size_t max_len,
            bool multiline) {
    if (items.size() > max_items) {
      problem(field, fmt::format("has {} items; at most {} are accepted", items.size(), max_items));
      return;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string where = fmt::format("{}[{}]", field, i);
      if (items[i].find_first_not_of(" \t\r\n") == std::string::npos) problem(where, "is empty");
      else text(where, items[i], max_len, multiline);
    }
  }

  // A reported time: not before 2000 and not after the report was received.
  void reported_time(const std::string& field, TimeNs t, TimeNs received_at) {
    if (t < kEarliestReportedTime) {
      problem(field, fmt::format("{} is before 2000", format_rfc3339(t)));
    } else if (received_at != 0 && t > received_at + kMaxClockSkew) {
      problem(field, fmt::format("{} is after the report was received ({})", format_rfc3339(t), format_rfc3339(received_at)));
    }
  }

  void identifier(const std::string& field, std::string_view id) {
    if (!is_valid_identifier(id))
      problem(field, id.empty() ? std::string("is required")
                                : fmt::format("'{}' is not an identifier ([A-Za-z0-9][A-Za-z0-9._:-]*, at most 128)",
                                              id.substr(0, 64)));
  }

 private:
  std::vector<FieldError>& problems_;
};

bool is_purpose_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

void check_handling(Checker& c, const Handling& h) {
  for (std::size_t i = 0; i < h.permitted_purposes.size(); ++i) {
    const auto& p = h.permitted_purposes[i];
    if (!is_purpose_id(p)) {
      c.problem(fmt::format("handling.permitted_purposes[{}]", i), fmt::format("'{}' is not a purpose id", p.substr(0, 64)));
    } else if (std::find(h.permitted_purposes.begin(), h.permitted_purposes.begin() + static_cast<std::ptrdiff_t>(i), p) !=
               h.permitted_purposes.begin() + static_cast<std::ptrdiff_t>(i)) {
      c.problem(fmt::format("handling.permitted_purposes[{}]", i), fmt::format("'{}' is listed twice", p));
    }
  }
}

void check_quick(Checker& c, const Report& r) {
  const QuickReport& q = r.quick;
  if (q.aware_at == 0) c.problem("aware_at", "is required");
  else c.reported_time("aware_at", q.aware_at, r.received_at);
  c.required_text("contact", q.contact, kMaxShortText, false);
  c.text("affected_asset", q.affected_asset, kMaxShortText, false);
}

// Decimal text: up to 15 integer digits and 18 fraction digits.
bool is_decimal(std::string_view s) noexcept {
  const auto dot = s.find('.');
  const auto whole = s.substr(0, dot);
  if (whole.empty() || whole.size() > 15) return false;
  if (!std::all_of(whole.begin(), whole.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  if (dot == std::string_view::npos) return true;
  const auto frac = s.substr(dot + 1);
  return !frac.empty() && frac.size() <= 18 &&
         std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void check_ransomware(Checker& c, RansomwareDetails& r, TimeNs received_at) {
  c.text("ransomware.family", r.family, kMaxShortText, false);
  c.text("ransomware.ransom_note", r.ransom_note, kMaxRansomNote, true);
  if (!r.encrypted_extension.empty()) {
    std::string ext;
    for (char ch : r.encrypted_extension) ext += ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
    if (ext.front() != '.') ext.insert(ext.begin(), '.');
    const bool ok = ext.size() >= 2 && ext.size() <= 64 && std::all_of(ext.begin() + 1, ext.end(), [](char ch) {
                      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
                    });
    if (ok) r.encrypted_extension = ext;
    else c.problem("ransomware.encrypted_extension",
                   fmt::format("'{}' is not a file extension such as \".lockbit\"", r.encrypted_extension.substr(0, 64)));
  }
  if (!r.ransom_amount.empty() && !is_decimal(r.ransom_amount))
    c.problem("ransomware.ransom_amount", fmt::format("'{}' is not a decimal amount such as \"1.25\"", r.ransom_amount.substr(0, 64)));
  if (!r.ransom_currency.empty()) {
    std::string cur;
    for (char ch : r.ransom_currency) cur += ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
    if (cur.size() >= 2 && cur.size() <= 10 &&
        std::all_of(cur.begin(), cur.end(), [](char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); }))
      r.ransom_currency = cur;
    else
      c.problem("ransomware.ransom_currency",
                fmt::format("'{}' is not a currency code such as \"BTC\", \"XMR\" or \"USD\"", r.ransom_currency.substr(0, 32)));
  }
  if (!r.ransom_amount.empty() && r.ransom_currency.empty())
    c.problem("ransomware.ransom_currency", "is required when ransom_amount is given");
  if (r.wallet_addresses.size() > kMaxWallets) {
    c.problem("ransomware.wallet_addresses", fmt::format("has {} items; at most {}", r.wallet_addresses.size(), kMaxWallets));
  } else {
    for (std::size_t i = 0; i < r.wallet_addresses.size(); ++i) {
      auto& a = r.wallet_addresses[i];
      auto w = parse_wallet_address(a);
      if (w) a = w->address;
      else c.problem(fmt::format("ransomware.wallet_addresses[{}]", i), w.error().message);
    }
  }
  if (r.ransom_paid_at) {
    if (r.ransom_paid != Answer::yes)
      c.problem("ransomware.ransom_paid_at", "is given but ransom_paid is not \"yes\"");
    c.reported_time("ransomware.ransom_paid_at", *r.ransom_paid_at, received_at);
  }
  c.list("ransomware.affected_systems", r.affected_systems, kMaxListItems, kMaxShortText, false);
  c.list("ransomware.iocs", r.iocs, kMaxListItems, kMaxIocText, true);
}

bool is_target(std::string_view t) {
  if (IpAddress::parse(t) || Prefix::parse(t)) return true;
  if (t.starts_with("http://") || t.starts_with("https://")) return true;
  return normalise_domain(t).has_value();
}

void check_ddos(Checker& c, DdosDetails& d, TimeNs received_at) {
  if (d.peak_gbps && (!std::isfinite(*d.peak_gbps) || *d.peak_gbps <= 0 || *d.peak_gbps > 1e6))
    c.problem("ddos.peak_gbps", fmt::format("{} is outside 0 < Gbps <= 1000000", *d.peak_gbps));
  if (d.peak_pps && *d.peak_pps == 0) c.problem("ddos.peak_pps", "must be positive");
  if (d.started_at) c.reported_time("ddos.started_at", *d.started_at, received_at);
  if (d.ended_at) c.reported_time("ddos.ended_at", *d.ended_at, received_at);
  if (d.started_at && d.ended_at) {
    if (*d.ended_at < *d.started_at) {
      c.problem("ddos.ended_at", "is before ddos.started_at");
    } else {
      const std::uint64_t span = (*d.ended_at - *d.started_at) / kNsPerSecond;
      // The reporter's own duration wins if given; otherwise it follows from the times.
      if (!d.duration_seconds) d.duration_seconds = span;
    }
  }
  for (std::size_t i = 0; i < d.vectors.size(); ++i)
    if (std::find(d.vectors.begin(), d.vectors.begin() + static_cast<std::ptrdiff_t>(i), d.vectors[i]) !=
        d.vectors.begin() + static_cast<std::ptrdiff_t>(i))
      c.problem(fmt::format("ddos.vectors[{}]", i), fmt::format("'{}' is listed twice", ddos_vector_name(d.vectors[i])));
  bool techniques_ok = true;
  for (std::size_t i = 0; i < d.techniques.size(); ++i) {
    if (!is_dos_technique(d.techniques[i])) {
      c.problem(fmt::format("ddos.techniques[{}]", i),
                fmt::format("'{}' is not a denial-of-service technique (T1498, T1498.001-002, T1499, T1499.001-004)",
                            d.techniques[i].substr(0, 32)));
      techniques_ok = false;
    }
  }
  if (techniques_ok) {
    for (auto v : d.vectors)
      if (auto t = ddos_vector_technique(v); !t.empty()) d.techniques.emplace_back(t);
    std::sort(d.techniques.begin(), d.techniques.end());
    d.techniques.erase(std::unique(d.techniques.begin(), d.techniques.end()), d.techniques.end());
  }
  if (d.targets.size() > kMaxListItems) {
    c.problem("ddos.targets", fmt::format("has {} items; at most {}", d.targets.size(), kMaxListItems));
  } else {
    for (std::size_t i = 0; i < d.targets.size(); ++i) {
      const std::string where = fmt::format("ddos.targets[{}]", i);
      if (!c.text(where, d.targets[i], kMaxShortText, false)) continue;
      if (!is_target(d.targets[i]))
        c.problem(where, fmt::format("'{}' is not an IP address, prefix, host name or URL", d.targets[i].substr(0, 64)));
    }
  }
  for (std::size_t i = 0; i < d.mitigation.size(); ++i)
    if (std::find(d.mitigation.begin(), d.mitigation.begin() + static_cast<std::ptrdiff_t>(i), d.mitigation[i]) !=
        d.mitigation.begin() + static_cast<std::ptrdiff_t>(i))
      c.problem(fmt::format("ddos.mitigation[{}]", i),
                fmt::format("'{}' is listed twice", ddos_mitigation_name(d.mitigation[i])));
  c.text("ddos.mitigation_notes", d.mitigation_notes, kMaxLongText, true);
  c.list("ddos.iocs", d.iocs, kMaxListItems, kMaxIocText, true);
}

void check_follow_up(Checker& c, Report& r) {
  FollowUpReport& u = r.follow_up;
  c.identifier("incident", u.incident);
  if (!u.incident.empty() && u.incident == r.id) c.problem("incident", "must name the quick report, not this document");
  if (u.sequence == 0) c.problem("sequence", "must be 1 or more (the quick report is 0)");
  const Amendments& a = u.amendments;
  if (a.affected_asset) c.text("affected_asset", *a.affected_asset, kMaxShortText, false);
  if (a.contact) c.required_text("contact", *a.contact, kMaxShortText, false);
  c.text("changes", u.changes, kMaxLongText, true);
  c.text("description", u.description, kMaxLongText, true);
  const Timeline& t = u.timeline;
  const std::pair<const char*, const std::optional<TimeNs>*> times[] = {{"timeline.started_at", &t.started_at},
                                                                       {"timeline.detected_at", &t.detected_at},
                                                                       {"timeline.contained_at", &t.contained_at},
                                                                       {"timeline.recovered_at", &t.recovered_at}};
  for (std::size_t i = 0; i < 4; ++i) {
    if (!*times[i].second) continue;
    c.reported_time(times[i].first, **times[i].second, r.received_at);
    for (std::size_t j = 0; j < i; ++j)
      if (*times[j].second && **times[j].second > **times[i].second)
        c.problem(times[i].first, fmt::format("is before {}", times[j].first));
  }
  for (std::size_t i = 0; i < u.attack_techniques.size(); ++i)
    if (!is_attack_technique_id(u.attack_techniques[i]))
      c.problem(fmt::format("attack_techniques[{}]", i),
                fmt::format("'{}' is not an ATT&CK technique id such as T1486 or T1190.001",
                            u.attack_techniques[i].substr(0, 32)));
  c.list("iocs", u.iocs, kMaxListItems, kMaxIocText, true);
  if (u.ransomware) check_ransomware(c, *u.ransomware, r.received_at);
  if (u.ddos) check_ddos(c, *u.ddos, r.received_at);
  c.text("root_cause", u.root_cause, kMaxLongText, true);
  c.text("remediation", u.remediation, kMaxLongText, true);
  if (r.stage == Stage::final) {
    // What NIS2 Art. 23(4)(d) asks of a final report: a detailed description,
    // the root cause and the mitigation applied.
    c.required_text("description", u.description, kMaxLongText, true);
    c.required_text("root_cause", u.root_cause, kMaxLongText, true);
    c.required_text("remediation", u.remediation, kMaxLongText, true);
  }
}

}  // namespace

void check_report(Report& report, std::vector<FieldError>& problems) {
  Checker c(problems);
  c.identifier("id", report.id);
  c.identifier("organisation", report.organisation);
  if (report.received_at == 0) c.problem("received_at", "is required");
  check_handling(c, report.handling);
  if (report.stage == Stage::quick) check_quick(c, report);
  else check_follow_up(c, report);
}

Status validate_report(Report& report) {
  std::vector<FieldError> problems;
  check_report(report, problems);
  if (problems.empty()) return {};
  return fail(Errc::invalid_argument, "report: {}", join_field_errors(problems));
}

}  // namespace mamori::report

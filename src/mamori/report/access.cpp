#include "mamori/report/access.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/sha256.hpp"
#include "mamori/ledger/entry.hpp"
#include "mamori/report/json_writer.hpp"

namespace mamori::report {

namespace {

constexpr std::array<std::string_view, 6> kRoles{"operator", "analyst", "carrier", "overseer", "admin", "vendor"};

bool is_purpose_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string purpose_list(const AccessPolicy& policy) {
  std::string out;
  for (const auto& p : policy.purposes) {
    if (!out.empty()) out += ", ";
    out += p.id;
  }
  return out;
}

}  // namespace

std::string_view reader_role_name(ReaderRole role) noexcept {
  const auto i = static_cast<std::size_t>(role);
  return i < kRoles.size() ? kRoles[i] : "?";
}

std::optional<ReaderRole> parse_reader_role(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kRoles.size(); ++i)
    if (kRoles[i] == text) return static_cast<ReaderRole>(i);
  return std::nullopt;
}

const AccessPurpose* AccessPolicy::find_purpose(std::string_view id) const noexcept {
  for (const auto& p : purposes)
    if (p.id == id) return &p;
  return nullptr;
}

const ForbiddenPurpose* AccessPolicy::find_forbidden(std::string_view id) const noexcept {
  for (const auto& p : forbidden)
    if (p.id == id) return &p;
  return nullptr;
}

Status AccessPolicy::check() const {
  for (std::size_t i = 0; i < purposes.size(); ++i) {
    const auto& p = purposes[i];
    if (!is_purpose_id(p.id)) return fail(Errc::invalid_argument, "access: purpose id '{}' is invalid ([a-z][a-z0-9_]*)", p.id);
    for (std::size_t j = 0; j < i; ++j)
      if (purposes[j].id == p.id) return fail(Errc::invalid_argument, "access: purpose '{}' is defined twice", p.id);
    if (p.roles.empty()) return fail(Errc::invalid_argument, "access: purpose '{}' has no roles", p.id);
  }
  for (std::size_t i = 0; i < forbidden.size(); ++i) {
    const auto& f = forbidden[i];
    if (!is_purpose_id(f.id)) return fail(Errc::invalid_argument, "access: forbidden purpose id '{}' is invalid", f.id);
    for (std::size_t j = 0; j < i; ++j)
      if (forbidden[j].id == f.id) return fail(Errc::invalid_argument, "access: forbidden purpose '{}' is listed twice", f.id);
    if (find_purpose(f.id) != nullptr)
      return fail(Errc::invalid_argument, "access: purpose '{}' is both allowed and forbidden", f.id);
    if (f.reason.empty()) return fail(Errc::invalid_argument, "access: forbidden purpose '{}' needs a reason", f.id);
  }
  for (std::size_t t = 1; t < min_clearance.size(); ++t)
    if (min_clearance[t] < min_clearance[t - 1])
      return fail(Errc::invalid_argument, "access: TLP:{} needs less clearance than TLP:{}", tlp_name(static_cast<Tlp>(t)),
                  tlp_name(static_cast<Tlp>(t - 1)));
  return {};
}

ReportAccessInfo make_access_info(const Report& report, std::span<const Delivery> deliveries) {
  ReportAccessInfo info;
  info.report_id = report.id;
  info.incident_id = report.incident_id();
  info.reporter_organisation = report.organisation;
  info.handling = report.handling;
  for (const auto& d : deliveries) {
    info.recipient_organisations.push_back(d.route.recipient.id);
    if (d.route.recipient.sees_reporter_identity) info.identity_visible_organisations.push_back(d.route.recipient.id);
  }
  return info;
}

AccessDecision decide_access(const AccessPolicy& policy, const ReportAccessInfo& report, const AccessRequest& request) {
  AccessDecision d;
  AccessRecord& rec = d.record;
  rec.report_id = report.report_id;
  rec.incident_id = report.incident_id;
  rec.reporter_organisation = report.reporter_organisation;
  rec.reader_id = request.reader.id;
  rec.reader_organisation = request.reader.organisation;
  rec.reader_role = request.reader.role;
  rec.purpose = request.purpose;
  rec.time = request.time;
  auto refuse = [&](std::string reason) {
    d.allowed = false;
    d.identity_visible = false;
    d.reason = std::move(reason);
    rec.allowed = false;
    rec.reason = d.reason;
    return d;
  };
  const Reader& reader = request.reader;
  if (!reader.organisation.empty() && reader.organisation == report.reporter_organisation) {
    // The reporter's own reads need no purpose (R-HUB 3 binds reads "by
    // someone other than the reporter"); they are still recorded.
    rec.purpose = "reporter";
    d.allowed = rec.allowed = true;
    d.identity_visible = true;
    d.reason = rec.reason = "the reporting organisation reads its own report";
    return d;
  }
  const Tlp tlp = report.handling.tlp;
  if (request.purpose.empty()) return refuse("a purpose must be declared to read a reported incident");
  if (const ForbiddenPurpose* f = policy.find_forbidden(request.purpose))
    return refuse(fmt::format("purpose '{}' is never allowed: {}", f->id, f->reason));
  const AccessPurpose* p = policy.find_purpose(request.purpose);
  if (p == nullptr)
    return refuse(fmt::format("purpose '{}' is not on the allowed list ({})", request.purpose.substr(0, 64),
                              purpose_list(policy)));
  if (std::find(p->roles.begin(), p->roles.end(), reader.role) == p->roles.end())
    return refuse(fmt::format("role '{}' may not read for purpose '{}'", reader_role_name(reader.role), p->id));
  if (!report.handling.permitted_purposes.empty() && !contains(report.handling.permitted_purposes, p->id))
    return refuse(fmt::format("the reporter has not permitted purpose '{}' for this report", p->id));
  if (p->passes_on && !report.handling.share_indicators)
    return refuse(fmt::format("the reporter does not allow this report's indicators to be passed on (purpose '{}')", p->id));
  if (static_cast<int>(tlp) > static_cast<int>(p->max_tlp))
    return refuse(fmt::format("purpose '{}' may read up to TLP:{}; this report is TLP:{}", p->id, tlp_name(p->max_tlp),
                              tlp_name(tlp)));
  const bool recipient = contains(report.recipient_organisations, reader.organisation);
  if (at_least(tlp, Tlp::amber) && !recipient && !p->any_audience)
    return refuse(fmt::format("TLP:{} limits this report to its recipients; organisation '{}' is not one", tlp_name(tlp),
                              reader.organisation));
  const std::uint32_t needed = policy.min_clearance[static_cast<std::size_t>(tlp)];
  if (reader.clearance < needed)
    return refuse(fmt::format("TLP:{} needs clearance {}; the reader has {}", tlp_name(tlp), needed, reader.clearance));
  d.allowed = rec.allowed = true;
  d.identity_visible = !report.handling.anonymous_to_recipients ||
                       contains(report.identity_visible_organisations, reader.organisation);
  d.reason = rec.reason = fmt::format("purpose '{}' allowed for role '{}' at TLP:{}", p->id,
                                      reader_role_name(reader.role), tlp_name(tlp));
  return d;
}

Result<std::string> access_ledger_body(const AccessRecord& record) {
  JsonWriter w;
  w.begin_object();
  w.key("decision").string(record.allowed ? "allowed" : "refused");
  w.key("incident").string(record.incident_id);
  w.key("purpose").string(record.purpose.substr(0, 64));
  w.key("reader_org").string(record.reader_organisation);
  w.key("reader_role").string(reader_role_name(record.reader_role));
  // The reader id may name a person; the ledger keeps its hash only, which
  // still lets an inspector match an entry to the hub's access log.
  w.key("reader_sha256").string(crypto::hex_encode(crypto::sha256(record.reader_id)));
  w.key("report").string(record.report_id);
  w.key("reporter_org").string(record.reporter_organisation);
  w.key("time_ns").number(std::uint64_t{record.time});
  w.end_object();
  return ledger::canonicalize_body(w.text());
}

std::string access_ledger_actor(const AccessRecord& record) {
  return fmt::format("{}:{}", reader_role_name(record.reader_role), record.reader_organisation);
}

Result<std::vector<AccessRecord>> reads_of_report(std::span<const AccessRecord> log, const ReportAccessInfo& report,
                                                  std::string_view requesting_organisation) {
  if (requesting_organisation != report.reporter_organisation)
    return fail(Errc::invalid_argument, "access log: only the reporting organisation can list who read report '{}'",
                report.report_id);
  std::vector<AccessRecord> out;
  for (const auto& r : log)
    if (r.report_id == report.report_id && r.reader_organisation != report.reporter_organisation) out.push_back(r);
  std::stable_sort(out.begin(), out.end(), [](const AccessRecord& a, const AccessRecord& b) { return a.time < b.time; });
  return out;
}

std::string access_log_to_json(std::span<const AccessRecord> records) {
  JsonWriter w;
  w.begin_array();
  for (const auto& r : records) {
    w.begin_object();
    w.key("report").string(r.report_id);
    w.key("reader_organisation").string(r.reader_organisation);
    w.key("reader_role").string(reader_role_name(r.reader_role));
    w.key("purpose").string(r.purpose);
    w.key("time").time(r.time);
    w.key("decision").string(r.allowed ? "allowed" : "refused");
    w.key("reason").string(r.reason);
    w.end_object();
  }
  w.end_array();
  return w.take();
}

}  // namespace mamori::report

#include "mamori/detect/output/stix_bundle.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <ctime>
#include <string>
#include <unordered_map>

#include "mamori/detect/output/uuid5.hpp"

namespace mamori::detect {

namespace json = boost::json;

namespace {

struct Tlp2Marking {
  std::string_view level;
  std::string_view id;
};
// TLP 2.0 marking definitions as published by OASIS in cti-stix-common-objects,
// extension-definition-specifications/tlp-2.0 (extension-definition--60a3c5c5-
// 0d10-413e-aab3-9e08dde9e88d, created 2022-10-01T00:00:00.000Z), which the
// STIX 2.1 community uses in place of the TLP 1.0 markings of STIX 2.1 §7.2.1.4.
constexpr Tlp2Marking kTlp2[] = {
    {"clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
    {"green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
    {"amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
    {"amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
    {"red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
};
constexpr std::string_view kTlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
constexpr std::string_view kTlp2Created = "2022-10-01T00:00:00.000Z";

// STIX 2.1 §2.9: SCO ids are UUIDv5 in this namespace over the canonical
// JSON of the ID-contributing properties ({"value":"…"} for addresses).
constexpr std::string_view kScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";
// mamori's own namespace for the SDO/SRO ids it derives from findings.
constexpr std::string_view kMamoriNamespace = "6d616d6f-7269-5d00-8000-66696e64696e";

Uuid ns(std::string_view text) {
  return *parse_uuid(text);
}

std::string stix_id(std::string_view type, const Uuid& space, std::string_view name) {
  return fmt::format("{}--{}", type, format_uuid(uuid5(space, name)));
}

// STIX timestamps: UTC with millisecond precision (required for created/modified).
std::string stix_time(TimeNs t) {
  const std::time_t seconds = static_cast<std::time_t>(t / kNsPerSecond);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (t % kNsPerSecond) / kNsPerMs);
}

json::array strings(const std::vector<std::string_view>& values) {
  json::array a;
  for (auto v : values) a.emplace_back(json::string(v.data(), v.size()));
  return a;
}

json::string js(std::string_view s) {
  return json::string(s.data(), s.size());
}

}  // namespace

Result<std::string> tlp2_marking_id(std::string_view level) {
  for (const auto& m : kTlp2)
    if (m.level == level) return std::string(m.id);
  return fail(Errc::invalid_argument, "unknown TLP level '{}' (clear, green, amber, amber+strict, red)",
              level);
}

std::vector<std::string_view> infrastructure_types(FindingKind kind) {
  switch (kind) {
    case FindingKind::indicator:
      return {"undefined"};
    case FindingKind::beaconing:
      return {"command-and-control"};
    case FindingKind::fan_in:
      return {"command-and-control", "botnet"};
    case FindingKind::scanning:
      return {"reconnaissance"};
    case FindingKind::brute_force:
      return {"reconnaissance"};
    case FindingKind::reflection:
      return {"amplification"};
    case FindingKind::ddos_controller:
      return {"botnet", "command-and-control"};
    case FindingKind::long_connection:
      return {"command-and-control"};
    case FindingKind::rare_server:
      // Unfamiliar and persistent says nothing of what the server is for;
      // infrastructure-type-ov has no closer term.
      return {"undefined"};
  }
  return {"undefined"};
}

Result<std::string> findings_to_stix(const std::vector<Finding>& findings, const StixOptions& options) {
  auto marking_id = tlp2_marking_id(options.tlp);
  if (!marking_id) return tl::unexpected(marking_id.error());
  const Uuid mamori = ns(kMamoriNamespace);
  const Uuid sco = ns(kScoNamespace);
  const json::array markings{js(*marking_id)};
  const std::string identity_id = stix_id("identity", mamori, "identity|" + options.producer);

  json::array objects;
  {
    json::object marking;
    marking["type"] = "marking-definition";
    marking["spec_version"] = "2.1";
    marking["id"] = js(*marking_id);
    marking["created"] = js(kTlp2Created);
    std::string name = "TLP:" + options.tlp;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return static_cast<char>(std::toupper(c)); });
    marking["name"] = js(name);
    json::object ext;
    ext["extension_type"] = "property-extension";
    ext["tlp_2_0"] = js(options.tlp);
    json::object exts;
    exts[kTlp2Extension] = std::move(ext);
    marking["extensions"] = std::move(exts);
    objects.emplace_back(std::move(marking));
  }
  TimeNs earliest = ~TimeNs{0};
  for (const auto& f : findings) earliest = std::min(earliest, f.first_seen);
  {
    json::object identity;
    identity["type"] = "identity";
    identity["spec_version"] = "2.1";
    identity["id"] = js(identity_id);
    const std::string t = stix_time(options.created != 0 ? options.created : findings.empty() ? 0 : earliest);
    identity["created"] = js(t);
    identity["modified"] = js(t);
    identity["name"] = js(options.producer);
    identity["identity_class"] = "system";
    identity["description"] = "Detection engine of the active cyber defense platform (flow analysis).";
    identity["object_marking_refs"] = markings;
    objects.emplace_back(std::move(identity));
  }

  std::string bundle_name;
  for (const auto& f : findings) {
    const std::string endpoint = f.endpoint.to_string();
    const std::string sco_type = f.endpoint.is_v4() ? "ipv4-addr" : "ipv6-addr";
    const std::string identity = fmt::format("{}|{}|{}", f.detector, finding_kind_name(f.kind), endpoint);
    bundle_name += identity + ";";
    const std::string created = stix_time(options.created != 0 ? options.created : f.last_seen);
    const std::string first = stix_time(f.first_seen);
    const std::string last = stix_time(std::max(f.last_seen, f.first_seen));
    const auto common = [&](json::object& o, std::string_view type, const std::string& id) {
      o["type"] = js(type);
      o["spec_version"] = "2.1";
      o["id"] = js(id);
      o["created_by_ref"] = js(identity_id);
      o["created"] = js(created);
      o["modified"] = js(created);
      o["object_marking_refs"] = markings;
    };
    const int confidence = static_cast<int>(std::clamp(std::lround(f.score), 0L, 100L));

    const std::string address_id = stix_id(sco_type, sco, fmt::format("{{\"value\":\"{}\"}}", endpoint));
    const std::string infra_id = stix_id("infrastructure", mamori, "infrastructure|" + identity);
    const std::string indicator_id = stix_id("indicator", mamori, "indicator|" + identity);
    const std::string observed_id = stix_id("observed-data", mamori, "observed-data|" + identity);

    json::object infra;
    common(infra, "infrastructure", infra_id);
    infra["name"] = js(
        fmt::format("{} {} ({})", f.role.empty() ? "endpoint" : f.role, endpoint, finding_kind_name(f.kind)));
    infra["description"] = js(f.summary);
    infra["infrastructure_types"] = strings(infrastructure_types(f.kind));
    infra["first_seen"] = js(first);
    infra["last_seen"] = js(last);
    infra["confidence"] = confidence;
    infra["labels"] = json::array{js(finding_kind_name(f.kind)), js(f.detector)};
    objects.emplace_back(std::move(infra));

    json::object indicator;
    common(indicator, "indicator", indicator_id);
    indicator["name"] = js(fmt::format("{} {}", finding_kind_name(f.kind), endpoint));
    indicator["description"] = js(f.summary);
    indicator["indicator_types"] =
        json::array{f.kind == FindingKind::indicator ? "malicious-activity" : "anomalous-activity"};
    indicator["pattern"] = js(fmt::format("[{}:value = '{}']", sco_type, endpoint));
    indicator["pattern_type"] = "stix";
    indicator["pattern_version"] = "2.1";
    indicator["valid_from"] = js(first);
    indicator["confidence"] = confidence;
    objects.emplace_back(std::move(indicator));

    json::object address;
    address["type"] = js(sco_type);
    address["spec_version"] = "2.1";
    address["id"] = js(address_id);
    address["value"] = js(endpoint);
    address["object_marking_refs"] = markings;
    objects.emplace_back(std::move(address));

    json::object observed;
    common(observed, "observed-data", observed_id);
    observed["first_observed"] = js(first);
    observed["last_observed"] = js(last);
    observed["number_observed"] = std::clamp<std::uint64_t>(f.flows, 1, 999'999'999);
    observed["object_refs"] = json::array{js(address_id)};
    objects.emplace_back(std::move(observed));

    const auto relate = [&](const std::string& source, std::string_view type, const std::string& target) {
      json::object r;
      common(r, "relationship",
             stix_id("relationship", mamori, fmt::format("{}|{}|{}", source, type, target)));
      r["relationship_type"] = js(type);
      r["source_ref"] = js(source);
      r["target_ref"] = js(target);
      objects.emplace_back(std::move(r));
    };
    relate(indicator_id, "indicates", infra_id);
    relate(infra_id, "consists-of", address_id);
    relate(indicator_id, "based-on", observed_id);
  }

  // Ids are content-derived, so one address named by two detectors, or a
  // finding reported again with more evidence, yields the same id twice. A
  // bundle's ids must be unique: keep the last object of each id (the latest
  // evidence), in first-appearance order.
  {
    std::unordered_map<std::string, std::size_t> last_of;
    for (std::size_t i = 0; i < objects.size(); ++i)
      last_of[json::value_to<std::string>(objects[i].at("id"))] = i;
    json::array unique;
    std::unordered_map<std::string, bool> placed;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      std::string id = json::value_to<std::string>(objects[i].at("id"));
      if (placed[id]) continue;
      placed[id] = true;
      unique.push_back(objects[last_of[id]]);
    }
    objects = std::move(unique);
  }

  json::object bundle;
  bundle["type"] = "bundle";
  bundle["id"] = js(stix_id("bundle", mamori, "bundle|" + bundle_name));
  bundle["objects"] = std::move(objects);
  std::string out = json::serialize(bundle);
  out += '\n';
  return out;
}

}  // namespace mamori::detect

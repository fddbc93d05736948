#include "mamori/hub/api/organisation_json.hpp"

#include <boost/json.hpp>

#include "mamori/core/time.hpp"
#include "mamori/store/sector.hpp"

namespace mamori::hub {

std::string organisation_to_json(const store::Organisation& org) {
  namespace json = boost::json;
  json::object o;
  o["id"] = org.id;
  o["name"] = org.name;
  o["sector"] = org.sector;
  for (const auto& s : store::sectors())
    if (s.id == org.sector) o["sector_ja"] = s.name_ja;
  o["tier"] = org.tier;
  o["ministry"] = org.ministry;
  o["clearance"] = org.clearance;
  json::array contacts;
  for (const auto& c : org.contacts)
    contacts.push_back(json::object{{"name", c.name}, {"email", c.email}, {"phone", c.phone}, {"role", c.role}});
  o["contacts"] = std::move(contacts);
  json::array ranges, asns, domains;
  for (const auto& r : org.ip_ranges) ranges.push_back(json::string(r));
  for (auto a : org.asns) asns.push_back(static_cast<std::uint64_t>(a));
  for (const auto& d : org.domains) domains.push_back(json::string(d));
  o["ip_ranges"] = std::move(ranges);
  o["asns"] = std::move(asns);
  o["domains"] = std::move(domains);
  o["created"] = format_rfc3339(org.created);
  o["updated"] = format_rfc3339(org.updated);
  o["version"] = org.version;
  return json::serialize(o);
}

namespace {
#define MAMORI_ORG_FIELDS                                                                                             \
  R"("name":{"type":"string","maxLength":200},)"                                                                      \
  R"("sector":{"type":"string","enum":["information_communication","finance","aviation","airport","railway","electricity","gas","government_services","medical","water","logistics","chemical","credit","petroleum","port","other"],"description":"Japanese names (電力, 金融, ...) are accepted on input"},)" \
  R"("tier":{"type":"integer","minimum":1,"maximum":3,"description":"criticality tier, 1 = most critical"},)"        \
  R"("ministry":{"type":"string","description":"sector ministry; defaults from the sector"},)"                         \
  R"("clearance":{"type":"integer","minimum":0,"maximum":3},)"                                                       \
  R"("contacts":{"type":"array","maxItems":32,"items":{"type":"object","required":["name"],"additionalProperties":false,"properties":{"name":{"type":"string"},"email":{"type":"string"},"phone":{"type":"string"},"role":{"type":"string"}}}},)" \
  R"("ip_ranges":{"type":"array","maxItems":256,"items":{"type":"string","description":"CIDR, IPv4 or IPv6"}},)"      \
  R"("asns":{"type":"array","maxItems":256,"items":{"type":"integer","minimum":1,"maximum":4294967294}},)"             \
  R"("domains":{"type":"array","maxItems":256,"items":{"type":"string"}})"
}  // namespace

std::string_view organisation_schema() noexcept {
  return R"({"type":"object","properties":{"id":{"type":"string"},)" MAMORI_ORG_FIELDS
         R"(,"sector_ja":{"type":"string"},"created":{"type":"string","format":"date-time"},"updated":{"type":"string","format":"date-time"},"version":{"type":"integer"}}})";
}

std::string_view organisation_input_schema() noexcept {
  return R"({"type":"object","required":["name","sector"],"additionalProperties":false,"properties":{"id":{"type":"string","pattern":"^[a-z0-9][a-z0-9-]{1,62}$","description":"generated when absent"},)" MAMORI_ORG_FIELDS
         R"(}})";
}

std::string_view organisation_patch_schema() noexcept {
  return R"({"type":"object","additionalProperties":false,"properties":{)" MAMORI_ORG_FIELDS
         R"(,"version":{"type":"integer","description":"the version you read; 409 if it changed since"}}})";
}

}  // namespace mamori::hub

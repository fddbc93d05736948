#pragma once
// What both backends store the same way: an organisation's lists as JSON
// text in its row, registered ranges as first/last addresses in sortable hex,
// and the ids an idempotent write produced.
#include <string>
#include <utility>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/store/records.hpp"

namespace mamori::store {

std::string contacts_to_json(const std::vector<Contact>& contacts);
std::string strings_to_json(const std::vector<std::string>& values);
std::string asns_to_json(const std::vector<std::uint32_t>& asns);
Result<std::vector<Contact>> contacts_from_json(std::string_view text);
Result<std::vector<std::string>> strings_from_json(std::string_view text);
Result<std::vector<std::uint32_t>> asns_from_json(std::string_view text);

// First and last address of a canonical CIDR as 32 lowercase hex digits of the
// 128-bit form (IPv4 mapped), which sort like the addresses.
Result<std::pair<std::string, std::string>> cidr_bounds_hex(std::string_view cidr);

std::string join_ids(const std::vector<std::string>& ids);
std::vector<std::string> split_ids(std::string_view text);

}  // namespace mamori::store

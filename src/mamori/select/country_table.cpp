#include "mamori/select/country_table.hpp"

#include <maxminddb.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <unordered_map>

namespace mamori::select {

std::string default_country_database() {
  if (const char* env = std::getenv("MAMORI_COUNTRY_DB"); env != nullptr && *env != '\0') return env;
  return MAMORI_DEFAULT_COUNTRY_DB;
}

Result<CountryCode> parse_country(std::string_view text) {
  if (text.size() != 2) return fail(Errc::parse_error, "not a two-letter country code: '{}'", text);
  char a = text[0], b = text[1];
  if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 32);
  if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 32);
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
    return fail(Errc::parse_error, "not a two-letter country code: '{}'", text);
  }
  return make_country(a, b);
}

std::string country_string(CountryCode code) {
  if (code == 0) return "??";
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
}

namespace {

struct Walker {
  MMDB_s* db;
  PrefixTable* table;
  std::unordered_map<std::uint32_t, CountryCode> by_offset;  // data section offset -> country
  std::set<CountryCode> countries;
  std::size_t networks = 0;
  Error error{Errc::corrupt, ""};

  CountryCode country_of(MMDB_entry_s entry) {
    auto it = by_offset.find(entry.offset);
    if (it != by_offset.end()) return it->second;
    MMDB_entry_data_s data;
    CountryCode code = 0;
    if (MMDB_get_value(&entry, &data, "country_code", nullptr) == MMDB_SUCCESS && data.has_data &&
        data.type == MMDB_DATA_TYPE_UTF8_STRING && data.data_size == 2) {
      code = make_country(data.utf8_string[0], data.utf8_string[1]);
    } else if (MMDB_get_value(&entry, &data, "country", "iso_code", nullptr) == MMDB_SUCCESS && data.has_data &&
               data.type == MMDB_DATA_TYPE_UTF8_STRING && data.data_size == 2) {
      code = make_country(data.utf8_string[0], data.utf8_string[1]);  // MaxMind GeoIP2/GeoLite2 layout
    }
    by_offset.emplace(entry.offset, code);
    return code;
  }

  // Depth-first walk; (hi, lo) holds the prefix bits so far.
  bool walk(std::uint32_t node_number, std::uint64_t hi, std::uint64_t lo, unsigned depth) {
    if (depth == 96 && hi == 0 && (lo >> 32) == 0xffff) return true;  // ::ffff:0:0/96 aliases IPv4
    MMDB_search_node_s node;
    if (MMDB_read_node(db, node_number, &node) != MMDB_SUCCESS) {
      error.message = fmt::format("unreadable search node {}", node_number);
      return false;
    }
    for (int side = 0; side < 2; ++side) {
      std::uint64_t h = hi, l = lo;
      if (side == 1) {
        if (depth < 64) h |= 1ULL << (63 - depth);
        else l |= 1ULL << (127 - depth);
      }
      const std::uint8_t type = side == 0 ? node.left_record_type : node.right_record_type;
      const std::uint64_t next = side == 0 ? node.left_record : node.right_record;
      if (type == MMDB_RECORD_TYPE_SEARCH_NODE) {
        if (depth + 1 >= 128) {
          error.message = "search tree deeper than 128 bits";
          return false;
        }
        if (!walk(static_cast<std::uint32_t>(next), h, l, depth + 1)) return false;
      } else if (type == MMDB_RECORD_TYPE_DATA) {
        const CountryCode code = country_of(side == 0 ? node.left_record_entry : node.right_record_entry);
        if (code == 0) continue;
        const unsigned len = depth + 1;
        Prefix p;
        if (db->metadata.ip_version == 4) {
          p = Prefix::make(IpAddress::v4(static_cast<std::uint32_t>(h >> 32)), len);
        } else if (len > 96 && h == 0 && (l >> 32) == 0) {
          // IPv4 lives at ::/96 in an IPv6 database.
          p = Prefix::make(IpAddress::v4(static_cast<std::uint32_t>(l)), len - 96);
        } else if (len <= 96 && h == 0 && (l >> 32) == 0) {
          continue;  // a record covering ::/96 as a whole is not an allocation of either family
        } else {
          p = Prefix::make(IpAddress(h, l), len);
        }
        table->insert(p, code);
        countries.insert(code);
        ++networks;
      }
    }
    return true;
  }
};

}  // namespace

Result<CountryTable> CountryTable::load_mmdb(const std::string& path) {
  const auto started = std::chrono::steady_clock::now();
  MMDB_s db;
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db);
  if (status != MMDB_SUCCESS) {
    return fail(Errc::io_error, "{}: cannot open country database: {}", path, MMDB_strerror(status));
  }
  CountryTable table;
  Walker walker{&db, &table.table_, {}, {}, 0, {}};
  const bool ok = walker.walk(0, 0, 0, 0);
  MMDB_close(&db);
  if (!ok) return fail(Errc::corrupt, "{}: {}", path, walker.error.message);
  if (walker.networks == 0) return fail(Errc::corrupt, "{}: no country records found", path);
  table.stats_.networks = walker.networks;
  table.stats_.countries = walker.countries.size();
  table.stats_.memory_bytes = table.table_.memory_bytes();
  table.stats_.load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return table;
}

}  // namespace mamori::select

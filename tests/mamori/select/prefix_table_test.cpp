#include "mamori/select/prefix_table.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "mamori/select/country_table.hpp"

#include <maxminddb.h>

namespace mamori::select {
namespace {

struct Naive {
  std::vector<std::pair<Prefix, PrefixTable::Value>> entries;
  PrefixTable::Value lookup(const IpAddress& a) const {
    int best = -1;
    PrefixTable::Value v = 0;
    for (const auto& [p, value] : entries) {
      if (p.contains(a) && static_cast<int>(p.bits128()) >= best) {
        best = static_cast<int>(p.bits128());
        v = value;
      }
    }
    return v;
  }
};

TEST(PrefixTable, MatchesNaiveLongestPrefixForBothFamilies) {
  std::mt19937_64 rng(99);
  PrefixTable table;
  Naive naive;
  for (int i = 0; i < 400; ++i) {
    const bool v4 = i % 2 == 0;
    // Cluster prefixes so that many nest inside each other.
    const IpAddress base = v4 ? IpAddress::v4(0xc6330000u | static_cast<std::uint32_t>(rng() & 0x0000ffff))
                              : IpAddress(0x20010db800000000ULL | (rng() & 0xffffffffULL), rng());
    const unsigned len = v4 ? static_cast<unsigned>(8 + rng() % 25) : static_cast<unsigned>(16 + rng() % 113);
    const Prefix p = Prefix::make(base, len);
    const auto value = static_cast<PrefixTable::Value>(1 + rng() % 60000);
    table.insert(p, value);
    // Same length inserted twice: the later one wins in both.
    std::erase_if(naive.entries, [&](const auto& e) { return e.first == p; });
    naive.entries.emplace_back(p, value);
  }
  for (int i = 0; i < 20000; ++i) {
    const bool v4 = i % 2 == 0;
    const IpAddress a = v4 ? IpAddress::v4(0xc6330000u | static_cast<std::uint32_t>(rng() & 0x0000ffff))
                           : IpAddress(0x20010db800000000ULL | (rng() & 0xffffffffULL), rng());
    ASSERT_EQ(table.lookup(a), naive.lookup(a)) << a.to_string();
  }
  // Probe the prefixes' own first and last addresses too.
  for (const auto& [p, value] : naive.entries) {
    EXPECT_EQ(table.lookup(p.network()), naive.lookup(p.network())) << p.to_string();
  }
}

TEST(PrefixTable, AssignOverridesLongerEntries) {
  PrefixTable table;
  table.insert(*Prefix::parse("203.0.113.0/24"), 7);
  table.insert(*Prefix::parse("203.0.113.128/25"), 8);
  table.assign(*Prefix::parse("203.0.0.0/16"), 9);
  EXPECT_EQ(table.lookup(*IpAddress::parse("203.0.113.200")), 9);
  EXPECT_EQ(table.lookup(*IpAddress::parse("203.0.1.1")), 9);
  table.insert(*Prefix::parse("203.0.113.0/24"), 7);  // a later longer prefix wins again
  EXPECT_EQ(table.lookup(*IpAddress::parse("203.0.113.200")), 7);
  EXPECT_EQ(table.lookup(*IpAddress::parse("204.0.0.1")), 0);
  table.insert(*Prefix::parse("::/0"), 3);
  EXPECT_EQ(table.lookup(*IpAddress::parse("2001:db8::1")), 3);
  EXPECT_EQ(table.lookup(*IpAddress::parse("204.0.0.1")), 0);  // IPv4 is its own space
  table.insert(*Prefix::parse("0.0.0.0/0"), 4);
  EXPECT_EQ(table.lookup(*IpAddress::parse("204.0.0.1")), 4);
  table.insert(*Prefix::parse("2001:db8::1/128"), 5);
  EXPECT_EQ(table.lookup(*IpAddress::parse("2001:db8::1")), 5);
  EXPECT_EQ(table.lookup(*IpAddress::parse("2001:db8::2")), 3);
}

TEST(CountryTable, LoadsTheDefaultDatabaseAndKnowsKnownBlocks) {
  auto table = CountryTable::load_mmdb(MAMORI_COUNTRY_DB);
  ASSERT_TRUE(table) << table.error().message << " (scripts/setup.sh installs the database)";
  const auto country = [&](const char* a) { return country_string(table->lookup(*IpAddress::parse(a))); };
  EXPECT_EQ(country("133.1.1.1"), "JP");     // a Japanese university block
  EXPECT_EQ(country("126.0.0.1"), "JP");     // SoftBank subscribers
  EXPECT_EQ(country("2001:200::1"), "JP");   // WIDE; the publisher's other database says AU
  EXPECT_EQ(country("147.32.80.9"), "CZ");   // CTU Prague, where the C2 captures were made
  EXPECT_EQ(country("8.8.8.8"), "US");
  EXPECT_EQ(country("10.0.0.1"), "??");      // private space is in no database
  EXPECT_GT(table->stats().networks, 100000u);
  EXPECT_GT(table->stats().countries, 200u);
}

TEST(CountryTable, AgreesWithLibmaxminddbOnRandomAddresses) {
  // Differential check of the flattened table against libmaxminddb's own tree walk.
  auto table = CountryTable::load_mmdb(MAMORI_COUNTRY_DB);
  ASSERT_TRUE(table);
  MMDB_s db;
  ASSERT_EQ(MMDB_open(MAMORI_COUNTRY_DB, MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
  std::mt19937_64 rng(5);
  std::size_t known = 0;
  for (int i = 0; i < 200000; ++i) {
    const IpAddress a = i % 2 ? IpAddress::v4(static_cast<std::uint32_t>(rng()))
                              : IpAddress(0x2000000000000000ULL | (rng() >> 4), rng());
    const std::string text = a.to_string();
    int gai = 0, err = 0;
    MMDB_lookup_result_s r = MMDB_lookup_string(&db, text.c_str(), &gai, &err);
    ASSERT_EQ(gai, 0);
    ASSERT_EQ(err, MMDB_SUCCESS);
    std::string expected = "??";
    if (r.found_entry) {
      MMDB_entry_data_s data;
      if (MMDB_get_value(&r.entry, &data, "country_code", nullptr) == MMDB_SUCCESS && data.has_data) {
        expected.assign(data.utf8_string, data.data_size);
      }
    }
    ASSERT_EQ(country_string(table->lookup(a)), expected) << text;
    known += expected != "??";
  }
  MMDB_close(&db);
  EXPECT_GT(known, 50000u);
}

}  // namespace
}  // namespace mamori::select

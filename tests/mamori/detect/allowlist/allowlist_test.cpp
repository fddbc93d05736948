#include "mamori/detect/allowlist/allowlist.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mamori::detect {
namespace {

Finding finding(const char* endpoint, std::vector<std::uint16_t> ports) {
  Finding f;
  f.endpoint = *IpAddress::parse(endpoint);
  f.ports = std::move(ports);
  return f;
}

TEST(Allowlist, ParsesAddressesPrefixesPortsAndReasons) {
  auto list = Allowlist::parse(
      "# header comment\n"
      "8.8.8.8/32   53,853  Google Public DNS\n"
      "  192.0.2.0/24 *  partner network, any port\n"
      "2001:db8::1\n"
      "198.51.100.0/24 documented test range\n",
      "allow.txt");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->entries().size(), 4u);
  // Most specific first (hosts of either family, in file order), then the /24s.
  EXPECT_EQ(list->entries()[1].prefix.to_string(), "2001:db8::1/128");
  EXPECT_EQ(list->entries()[2].prefix.to_string(), "192.0.2.0/24");
  const auto& google = list->entries()[0];
  EXPECT_EQ(google.ports, (std::vector<std::uint16_t>{53, 853}));
  EXPECT_EQ(google.reason, "Google Public DNS");
  EXPECT_EQ(google.source, "allow.txt:2");
  const auto& test_range = list->entries()[3];
  EXPECT_TRUE(test_range.ports.empty()) << "a reason that is not a port list";
  EXPECT_EQ(test_range.reason, "documented test range");
}

TEST(Allowlist, MatchesEndpointAndPorts) {
  auto list =
      Allowlist::parse("8.8.8.8/32 53,853 dns\n192.0.2.0/24 * partner\n192.0.2.7/32 443 one service\n", "a");
  ASSERT_TRUE(list);
  EXPECT_GE(list->match(finding("8.8.8.8", {53})), 0);
  EXPECT_GE(list->match(finding("8.8.8.8", {443, 853})), 0) << "any listed port";
  EXPECT_LT(list->match(finding("8.8.8.8", {443})), 0) << "another service on the same address still reports";
  EXPECT_LT(list->match(finding("8.8.8.8", {})), 0);
  EXPECT_LT(list->match(finding("8.8.4.4", {53})), 0);
  EXPECT_GE(list->match(finding("192.0.2.9", {})), 0) << "any port";
  // The /32 entry does not cover port 22, but the /24 any-port entry does.
  const long i = list->match(finding("192.0.2.7", {22}));
  ASSERT_GE(i, 0);
  EXPECT_EQ(list->entries()[static_cast<std::size_t>(i)].reason, "partner");
  const long j = list->match(finding("192.0.2.7", {443}));
  ASSERT_GE(j, 0);
  EXPECT_EQ(list->entries()[static_cast<std::size_t>(j)].reason, "one service");
}

TEST(Allowlist, ErrorsNameTheLine) {
  auto list = Allowlist::parse("8.8.8.8 53\nnot-an-address 53 x\n", "bad.txt");
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().message.find("bad.txt:2"), std::string::npos) << list.error().message;
  list = Allowlist::parse("8.8.8.8 53,99999 x\n", "bad.txt");
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().message.find("bad.txt:1"), std::string::npos) << list.error().message;
  list = Allowlist::parse("8.8.8.8 53, x\n", "bad.txt");
  ASSERT_FALSE(list);
  EXPECT_FALSE(Allowlist::load("/nonexistent/allow.txt"));
}

TEST(Allowlist, CompiledInDefaultIsTheShippedFile) {
  // tests/mamori/detect/allowlist/ -> the repository root
  const auto root =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path().parent_path();
  std::ifstream in(root / "data" / "allowlist-default.txt", std::ios::binary);
  ASSERT_TRUE(in) << "data/allowlist-default.txt is missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), default_allowlist_text())
      << "the build generates the compiled-in list from the data file";
  auto parsed = Allowlist::parse(text.str(), "allowlist-default.txt");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->entries().size(), Allowlist::builtin_default().entries().size());
  const Allowlist def = Allowlist::builtin_default();
  EXPECT_GE(def.entries().size(), 6u);
  for (const char* resolver : {"8.8.8.8", "1.1.1.1", "9.9.9.9", "208.67.222.222", "2001:4860:4860::8888"}) {
    EXPECT_GE(def.match(finding(resolver, {53})), 0) << resolver;
    EXPECT_LT(def.match(finding(resolver, {22})), 0) << resolver;
  }
  for (const auto& e : def.entries()) EXPECT_FALSE(e.reason.empty()) << e.source;
}

}  // namespace
}  // namespace mamori::detect

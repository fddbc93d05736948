#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "mamori/select/selection_policy.hpp"
#include "mamori/select/selector.hpp"

namespace mamori::select {
namespace {

using flow::FlowRecord;

constexpr const char* kPolicy = R"(
[selection_policy]
id = "carrier-a/2026"
version = 3
home_countries = ["JP"]
directions = ["foreign_to_domestic", "domestic_to_foreign"]
fields = ["start_ns", "end_ns", "src_addr", "dst_addr", "src_port", "dst_port", "proto", "packets", "bytes", "tcp_flags"]
pseudonymisation_key_id = "carrier-a-k1"
time_granularity = "1m"
valid_from = "2026-01-01T00:00:00Z"
valid_until = "2027-01-01T00:00:00Z"
retention = "730d"
legal_basis = "Act No. 42 of 2025, art. 22"
domestic_prefixes = ["198.18.0.0/15", "45.0.0.0/8"]
)";

std::string with(const std::string& from, const std::string& to) {
  std::string s = kPolicy;
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(SelectionPolicy, ParsesAValidDocument) {
  auto p = parse_selection_policy(kPolicy);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->id, "carrier-a/2026");
  EXPECT_EQ(p->version, 3u);
  EXPECT_TRUE(p->keep_foreign_to_domestic);
  EXPECT_TRUE(p->keep_domestic_to_foreign);
  EXPECT_FALSE(p->keep_foreign_to_foreign);
  EXPECT_EQ(p->time_granularity, 60 * kNsPerSecond);
  EXPECT_EQ(p->fields.size(), 10u);
  EXPECT_EQ(p->domestic_prefixes.size(), 2u);
  EXPECT_EQ(p->document_hash.size(), 64u);
  EXPECT_TRUE(p->valid_at(*parse_rfc3339("2026-06-01T00:00:00Z")));
  EXPECT_FALSE(p->valid_at(*parse_rfc3339("2027-01-01T00:00:00Z")));
}

TEST(SelectionPolicy, RefusesWhatTheLawDoesNotAllow) {
  const std::pair<std::string, std::string> cases[] = {
      {R"("foreign_to_domestic", "domestic_to_foreign"])", R"("domestic_to_domestic"])"},
      {R"("tcp_flags"])", R"("tcp_flags", "exporter"])"},
      {R"(retention = "730d")", R"(retention = "800d")"},
      {R"(legal_basis = "Act No. 42 of 2025, art. 22")", R"(legal_basis = "")"},
      {R"(valid_until = "2027-01-01T00:00:00Z")", R"(valid_until = "2025-01-01T00:00:00Z")"},
      {R"(version = 3)", R"(version = 3
keep_payload = true)"},
      {R"(home_countries = ["JP"])", R"(home_countries = ["JPN"])"},
      {R"(domestic_prefixes = ["198.18.0.0/15", "45.0.0.0/8"])", R"(domestic_prefixes = ["198.18.0.0/33"])"},
  };
  for (const auto& [from, to] : cases) {
    auto p = parse_selection_policy(with(from, to));
    EXPECT_FALSE(p) << to;
    if (!p) {
      EXPECT_NE(p.error().message.find("policy"), std::string::npos) << p.error().message;
    }
  }
  EXPECT_NE(parse_selection_policy(with(R"("domestic_to_foreign"])", R"("domestic_to_domestic"])"))
                .error()
                .message.find("cannot be enabled"),
            std::string::npos);
}

TEST(SelectionPolicy, HashChangesWithAnyEdit) {
  auto a = parse_selection_policy(kPolicy);
  auto b = parse_selection_policy(with("version = 3", "version = 3 "));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->document_hash, b->document_hash);
}

class SelectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto table = std::make_shared<CountryTable>();
    table->insert(*Prefix::parse("126.0.0.0/8"), make_country('J', 'P'));
    table->insert(*Prefix::parse("2400:4050::/32"), make_country('J', 'P'));
    table->insert(*Prefix::parse("8.0.0.0/8"), make_country('U', 'S'));
    table->insert(*Prefix::parse("45.0.0.0/8"), make_country('D', 'E'));  // overridden by the policy
    table->insert(*Prefix::parse("2a00::/12"), make_country('D', 'E'));
    countries_ = table;
    policy_ = *parse_selection_policy(kPolicy);
    std::array<std::uint8_t, 32> key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 3 + 1);
    selector_ = std::make_unique<Selector>(policy_, countries_, *CryptoPan::create(key));
  }

  static FlowRecord flow(const char* src, const char* dst) {
    FlowRecord f;
    f.src_addr = *IpAddress::parse(src);
    f.dst_addr = *IpAddress::parse(dst);
    f.src_port = 443;
    f.dst_port = 51000;
    f.proto = 6;
    f.packets = 10;
    f.bytes = 5000;
    f.start_ns = *parse_rfc3339("2026-03-01T10:00:42.123Z");
    f.end_ns = f.start_ns + 5 * kNsPerSecond;
    f.exporter = *IpAddress::parse("10.9.9.9");
    f.input_if = 7;
    f.tos = 0x28;
    return f;
  }

  std::shared_ptr<const CountryTable> countries_;
  SelectionPolicy policy_;
  std::unique_ptr<Selector> selector_;
};

TEST_F(SelectorTest, KeepsForeignRelatedFlowsAndPseudonymisesTheDomesticSide) {
  std::vector<FlowRecord> in = {
      flow("8.8.8.8", "126.1.2.3"),            // foreign -> domestic: kept
      flow("126.1.2.3", "8.8.8.8"),            // domestic -> foreign: kept
      flow("126.1.2.3", "126.9.9.9"),          // domestic -> domestic: always dropped
      flow("8.8.8.8", "2a00::1"),              // foreign -> foreign: not in this policy
      flow("10.1.1.1", "126.1.2.3"),           // private is domestic
      flow("45.1.1.1", "8.8.4.4"),             // the policy's domestic prefix wins over the database
      flow("203.0.113.7", "8.8.8.8"),          // documentation space is never foreign
      flow("2a00::5", "2400:4050::1"),         // IPv6 foreign -> domestic
      flow("99.99.99.99", "126.1.1.1"),        // unknown country is domestic, never foreign
  };
  std::vector<FlowRecord> out;
  SelectionCounts counts;
  selector_->select(in, out, counts);
  EXPECT_EQ(counts.in, 9u);
  EXPECT_EQ(counts.kept, 5u);
  EXPECT_EQ(counts.dropped[static_cast<std::size_t>(DropReason::domestic_to_domestic)], 3u);
  EXPECT_EQ(counts.dropped[static_cast<std::size_t>(DropReason::direction_not_allowed)], 1u);
  EXPECT_EQ(counts.kept + counts.dropped_total(), counts.in);
  ASSERT_EQ(out.size(), 5u);
  // Foreign addresses stay in clear, domestic ones never do.
  EXPECT_EQ(out[0].src_addr.to_string(), "8.8.8.8");
  EXPECT_NE(out[0].dst_addr.to_string(), "126.1.2.3");
  EXPECT_EQ(selector_->pseudonymiser().reverse(out[0].dst_addr).to_string(), "126.1.2.3");
  EXPECT_EQ(out[1].dst_addr.to_string(), "8.8.8.8");
  EXPECT_EQ(out[1].src_addr, out[0].dst_addr);  // same subscriber, same pseudonym
  for (const auto& f : out) {
    EXPECT_FALSE(selector_->is_domestic(f.src_addr) && selector_->is_domestic(f.dst_addr) &&
                 f.src_addr.to_string() == "126.1.2.3");
    // Non-whitelisted and non-mechanical fields are gone; times are coarsened to the minute.
    EXPECT_EQ(f.exporter, IpAddress());
    EXPECT_EQ(f.input_if, 0u);
    EXPECT_EQ(f.tos, 0);
    EXPECT_EQ(f.start_ns % (60 * kNsPerSecond), 0u);
    EXPECT_EQ(f.packets, 10u);
  }
  EXPECT_EQ(out[4].src_addr.to_string(), "2a00::5");
  EXPECT_NE(out[4].dst_addr.to_string(), "2400:4050::1");
}

TEST_F(SelectorTest, RefusedBatchesAreCountedAsPolicyNotValid) {
  std::vector<FlowRecord> in = {flow("8.8.8.8", "126.1.2.3"), flow("8.8.8.8", "126.1.2.4")};
  SelectionCounts counts;
  Selector::refuse(in, counts);
  EXPECT_EQ(counts.in, 2u);
  EXPECT_EQ(counts.kept, 0u);
  EXPECT_EQ(counts.dropped[static_cast<std::size_t>(DropReason::policy_not_valid)], 2u);
}

TEST(BatchHasher, DependsOnEveryKeptFieldAndOnOrder) {
  FlowRecord a, b;
  a.src_addr = *IpAddress::parse("8.8.8.8");
  b = a;
  b.bytes = 1;
  BatchHasher h;
  h.add(std::vector<FlowRecord>{a, b});
  const std::string ab = h.finish();
  h.add(std::vector<FlowRecord>{b, a});
  const std::string ba = h.finish();
  h.add(std::vector<FlowRecord>{a, b});
  EXPECT_EQ(h.finish(), ab);
  EXPECT_NE(ab, ba);
  EXPECT_EQ(ab.size(), 64u);
}

}  // namespace
}  // namespace mamori::select

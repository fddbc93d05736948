#include "mamori/core/ip_address.hpp"

#include <gtest/gtest.h>

namespace mamori {
namespace {

TEST(IpAddress, ParsesAndFormatsIpv4) {
  auto a = IpAddress::parse("192.0.2.1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->v4_value(), 0xc0000201u);
  EXPECT_EQ(a->to_string(), "192.0.2.1");
}

TEST(IpAddress, FormatsIpv6PerRfc5952) {
  for (const char* text : {"2001:db8::1", "::", "::1", "fe80::1:2:3:4", "2001:db8:0:1:1:1:1:1", "2001:0:0:1::1",
                           "1::", "2001:db8::1:0:0:1"}) {
    auto a = IpAddress::parse(text);
    ASSERT_TRUE(a) << text;
    EXPECT_FALSE(a->is_v4()) << text;
    EXPECT_EQ(a->to_string(), text);
  }
}

TEST(IpAddress, RejectsGarbage) {
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("300.1.1.1"));
  EXPECT_FALSE(IpAddress::parse("1.2.3"));
  EXPECT_FALSE(IpAddress::parse("2001:::1"));
  EXPECT_EQ(IpAddress::parse("x").error().code, Errc::parse_error);
}

TEST(Prefix, ContainsByFamily) {
  auto p = Prefix::parse("192.0.2.0/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->length(), 24u);
  EXPECT_TRUE(p->contains(*IpAddress::parse("192.0.2.200")));
  EXPECT_FALSE(p->contains(*IpAddress::parse("192.0.3.1")));
  auto any4 = Prefix::parse("0.0.0.0/0");
  EXPECT_TRUE(any4->contains(*IpAddress::parse("8.8.8.8")));
  EXPECT_FALSE(any4->contains(*IpAddress::parse("2001:db8::1")));
  auto v6 = Prefix::parse("2001:db8::/32");
  EXPECT_TRUE(v6->contains(*IpAddress::parse("2001:db8:ffff::1")));
  EXPECT_FALSE(v6->contains(*IpAddress::parse("2001:db9::1")));
  EXPECT_EQ(Prefix::parse("10.1.2.3/8")->to_string(), "10.0.0.0/8");
  EXPECT_FALSE(Prefix::parse("10.0.0.0/33"));
  EXPECT_FALSE(Prefix::parse("10.0.0.0/"));
}

}  // namespace
}  // namespace mamori

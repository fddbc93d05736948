#include "mamori/flow/simulate/attacks/label_file.hpp"

#include <gtest/gtest.h>

namespace mamori::flow::sim::attacks {
namespace {

LabelRow row(std::string attack, const char* endpoint, std::string role, std::vector<std::uint16_t> ports,
             std::uint16_t label) {
  LabelRow r;
  r.attack = std::move(attack);
  r.endpoint = *IpAddress::parse(endpoint);
  r.role = std::move(role);
  r.ports = std::move(ports);
  r.protos = {6};
  r.start = *parse_rfc3339("2025-06-02T11:00:01.250Z");
  r.end = *parse_rfc3339("2025-06-02T11:59:59Z");
  r.label = label;
  r.peers = 3;
  return r;
}

TEST(LabelFile, RoundTripsRows) {
  std::vector<LabelRow> rows = {row("beacon", "46.4.1.2", "c2_server", {443}, 1),
                                row("scan", "2a01:4f8::17", "scanner", {1, 2, 3, 4, 22, 80, 81}, 2),
                                row("benign_ntp", "95.211.3.4", "server", {123}, 3)};
  rows[2].protos = {6, 17};
  const std::string text = format_label_csv(rows);
  EXPECT_EQ(text.substr(0, text.find('\n')), kLabelHeader);
  EXPECT_NE(text.find("scan,2a01:4f8::17,scanner,1-4;22;80;81,6,2025-06-02T11:00:01.250000000Z,"), std::string::npos)
      << text;
  EXPECT_NE(text.find(",6;17,"), std::string::npos);
  auto back = parse_label_csv(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, rows);
  auto header_only = parse_label_csv(std::string(kLabelHeader) + "\r\n");
  ASSERT_TRUE(header_only);
  EXPECT_TRUE(header_only->empty());
}

TEST(LabelFile, PortListsCompressRunsOfThreeOrMore) {
  EXPECT_EQ(format_port_list({}), "");
  EXPECT_EQ(format_port_list({22}), "22");
  EXPECT_EQ(format_port_list({22, 23}), "22;23");
  EXPECT_EQ(format_port_list({22, 23, 24, 80}), "22-24;80");
  EXPECT_EQ(*parse_port_list("80;22-24;23"), (std::vector<std::uint16_t>{22, 23, 24, 80}));
  EXPECT_FALSE(parse_port_list("24-22"));
  EXPECT_FALSE(parse_port_list("70000"));
  EXPECT_FALSE(parse_port_list("22;;23"));
}

TEST(LabelFile, ErrorsNameTheLine) {
  const std::string h = std::string(kLabelHeader) + "\n";
  auto bad = [](const std::string& text) {
    auto r = parse_label_csv(text);
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message;
  };
  EXPECT_EQ(bad(""), "empty labels file (expected the header '" + std::string(kLabelHeader) + "')");
  EXPECT_NE(bad("attack,endpoint\n").find("line 1"), std::string::npos);
  const std::string good = "scan,1.2.3.4,scanner,22,6,2025-06-02T11:00:00Z,2025-06-02T11:00:01Z,2,10\n";
  EXPECT_TRUE(parse_label_csv(h + good));
  EXPECT_NE(bad(h + good + "scan,1.2.3,scanner,22,6,2025-06-02T11:00:00Z,2025-06-02T11:00:01Z,2,10\n").find("line 3: bad endpoint"),
            std::string::npos);
  EXPECT_NE(bad(h + "scan,1.2.3.4,scanner,22,6,yesterday,2025-06-02T11:00:01Z,2,10\n").find("line 2: start"),
            std::string::npos);
  EXPECT_NE(bad(h + "scan,1.2.3.4,scanner,22,6,2025-06-02T11:00:00Z,2025-06-02T11:00:01Z,0,10\n").find("line 2: bad label"),
            std::string::npos);
  EXPECT_NE(bad(h + "scan,1.2.3.4,scanner\n").find("line 2: 3 columns"), std::string::npos);
  EXPECT_NE(bad(h + "sc an,1.2.3.4,scanner,22,6,2025-06-02T11:00:00Z,2025-06-02T11:00:01Z,2,10\n").find("bad attack"),
            std::string::npos);
}

}  // namespace
}  // namespace mamori::flow::sim::attacks

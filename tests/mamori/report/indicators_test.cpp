#include "mamori/report/indicators.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "mamori/report/domain_name.hpp"
#include "mamori/report/refang.hpp"
#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

// "type:value" for every indicator, in order of appearance.
std::vector<std::string> summary(const std::vector<Indicator>& found) {
  std::vector<std::string> out;
  for (const auto& i : found) out.push_back(std::string(indicator_type_name(i.type)) + ":" + i.value);
  return out;
}

std::vector<std::string> extract(std::string_view text, ExtractOptions options = {}) {
  return summary(extract_indicators(text, "text", options));
}

const Indicator* find(const std::vector<Indicator>& found, IndicatorType type, std::string_view value) {
  for (const auto& i : found)
    if (i.type == type && i.value == value) return &i;
  return nullptr;
}

TEST(Refang, RewritesDefangedFormsAndKeepsOrigins) {
  const RefangedText r = refang("hxxps[:]//evil[.]example and 1.2.3[.]4 and a[at]b(dot)jp");
  EXPECT_EQ(r.text, "https://evil.example and 1.2.3.4 and a@b.jp");
  ASSERT_EQ(r.origin.size(), r.text.size() + 1);
  ASSERT_EQ(r.rewritten.size(), r.text.size());
  // "evil" starts at input offset 10 ("hxxps[:]//" is 10 bytes).
  const auto e = r.text.find("evil");
  EXPECT_EQ(r.origin[e], 10u);
  EXPECT_FALSE(r.rewritten[e]);
  EXPECT_TRUE(r.rewritten[e + 4]);  // the dot came from "[.]"
  EXPECT_EQ(r.origin.back(), 56u);  // the input's length
  // Words that merely contain defang patterns are left alone.
  EXPECT_EQ(refang("the meow hxxpected fxp file").text, "the meow hxxpected fxp file");
  EXPECT_EQ(refang("hXXp://x[.]y").text, "http://x.y");
  EXPECT_EQ(refang("evil\\.example").text, "evil.example");
}

TEST(Indicators, DefangedAddressesAndUrls) {
  const auto found = extract_indicators("C2: hxxp://203.0.113[.]45:8080/gate.php and 198.51.100[.]7", "description");
  EXPECT_EQ(summary(found), (std::vector<std::string>{"url:http://203.0.113.45:8080/gate.php", "ipv4:203.0.113.45",
                                                       "ipv4:198.51.100.7"}));
  for (const auto& i : found) EXPECT_TRUE(i.defanged) << i.value;
  // Sources point at the text as the reporter wrote it.
  const Indicator* ip = find(found, IndicatorType::ipv4, "198.51.100.7");
  ASSERT_NE(ip, nullptr);
  ASSERT_EQ(ip->sources.size(), 1u);
  EXPECT_EQ(ip->sources[0].field, "description");
  EXPECT_EQ(ip->sources[0].offset, 44u);
  EXPECT_EQ(ip->sources[0].length, 14u);  // "198.51.100[.]7"
}

TEST(Indicators, UrlsAreNormalised) {
  EXPECT_EQ(extract("see HTTPS://Evil.EXAMPLE:443/Path?q=1#frag."),
            (std::vector<std::string>{"url:https://evil.example/Path?q=1", "domain:evil.example"}));
  EXPECT_EQ(extract("(http://evil.example)"), (std::vector<std::string>{"url:http://evil.example/", "domain:evil.example"}));
  EXPECT_EQ(extract("http://[2001:DB8::1]:8443/x"),
            (std::vector<std::string>{"url:http://[2001:db8::1]:8443/x", "ipv6:2001:db8::1"}));
  EXPECT_EQ(extract("ftp://files.example:21/a"), (std::vector<std::string>{"url:ftp://files.example/a", "domain:files.example"}));
  // Balanced parentheses belong to the URL (wiki-style paths).
  EXPECT_EQ(extract("http://w.example/A_(b)")[0], "url:http://w.example/A_(b)");
  // Dropping the fragment must not leave sentence punctuation behind (found by fuzzing).
  EXPECT_EQ(extract("hxxps://evil-c2[.]example/gate.php?id.#top")[0], "url:https://evil-c2.example/gate.php?id");
  // Not URLs: unknown scheme, bad port, no host.
  EXPECT_EQ(extract("gopher://x.example/ and http://x.example:99999/ and http:///nohost"),
            (std::vector<std::string>{"domain:x.example"}));
  // Internal hosts are the victim's, not the attacker's.
  EXPECT_TRUE(extract("http://192.168.1.1/admin").empty());
}

TEST(Indicators, AddressesAndPrefixes) {
  EXPECT_EQ(extract("from 203.0.113.9, 2001:DB8:0:0::53 and 2001:db8::/32; net 198.51.100.77/24"),
            (std::vector<std::string>{"ipv4:203.0.113.9", "ipv6:2001:db8::53", "cidr:2001:db8::/32", "cidr:198.51.100.0/24"}));
  EXPECT_EQ(extract("see evil.example/203.0.113.0/24/x"),
            (std::vector<std::string>{"domain:evil.example", "cidr:203.0.113.0/24"}));
  EXPECT_EQ(extract("1.2.3.4/32 and 1.2.3.4:443 and ip:5.6.7.8"),
            (std::vector<std::string>{"ipv4:1.2.3.4", "ipv4:5.6.7.8"}));
  // Not addresses: versions, times, MAC addresses, octets out of range, leading zeros.
  EXPECT_TRUE(extract("version 10.0.19041.1 at 12:30:45 on 00:1a:2b:3c:4d:5e; 256.1.1.1; 01.2.3.4").empty());
  // std::string is not an IPv6 address.
  EXPECT_TRUE(extract("std::string and a::b::c").empty());
}

TEST(Indicators, InternalAddressesAreDroppedUnlessAskedFor) {
  const std::string_view text = "10.1.2.3 172.16.0.1 192.168.0.0/16 127.0.0.1 169.254.1.1 fe80::1 fd00::1 ::1 "
                                "224.0.0.1 100.64.0.1 0.0.0.0";
  EXPECT_TRUE(extract(text).empty());
  ExtractOptions keep;
  keep.keep_internal_addresses = true;
  EXPECT_EQ(extract(text, keep).size(), 11u);
}

TEST(Indicators, DomainsAreLowercasedAndFileNamesAreNot) {
  EXPECT_EQ(extract("beacons to Update.Microsoft-CDN.example and cdn.evil.example."),
            (std::vector<std::string>{"domain:update.microsoft-cdn.example", "domain:cdn.evil.example"}));
  // File names, versions, abbreviations.
  EXPECT_TRUE(extract("invoice.pdf svchost.exe payload.ps1 README.md archive.zip v2.0 e.g. i.e. Node.js").empty());
  // A defanged dot says "host", even with a file-like top-level domain.
  EXPECT_EQ(extract("download from evil[.]zip"), (std::vector<std::string>{"domain:evil.zip"}));
  // So does a URL.
  EXPECT_EQ(extract("http://update.mov/x"), (std::vector<std::string>{"url:http://update.mov/x", "domain:update.mov"}));
  // Underscores and labels ending in a hyphen are not host names.
  EXPECT_TRUE(extract("some_file.example -bad-.example").empty());
}

TEST(Indicators, InternationalisedDomainsInWholeValues) {
  IndicatorSet set;
  set.add_value("ddos.targets[0]", "Bücher.example");
  set.add_value("ddos.targets[1]", "例え。ＪＰ");  // ideographic full stop, full-width letters
  set.add_value("ddos.targets[2]", "xn--bcher-kva.example");
  EXPECT_EQ(summary(set.indicators()),
            (std::vector<std::string>{"domain:xn--bcher-kva.example", "domain:xn--r8jz45g.jp"}));
  EXPECT_EQ(set.indicators()[0].sources.size(), 2u);  // the U-label and A-label forms are one indicator
  auto bad = normalise_domain("xn--zz-invalid.example");
  EXPECT_FALSE(bad);
  // UTS #46 mapping must not quietly drop ASCII punctuation (found by fuzzing).
  EXPECT_FALSE(normalise_domain("0X{\"i.ncidee\":\"ramsomwar\xcb\xa4.jp\"}"));
  EXPECT_FALSE(normalise_domain("b\xc3\xbc" "cher_x.example"));
}

TEST(Indicators, NormaliseDomain) {
  EXPECT_EQ(*normalise_domain("EXAMPLE.co.jp."), "example.co.jp");
  EXPECT_FALSE(normalise_domain("localhost"));
  EXPECT_FALSE(normalise_domain("a..example"));
  EXPECT_FALSE(normalise_domain("-a.example"));
  EXPECT_FALSE(normalise_domain("example.123"));
  EXPECT_FALSE(normalise_domain(std::string(64, 'a') + ".example"));
  EXPECT_FALSE(normalise_domain(std::string(300, 'a')));
  EXPECT_TRUE(has_file_extension_suffix("Invoice.PDF"));
  EXPECT_FALSE(has_file_extension_suffix("example.com"));
  EXPECT_FALSE(has_file_extension_suffix("example."));
}

TEST(Indicators, EmailAddresses) {
  EXPECT_EQ(extract("contact the actor at LockBitSupp@OnionMail.org or support[at]evil-mail[dot]example"),
            (std::vector<std::string>{"email:lockbitsupp@onionmail.org", "email:support@evil-mail.example"}));
  EXPECT_TRUE(extract("@handle and a@b and x@localhost").empty());
}

TEST(Indicators, HashesByLength) {
  EXPECT_EQ(extract("md5 D41D8CD98F00B204E9800998ECF8427E sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 "
                    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (std::vector<std::string>{"md5:d41d8cd98f00b204e9800998ecf8427e", "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709",
                                      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}));
  // 33 or 63 hex digits are not hashes; a GUID is not either.
  EXPECT_TRUE(extract("d41d8cd98f00b204e9800998ecf8427ef 550e8400-e29b-41d4-a716-446655440000").empty());
}

TEST(Indicators, WalletAddressesWithChecksums) {
  EXPECT_EQ(extract("Pay 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq or "
                    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or "
                    "4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPW."),
            (std::vector<std::string>{
                "ethereum_address:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
                "bitcoin_address:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                "bitcoin_address:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                "monero_address:4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPW"}));
  // Typos (broken checksums) are not indicators: they would never correlate.
  EXPECT_TRUE(extract("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb "
                      "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr")
                  .empty());
}

TEST(Indicators, JapaneseTextAroundIndicators) {
  EXPECT_EQ(extract("攻撃元は203.0.113.5で、通信先はevil.example（C2）でした。"),
            (std::vector<std::string>{"ipv4:203.0.113.5", "domain:evil.example"}));
}

TEST(Indicators, DeduplicatedWithEverySource) {
  IndicatorSet set;
  set.add_text("description", "C2 203.0.113.45, again 203.0.113.45");
  set.add_value("iocs[0]", "203.0.113[.]45");
  ASSERT_EQ(set.indicators().size(), 1u);
  const Indicator& i = set.indicators()[0];
  EXPECT_TRUE(i.defanged);
  ASSERT_EQ(i.sources.size(), 3u);
  EXPECT_EQ(i.sources[0], (IndicatorSource{"description", 3, 12}));
  EXPECT_EQ(i.sources[1], (IndicatorSource{"description", 23, 12}));
  EXPECT_EQ(i.sources[2], (IndicatorSource{"iocs[0]", 0, 14}));
}

TEST(Indicators, JsonOutput) {
  const auto found = extract_indicators("x 1.2.3[.]4", "iocs[0]");
  EXPECT_EQ(indicators_to_json(found),
            R"([{"type":"ipv4","value":"1.2.3.4","defanged":true,"sources":[{"field":"iocs[0]","offset":2,"length":9}]}])");
}

TEST(Indicators, BoundedOnHostileInput) {
  const auto start = std::chrono::steady_clock::now();
  // One huge token, a long run of dots and colons, many candidate addresses.
  std::string hostile(300'000, 'a');
  hostile += ' ';
  hostile += std::string(200'000, '.');
  hostile += ' ';
  hostile += std::string(200'000, ':');
  hostile += ' ';
  for (int i = 0; i < 20000; ++i) hostile += "http://[" + std::string(40, ':') + "] ";
  (void)extract_indicators(hostile);
  // Many distinct indicators stop at the cap and say so.
  std::string many;
  for (int i = 0; i < 300; ++i) many += "203.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + " ";
  ExtractOptions capped;
  capped.max_indicators = 100;
  IndicatorSet set(capped);
  set.add_text("t", many);
  EXPECT_EQ(set.indicators().size(), 100u);
  EXPECT_TRUE(set.truncated());
  // Fields beyond max_field_bytes are cut.
  ExtractOptions small;
  small.max_field_bytes = 10;
  IndicatorSet cut(small);
  cut.add_text("t", "1.2.3.4 and then 5.6.7.8");
  EXPECT_EQ(summary(cut.indicators()), (std::vector<std::string>{"ipv4:1.2.3.4"}));
  EXPECT_TRUE(cut.truncated());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 20);
}

TEST(Indicators, FromALockbitReport) {
  Report r = submit(lockbit_follow_up("rpt-lb-1"), context("rpt-lb-2", "org-kansai-grid", at("2025-03-01T06:00:00Z")));
  const IndicatorSet set = report_indicators(r);
  const auto& found = set.indicators();
  for (const auto& [type, value] : std::vector<std::pair<IndicatorType, std::string>>{
           {IndicatorType::ipv4, "203.0.113.45"},
           {IndicatorType::url, "https://lockbit-decryptor.example/chat"},
           {IndicatorType::domain, "lockbit-decryptor.example"},
           {IndicatorType::ipv4, "198.51.100.23"},
           {IndicatorType::url, "http://lockbitapt6vx57t3eeqjofwgcglmutr3a35nygvokja5uuccip4ykyd.onion/"},
           {IndicatorType::domain, "lockbitapt6vx57t3eeqjofwgcglmutr3a35nygvokja5uuccip4ykyd.onion"},
           {IndicatorType::bitcoin_address, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
           {IndicatorType::monero_address,
            "4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPW"},
           {IndicatorType::md5, "d41d8cd98f00b204e9800998ecf8427e"},
           {IndicatorType::ipv4, "185.220.101.12"},
           {IndicatorType::url, "http://files-upload.example/drop?id=42"},
           {IndicatorType::sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
       })
    EXPECT_NE(find(found, type, value), nullptr) << indicator_type_name(type) << ":" << value;
  // The wallet appears in the ransom note and the wallet list: one indicator, two sources.
  const Indicator* btc = find(found, IndicatorType::bitcoin_address, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");
  ASSERT_NE(btc, nullptr);
  ASSERT_EQ(btc->sources.size(), 2u);
  EXPECT_EQ(btc->sources[0].field, "ransomware.ransom_note");
  EXPECT_EQ(btc->sources[1].field, "ransomware.wallet_addresses[0]");
  // No file names (LB3.exe) and nothing from the contact.
  for (const auto& i : found) {
    EXPECT_NE(i.value, "lb3.exe");
    for (const auto& s : i.sources) EXPECT_NE(s.field, "contact");
  }
}

TEST(Indicators, RansomwareExtensionIsNotADomain) {
  Report r = submit(R"({"stage":"follow_up","incident":"rpt-0","sequence":1,
                        "description":"files like budget.xlsx.lockbit and q3.docx.lockbit everywhere",
                        "ransomware":{"encrypted_extension":".lockbit"}})",
                    context("rpt-1", "org-a", at("2025-03-01T06:00:00Z")));
  EXPECT_TRUE(report_indicators(r).indicators().empty());
  // Without the form, the same text yields the (wrong) domains.
  EXPECT_FALSE(extract("files like budget.xlsx.lockbit").empty());
}

}  // namespace
}  // namespace mamori::report

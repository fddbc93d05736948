#include "mamori/report/receipt.hpp"

#include <gtest/gtest.h>

#include <array>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/note.hpp"
#include "report_test_support.hpp"

namespace mamori::report {
namespace {

using namespace testing;

crypto::SigningKey hub_key(std::uint8_t fill = 7) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  auto k = crypto::SigningKey::from_seed("hub.mamori.example", crypto::KeyRole::hub, seed);
  EXPECT_TRUE(k);
  return std::move(*k);
}

Receipt sample() {
  return Receipt{"rpt-2", "rpt-1", "jp.meti", at("2025-03-01T09:00:00.5Z"), crypto::sha256(std::string_view("document")),
                 crypto::sha256(std::string_view("view"))};
}

TEST(Receipt, TextLayout) {
  auto text = receipt_text(sample());
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text,
            "mamori.report.receipt/v1\n"
            "report rpt-2\n"
            "incident rpt-1\n"
            "recipient jp.meti\n"
            "time 2025-03-01T09:00:00.500000000Z\n"
            "document sha256:" + crypto::hex_encode(crypto::sha256(std::string_view("document"))) + "\n"
            "view sha256:" + crypto::hex_encode(crypto::sha256(std::string_view("view"))) + "\n");
  auto back = parse_receipt_text(*text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, sample());
}

TEST(Receipt, SignedReceiptVerifies) {
  const auto key = hub_key();
  auto note = sign_receipt(sample(), key);
  ASSERT_TRUE(note) << note.error().message;
  EXPECT_NE(note->find("\n\n\xe2\x80\x94 hub.mamori.example "), std::string::npos);  // a C2SP signature line
  auto r = verify_receipt(*note, key.verifier());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, sample());
  auto bound = verify_receipt_for(*note, key.verifier(), "jp.meti", "document", "view");
  EXPECT_TRUE(bound) << bound.error().message;
}

TEST(Receipt, TamperedReceiptsDoNotVerify) {
  const auto key = hub_key();
  const std::string note = *sign_receipt(sample(), key);
  // Another recipient, another time, another hash: each edit breaks the signature.
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"recipient jp.meti", "recipient jp.npa"},
           {"time 2025-03-01T09", "time 2025-03-02T09"},
           {"report rpt-2", "report rpt-3"},
       }) {
    std::string forged = note;
    forged.replace(forged.find(from), from.size(), to);
    auto r = verify_receipt(forged, key.verifier());
    ASSERT_FALSE(r) << from;
    EXPECT_EQ(r.error().code, Errc::corrupt);
  }
  std::string flipped = note;
  flipped[flipped.find("document sha256:") + 20] ^= 1;
  EXPECT_FALSE(verify_receipt(flipped, key.verifier()));
  // A corrupted signature, a different hub key, no signature at all.
  std::string badsig = note;
  badsig[badsig.size() - 5] = badsig[badsig.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_receipt(badsig, key.verifier()));
  EXPECT_FALSE(verify_receipt(note, hub_key(9).verifier()));
  EXPECT_FALSE(verify_receipt(*receipt_text(sample()), key.verifier()));
}

TEST(Receipt, BindsRecipientDocumentAndView) {
  const auto key = hub_key();
  const std::string note = *sign_receipt(sample(), key);
  auto r = verify_receipt_for(note, key.verifier(), "jp.npa", "document", "view");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("issued to 'jp.meti', not 'jp.npa'"), std::string::npos);
  r = verify_receipt_for(note, key.verifier(), "jp.meti", "document!", "view");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("the document is not the one receipted"), std::string::npos);
  r = verify_receipt_for(note, key.verifier(), "jp.meti", "document", "view!");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("view is not the one receipted"), std::string::npos);
}

TEST(Receipt, OnlyCanonicalTextsParse) {
  const std::string text = *receipt_text(sample());
  auto upper = text;
  const auto pos = upper.find("document sha256:") + 16;
  for (std::size_t i = pos; i < pos + 64; ++i)
    if (upper[i] >= 'a' && upper[i] <= 'f') upper[i] = static_cast<char>(upper[i] - 'a' + 'A');
  EXPECT_FALSE(parse_receipt_text(upper));
  EXPECT_FALSE(parse_receipt_text(text + "extra line\n"));
  EXPECT_FALSE(parse_receipt_text(text.substr(0, text.size() - 1)));
  auto offset_time = text;
  offset_time.replace(offset_time.find("09:00:00.500000000Z"), 19, "18:00:00.500000000+09:00");
  EXPECT_FALSE(parse_receipt_text(offset_time));  // same instant, not the canonical text
  auto bad = sample();
  bad.recipient = "jp meti";
  EXPECT_FALSE(receipt_text(bad));
  bad = sample();
  bad.report_id = "";
  EXPECT_FALSE(receipt_text(bad));
}

}  // namespace
}  // namespace mamori::report

#include "mamori/report/wallet.hpp"

#include <gtest/gtest.h>

#include "mamori/crypto/encoding.hpp"

namespace mamori::report {
namespace {

std::string keccak_hex(std::string_view s) {
  const auto h = detail::keccak256(s);
  return crypto::hex_encode(crypto::ByteView(h.data(), h.size()));
}

TEST(Keccak256, KnownVectors) {
  // Ethereum's Keccak-256 (not FIPS 202 SHA3-256, whose empty digest is a7ffc6f8...).
  EXPECT_EQ(keccak_hex(""), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(keccak_hex("abc"), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  // Exactly one rate block (136 bytes) and one byte more exercise the padding edge.
  const std::string block(136, 'a');
  EXPECT_NE(keccak_hex(block), keccak_hex(block + "a"));
  EXPECT_EQ(keccak_hex(block).size(), 64u);
}

TEST(WalletAddress, BitcoinBase58Check) {
  auto genesis = parse_wallet_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  ASSERT_TRUE(genesis) << genesis.error().message;
  EXPECT_EQ(genesis->kind, WalletKind::bitcoin);
  EXPECT_FALSE(genesis->testnet);
  EXPECT_EQ(genesis->address, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  EXPECT_TRUE(parse_wallet_address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
  auto testnet = parse_wallet_address("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn");
  ASSERT_TRUE(testnet) << testnet.error().message;
  EXPECT_TRUE(testnet->testnet);

  auto bad = parse_wallet_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("checksum"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(parse_wallet_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a"));  // '0' is not base58
  EXPECT_FALSE(parse_wallet_address("1A1zP1eP5QGefi2"));
}

TEST(WalletAddress, SegwitBech32AndBech32m) {
  // BIP 173 / BIP 350 test vectors.
  auto v0 = parse_wallet_address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4");
  ASSERT_TRUE(v0) << v0.error().message;
  EXPECT_EQ(v0->address, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");  // normalised to lowercase
  auto tb = parse_wallet_address("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7");
  ASSERT_TRUE(tb) << tb.error().message;
  EXPECT_TRUE(tb->testnet);
  auto taproot = parse_wallet_address("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y");
  ASSERT_TRUE(taproot) << taproot.error().message;
  EXPECT_TRUE(parse_wallet_address("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"));
  EXPECT_TRUE(parse_wallet_address("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"));

  // v1 with a BIP 173 (bech32) checksum is invalid since BIP 350.
  auto old_v1 = parse_wallet_address("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx");
  ASSERT_FALSE(old_v1);
  EXPECT_NE(old_v1.error().message.find("bech32m"), std::string::npos);
  EXPECT_FALSE(parse_wallet_address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));  // checksum
  EXPECT_FALSE(parse_wallet_address("bC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));  // mixed case
  EXPECT_FALSE(parse_wallet_address("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty"));  // unknown prefix
  EXPECT_FALSE(parse_wallet_address("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P"));        // v0 program of 16 bytes
  EXPECT_FALSE(parse_wallet_address("bc1gmk9yu"));                                  // empty program
  EXPECT_FALSE(parse_wallet_address("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr"));
}

TEST(WalletAddress, EthereumEip55) {
  // The EIP-55 examples: mixed case carries a checksum.
  for (const char* a : {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    auto w = parse_wallet_address(a);
    ASSERT_TRUE(w) << a << ": " << w.error().message;
    EXPECT_EQ(w->kind, WalletKind::ethereum);
  }
  auto w = parse_wallet_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  EXPECT_EQ(w->address, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  // All lower or all upper: no checksum to check.
  EXPECT_TRUE(parse_wallet_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
  EXPECT_TRUE(parse_wallet_address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"));
  // One letter's case flipped breaks the checksum.
  auto bad = parse_wallet_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("EIP-55"), std::string::npos);
  EXPECT_FALSE(parse_wallet_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae"));   // 39 digits
  EXPECT_FALSE(parse_wallet_address("0xZZaeb6053f3e94c9b9a09f33669435e7ef1beaed"));  // not hex
}

TEST(WalletAddress, Monero) {
  for (const char* a : {"4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPW",
                        "46tM15KsogEW5MiVmBn7waPF8u8ZsB6aHjJk7BAv1wvMKfWhQ2h2so5BCJ9cRakfPt5BFo452oy3K8UK6L2u2v7aJ3Nf7P2",
                        "86iQTnEqQ9mXJFvBvbY3KU5do5Jh2NCkpTcZsw3TMZ6oKNJhELvAreZFQ1p8EknRRTKPp2vg9fJvy47Q4ARVChjLMuUAFQJ",
                        "4LL9oSLmtpccfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2bYXZKKQePHES9khPK"}) {
    auto w = parse_wallet_address(a);
    ASSERT_TRUE(w) << a << ": " << w.error().message;
    EXPECT_EQ(w->kind, WalletKind::monero);
    EXPECT_EQ(w->address, a);
  }
  // One character changed: checksum. Wrong network prefix. Truncated.
  EXPECT_FALSE(parse_wallet_address("4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqPX"));
  EXPECT_FALSE(parse_wallet_address("76iQTnEqQ9mXJFvBvbY3KU5do5Jh2NCkpTcZsw3TMZ6oKNJhELvAreZFQ1p8EknRRTKPp2vg9fJvy47Q4ARVChjLMuUAFQJ"));
  EXPECT_FALSE(parse_wallet_address("4BJHitCigGy6giuYsJFP26KGkTKiQDJ6HJP1pan2ir2CCV8Twc2WWmo4fu1NVXt8XLGYAkjo5cJ3yH68Lfz9ZXEUJ9MeqP"));
  EXPECT_FALSE(parse_wallet_address("4zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"));
}

TEST(WalletAddress, NotAWallet) {
  EXPECT_FALSE(parse_wallet_address(""));
  EXPECT_FALSE(parse_wallet_address("hello"));
  EXPECT_FALSE(parse_wallet_address(std::string(500, '1')));
  auto e = parse_wallet_address("LTC-address-here");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("not a Bitcoin"), std::string::npos);
}

}  // namespace
}  // namespace mamori::report

#include "mamori/report/wallet.hpp"

#include <cstring>
#include <vector>

#include "mamori/crypto/sha256.hpp"

namespace mamori::report {

std::string_view wallet_kind_name(WalletKind kind) noexcept {
  switch (kind) {
    case WalletKind::bitcoin: return "bitcoin";
    case WalletKind::ethereum: return "ethereum";
    case WalletKind::monero: return "monero";
  }
  return "?";
}

namespace detail {

namespace {

constexpr std::uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
constexpr unsigned kRotation[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
constexpr unsigned kPi[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

inline std::uint64_t rotl(std::uint64_t x, unsigned n) noexcept { return (x << n) | (x >> (64 - n)); }

void keccak_f1600(std::uint64_t s[25]) noexcept {
  for (int round = 0; round < 24; ++round) {
    std::uint64_t c[5];
    for (int x = 0; x < 5; ++x) c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
    for (int x = 0; x < 5; ++x) {
      const std::uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) s[y + x] ^= d;
    }
    std::uint64_t t = s[1];
    for (int i = 0; i < 24; ++i) {
      const unsigned j = kPi[i];
      const std::uint64_t tmp = s[j];
      s[j] = rotl(t, kRotation[i]);
      t = tmp;
    }
    for (int y = 0; y < 25; y += 5) {
      std::uint64_t row[5];
      for (int x = 0; x < 5; ++x) row[x] = s[y + x];
      for (int x = 0; x < 5; ++x) s[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
    }
    s[0] ^= kRoundConstants[round];
  }
}

}  // namespace

std::array<std::uint8_t, 32> keccak256(std::string_view data) noexcept {
  constexpr std::size_t kRate = 136;  // 1600 - 2 * 256 bits
  std::uint64_t s[25] = {};
  auto absorb = [&](const std::uint8_t* block) {
    for (std::size_t i = 0; i < kRate / 8; ++i) {
      std::uint64_t lane = 0;
      for (int b = 7; b >= 0; --b) lane = (lane << 8) | block[i * 8 + static_cast<std::size_t>(b)];
      s[i] ^= lane;
    }
    keccak_f1600(s);
  };
  const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t n = data.size();
  while (n >= kRate) {
    absorb(p);
    p += kRate;
    n -= kRate;
  }
  std::uint8_t last[kRate] = {};
  if (n > 0) std::memcpy(last, p, n);
  last[n] ^= 0x01;  // Keccak padding (SHA-3 would use 0x06)
  last[kRate - 1] ^= 0x80;
  absorb(last);
  std::array<std::uint8_t, 32> out{};
  for (std::size_t i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(s[i / 8] >> (8 * (i % 8)));
  return out;
}

}  // namespace detail

namespace {

constexpr std::string_view kBase58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int base58_value(char c) noexcept {
  auto pos = kBase58Alphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Bitcoin base58: the whole string is one big number. Inputs are at most 35
// characters here, so the quadratic conversion is bounded.
bool base58_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  out.clear();
  std::size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == '1') ++zeros;
  std::vector<std::uint8_t> num;  // big-endian
  for (char c : text) {
    int v = base58_value(c);
    if (v < 0) return false;
    unsigned carry = static_cast<unsigned>(v);
    for (auto it = num.rbegin(); it != num.rend(); ++it) {
      carry += 58u * *it;
      *it = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      num.insert(num.begin(), static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  out.assign(zeros, 0);
  out.insert(out.end(), num.begin(), num.end());
  return true;
}

Result<WalletAddress> parse_bitcoin_base58(std::string_view text) {
  if (text.size() < 26 || text.size() > 35) return fail(Errc::invalid_argument, "bitcoin address: bad length {}", text.size());
  std::vector<std::uint8_t> raw;
  if (!base58_decode(text, raw)) return fail(Errc::invalid_argument, "bitcoin address: character outside base58");
  if (raw.size() != 25) return fail(Errc::invalid_argument, "bitcoin address: decodes to {} bytes, not 25", raw.size());
  const auto first = crypto::sha256(crypto::ByteView(raw.data(), 21));
  const auto second = crypto::sha256(crypto::ByteView(first.data(), first.size()));
  if (std::memcmp(second.data(), raw.data() + 21, 4) != 0)
    return fail(Errc::invalid_argument, "bitcoin address: base58check checksum mismatch");
  WalletAddress w;
  w.kind = WalletKind::bitcoin;
  switch (raw[0]) {
    case 0x00:
    case 0x05: break;
    case 0x6f:
    case 0xc4: w.testnet = true; break;
    default: return fail(Errc::invalid_argument, "bitcoin address: unknown version byte 0x{:02x}", raw[0]);
  }
  w.address = std::string(text);
  return w;
}

// BIP 173 / BIP 350.
constexpr std::string_view kBech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kBech32Const = 1;
constexpr std::uint32_t kBech32mConst = 0x2bc830a3;

std::uint32_t bech32_polymod(const std::vector<std::uint8_t>& values) noexcept {
  static constexpr std::uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (auto v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= kGen[i];
  }
  return chk;
}

Result<WalletAddress> parse_segwit(std::string_view text) {
  if (text.size() > 90) return fail(Errc::invalid_argument, "segwit address: longer than 90 characters");
  bool lower = false, upper = false;
  std::string s(text);
  for (char& c : s) {
    if (c < 33 || c > 126) return fail(Errc::invalid_argument, "segwit address: invalid character");
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') {
      upper = true;
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  if (lower && upper) return fail(Errc::invalid_argument, "segwit address: mixed case");
  const auto sep = s.rfind('1');
  if (sep == std::string::npos || sep == 0 || sep + 7 > s.size())
    return fail(Errc::invalid_argument, "segwit address: no separator or checksum too short");
  const std::string hrp = s.substr(0, sep);
  if (hrp != "bc" && hrp != "tb") return fail(Errc::invalid_argument, "segwit address: unknown prefix '{}'", hrp);
  std::vector<std::uint8_t> values;
  for (char c : hrp) values.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
  values.push_back(0);
  for (char c : hrp) values.push_back(static_cast<std::uint8_t>(c & 31));
  std::vector<std::uint8_t> data;
  for (std::size_t i = sep + 1; i < s.size(); ++i) {
    auto pos = kBech32Charset.find(s[i]);
    if (pos == std::string_view::npos) return fail(Errc::invalid_argument, "segwit address: invalid bech32 character");
    data.push_back(static_cast<std::uint8_t>(pos));
  }
  values.insert(values.end(), data.begin(), data.end());
  const std::uint32_t check = bech32_polymod(values);
  if (data.size() < 7) return fail(Errc::invalid_argument, "segwit address: no witness program");
  const unsigned version = data[0];
  if (version > 16) return fail(Errc::invalid_argument, "segwit address: witness version {} above 16", version);
  // BIP 350: version 0 uses bech32, versions 1..16 bech32m.
  const std::uint32_t want = version == 0 ? kBech32Const : kBech32mConst;
  if (check != want) {
    return fail(Errc::invalid_argument, "segwit address: {} checksum mismatch", version == 0 ? "bech32" : "bech32m");
  }
  // Convert the program (between version and checksum) from 5-bit to 8-bit groups.
  std::vector<std::uint8_t> program;
  unsigned acc = 0, bits = 0;
  for (std::size_t i = 1; i + 6 < data.size(); ++i) {
    acc = (acc << 5) | data[i];
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      program.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 5 || ((acc << (8 - bits)) & 0xff) != 0)
    return fail(Errc::invalid_argument, "segwit address: invalid padding in the witness program");
  if (program.size() < 2 || program.size() > 40)
    return fail(Errc::invalid_argument, "segwit address: witness program of {} bytes", program.size());
  if (version == 0 && program.size() != 20 && program.size() != 32)
    return fail(Errc::invalid_argument, "segwit address: version 0 program must be 20 or 32 bytes, not {}",
                program.size());
  WalletAddress w;
  w.kind = WalletKind::bitcoin;
  w.testnet = hrp == "tb";
  w.address = std::move(s);  // lowercase: the normal form
  return w;
}

int hex_nibble(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<WalletAddress> parse_ethereum(std::string_view text) {
  if (text.size() != 42) return fail(Errc::invalid_argument, "ethereum address: must be 0x and 40 hex digits");
  std::string lower = "0x";
  bool has_lower = false, has_upper = false;
  for (std::size_t i = 2; i < 42; ++i) {
    const char c = text[i];
    if (hex_nibble(c) < 0) return fail(Errc::invalid_argument, "ethereum address: '{}' is not a hex digit", c);
    if (c >= 'a' && c <= 'f') has_lower = true;
    if (c >= 'A' && c <= 'F') has_upper = true;
    lower += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  }
  if (has_lower && has_upper) {
    // EIP-55: a letter is uppercase iff the matching nibble of keccak256(lowercase hex) is >= 8.
    const auto hash = detail::keccak256(std::string_view(lower).substr(2));
    for (std::size_t i = 0; i < 40; ++i) {
      const char c = text[2 + i];
      if (hex_nibble(c) < 10) continue;
      const unsigned nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      const bool want_upper = nibble >= 8;
      if (want_upper != (c >= 'A' && c <= 'F'))
        return fail(Errc::invalid_argument, "ethereum address: EIP-55 checksum mismatch (case of digit {})", i + 1);
    }
  }
  WalletAddress w;
  w.kind = WalletKind::ethereum;
  w.address = std::move(lower);
  return w;
}

// Monero base58: 8-byte blocks encode to 11 characters; a final short block
// of n bytes to kEncodedBlockSizes[n] characters.
constexpr std::size_t kEncodedBlockSizes[9] = {0, 2, 3, 5, 6, 7, 9, 10, 11};

bool monero_base58_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  out.clear();
  const std::size_t full = text.size() / 11;
  const std::size_t rest = text.size() % 11;
  std::size_t rest_bytes = 0;
  if (rest != 0) {
    bool found = false;
    for (std::size_t n = 1; n <= 8; ++n)
      if (kEncodedBlockSizes[n] == rest) {
        rest_bytes = n;
        found = true;
      }
    if (!found) return false;
  }
  auto decode_block = [&](std::string_view block, std::size_t nbytes) {
    std::uint64_t num = 0;
    for (char c : block) {
      const int v = base58_value(c);
      if (v < 0) return false;
      // Eleven base58 digits can exceed 64 bits; such a block is invalid.
      if (__builtin_mul_overflow(num, std::uint64_t{58}, &num) ||
          __builtin_add_overflow(num, static_cast<std::uint64_t>(v), &num))
        return false;
    }
    if (nbytes < 8 && (num >> (8 * nbytes)) != 0) return false;
    for (std::size_t i = 0; i < nbytes; ++i) out.push_back(static_cast<std::uint8_t>(num >> (8 * (nbytes - 1 - i))));
    return true;
  };
  for (std::size_t b = 0; b < full; ++b)
    if (!decode_block(text.substr(b * 11, 11), 8)) return false;
  if (rest != 0 && !decode_block(text.substr(full * 11), rest_bytes)) return false;
  return true;
}

Result<WalletAddress> parse_monero(std::string_view text) {
  std::vector<std::uint8_t> raw;
  if (!monero_base58_decode(text, raw)) return fail(Errc::invalid_argument, "monero address: invalid base58");
  const bool integrated = raw.size() == 77;
  if (raw.size() != 69 && !integrated)
    return fail(Errc::invalid_argument, "monero address: decodes to {} bytes, not 69 or 77", raw.size());
  const std::size_t body = raw.size() - 4;
  const auto hash = detail::keccak256(std::string_view(reinterpret_cast<const char*>(raw.data()), body));
  if (std::memcmp(hash.data(), raw.data() + body, 4) != 0)
    return fail(Errc::invalid_argument, "monero address: checksum mismatch");
  // Mainnet network bytes: 18 standard, 42 subaddress, 19 integrated.
  const std::uint8_t tag = raw[0];
  const bool ok = integrated ? tag == 19 : (tag == 18 || tag == 42);
  if (!ok) return fail(Errc::invalid_argument, "monero address: not a mainnet address (network byte {})", tag);
  WalletAddress w;
  w.kind = WalletKind::monero;
  w.address = std::string(text);
  return w;
}

}  // namespace

Result<WalletAddress> parse_wallet_address(std::string_view text) {
  if (text.empty()) return fail(Errc::invalid_argument, "empty wallet address");
  if (text.size() > 128) return fail(Errc::invalid_argument, "wallet address longer than 128 characters");
  if (text.starts_with("0x") || text.starts_with("0X")) return parse_ethereum(text);
  const auto lower2 = [&](std::string_view p) {
    return text.size() > 3 && (text[0] | 0x20) == p[0] && (text[1] | 0x20) == p[1] && text[2] == '1';
  };
  if (lower2("bc") || lower2("tb")) return parse_segwit(text);
  if (text.size() == 95 || text.size() == 106) return parse_monero(text);
  if (text[0] == '1' || text[0] == '3' || text[0] == 'm' || text[0] == 'n' || text[0] == '2')
    return parse_bitcoin_base58(text);
  return fail(Errc::invalid_argument,
              "'{}' is not a Bitcoin (1…, 3…, bc1…), Ethereum (0x…) or Monero (4…, 8…) address",
              text.substr(0, 64));
}

}  // namespace mamori::report

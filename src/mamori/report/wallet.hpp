#pragma once
// Cryptocurrency wallet addresses as indicators (R-VEN 3): a ransom wallet
// reported by one victim must correlate with the same wallet in another
// report or in intel, so addresses are validated (a typo would silently never
// match) and normalised to one form.
//
//  * Bitcoin: base58check P2PKH/P2SH (versions 0x00/0x05; testnet 0x6f/0xc4),
//    double-SHA-256 checksum; segwit bech32 (BIP 173, witness v0) and bech32m
//    (BIP 350, v1+), HRP "bc" or "tb". Normal form: base58 as is, segwit lowercase.
//  * Ethereum: 0x + 40 hex digits; mixed case must satisfy the EIP-55 checksum
//    (Keccak-256), all-lower or all-upper carries none. Normal form: lowercase.
//  * Monero: Monero base58 (8-byte blocks), standard (95 chars, network byte 18),
//    subaddress (95, 42) and integrated (106, 19) mainnet addresses, Keccak-256
//    checksum. Normal form: as is.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"

namespace mamori::report {

enum class WalletKind : std::uint8_t { bitcoin, ethereum, monero };

std::string_view wallet_kind_name(WalletKind kind) noexcept;

struct WalletAddress {
  WalletKind kind = WalletKind::bitcoin;
  std::string address;  // normal form
  bool testnet = false;
};

// Validates `text` (no surrounding whitespace) as any of the above; the error
// says which checksum or length failed.
Result<WalletAddress> parse_wallet_address(std::string_view text);

namespace detail {
// Keccak-256 as Ethereum and Monero use it (original Keccak padding 0x01, not SHA3's 0x06).
std::array<std::uint8_t, 32> keccak256(std::string_view data) noexcept;
}  // namespace detail

}  // namespace mamori::report

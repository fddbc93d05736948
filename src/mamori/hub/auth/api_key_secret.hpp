#pragma once
// API key tokens: "mk_<id>_<secret>", where <id> is 16 hex digits (public: it
// names the key in logs, lists and the ledger) and <secret> is 64 hex digits
// of 32 random bytes. The store keeps SHA-256(secret) only; a presented token
// is checked by looking up <id> and comparing hashes in constant time.
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/store/records.hpp"

namespace mamori::hub {

struct NewApiKey {
  std::string token;  // shown once, to whoever created the key
  store::ApiKey record;
};

// A fresh id and secret from the OS CSPRNG; `record` has id and secret_hash set.
Result<NewApiKey> generate_api_key();

struct ParsedToken {
  std::string id;
  std::string secret_hash;  // hex SHA-256 of the presented secret
};
// Parses "mk_<id>_<secret>"; errors never echo the token.
Result<ParsedToken> parse_api_key_token(std::string_view token);
// From an Authorization header value: "Bearer <token>".
Result<ParsedToken> parse_bearer(std::string_view header);

// Constant-time equality of two equal-length hex digests.
bool digest_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace mamori::hub

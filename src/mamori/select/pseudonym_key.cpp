#include "mamori/select/pseudonym_key.hpp"

#include <openssl/rand.h>

#include <cctype>
#include <sstream>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/key_file.hpp"

namespace mamori::select {

namespace {
constexpr std::string_view kMagic = "mamori-cryptopan-key v1";

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/')) return false;
  }
  return true;
}
}  // namespace

Result<PseudonymKey> generate_pseudonym_key(std::string id) {
  if (!valid_id(id)) return fail(Errc::invalid_argument, "key id '{}' must be 1-128 of [A-Za-z0-9._/-]", id);
  PseudonymKey key;
  key.id = std::move(id);
  if (RAND_bytes(key.bytes.data(), static_cast<int>(key.bytes.size())) != 1) {
    return fail(Errc::io_error, "no randomness available for a new key");
  }
  return key;
}

Status save_pseudonym_key(const PseudonymKey& key, const std::string& path) {
  const std::string text = fmt::format("{}\nid {}\nkey {}\n", kMagic, key.id, crypto::base64_encode(key.bytes));
  return crypto::create_file_exclusive(path, 0600, text);
}

Result<PseudonymKey> load_pseudonym_key(const std::string& path) {
  auto text = crypto::read_key_file(path, /*secret=*/true);
  if (!text) return tl::unexpected(text.error());
  std::istringstream in(*text);
  std::string magic, line;
  std::getline(in, magic);
  if (magic != kMagic) return fail(Errc::parse_error, "{}: not a mamori Crypto-PAn key file", path);
  PseudonymKey key;
  bool have_key = false;
  while (std::getline(in, line)) {
    if (line.rfind("id ", 0) == 0) {
      key.id = line.substr(3);
    } else if (line.rfind("key ", 0) == 0) {
      auto raw = crypto::base64_decode(line.substr(4));
      if (!raw || raw->size() != key.bytes.size()) return fail(Errc::parse_error, "{}: malformed key line", path);
      std::copy(raw->begin(), raw->end(), key.bytes.begin());
      have_key = true;
    }
  }
  if (!valid_id(key.id) || !have_key) return fail(Errc::parse_error, "{}: key file lacks an id or key line", path);
  return key;
}

}  // namespace mamori::select

#include "mamori/select/pseudonym_key.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return fail(Errc::invalid_argument, "{}: exists; refusing to overwrite a key", path);
    return fail(Errc::io_error, "{}: cannot create: {}", path, std::strerror(errno));
  }
  unsigned char b64[64] = {};
  const int n = EVP_EncodeBlock(b64, key.bytes.data(), static_cast<int>(key.bytes.size()));
  const std::string text = fmt::format("{}\nid {}\nkey {}\n", kMagic, key.id,
                                       std::string_view(reinterpret_cast<const char*>(b64), static_cast<std::size_t>(n)));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) return fail(Errc::io_error, "{}: write failed", path);
  return {};
}

Result<PseudonymKey> load_pseudonym_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fail(Errc::io_error, "{}: cannot read key: {}", path, std::strerror(errno));
  if ((st.st_mode & 077) != 0) {
    return fail(Errc::invalid_argument, "{}: key file is readable by others (mode {:o}); chmod 600 it", path,
                st.st_mode & 0777);
  }
  std::ifstream in(path);
  std::string magic, line;
  std::getline(in, magic);
  if (magic != kMagic) return fail(Errc::parse_error, "{}: not a mamori Crypto-PAn key file", path);
  PseudonymKey key;
  bool have_key = false;
  while (std::getline(in, line)) {
    if (line.rfind("id ", 0) == 0) {
      key.id = line.substr(3);
    } else if (line.rfind("key ", 0) == 0) {
      const std::string b64 = line.substr(4);
      unsigned char raw[48] = {};
      const int n = EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
      // EVP_DecodeBlock counts padding bytes as output; 32 bytes encode to 44 chars with one '='.
      if (n != 33 || b64.size() != 44) return fail(Errc::parse_error, "{}: malformed key line", path);
      std::memcpy(key.bytes.data(), raw, 32);
      have_key = true;
    }
  }
  if (!valid_id(key.id) || !have_key) return fail(Errc::parse_error, "{}: key file lacks an id or key line", path);
  return key;
}

}  // namespace mamori::select

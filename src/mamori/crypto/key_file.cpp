#include "mamori/crypto/key_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace mamori::crypto {

namespace {

constexpr std::size_t kMaxKeyFileSize = 64 * 1024;

Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::io_error, "{}: write failed: {}", path, std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Creates a new file (never following a symlink, never replacing a file).
}  // namespace

Status create_file_exclusive(const std::string& path, mode_t mode, std::string_view content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return fail(Errc::invalid_argument, "{}: already exists; refusing to overwrite a key file", path);
    return fail(Errc::io_error, "{}: cannot create: {}", path, std::strerror(errno));
  }
  // The umask can only clear bits; set the mode explicitly so it is exactly `mode`.
  Status st = ::fchmod(fd, mode) == 0 ? Status{} : fail(Errc::io_error, "{}: chmod failed: {}", path, std::strerror(errno));
  if (st) st = write_all(fd, content, path);
  if (st && ::fsync(fd) != 0) st = fail(Errc::io_error, "{}: fsync failed: {}", path, std::strerror(errno));
  if (::close(fd) != 0 && st) st = fail(Errc::io_error, "{}: close failed: {}", path, std::strerror(errno));
  if (!st) ::unlink(path.c_str());
  return st;
}

Result<std::string> read_key_file(const std::string& path, bool secret) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return fail(Errc::io_error, "{}: cannot open: {}", path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fail(Errc::io_error, "{}: cannot stat: {}", path, std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(Errc::invalid_argument, "{}: not a regular file", path);
  }
  if (secret && (st.st_mode & 077) != 0) {
    ::close(fd);
    return fail(Errc::invalid_argument, "{}: private key file is accessible by group or others (mode {:04o}); run chmod 600 on it",
                path, st.st_mode & 07777);
  }
  if (st.st_size > static_cast<off_t>(kMaxKeyFileSize)) {
    ::close(fd);
    return fail(Errc::invalid_argument, "{}: too large for a key file", path);
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(done);
  return text;
}

namespace {

void wipe(std::string& s) noexcept {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace

std::vector<VerifierKey> published_verifier_keys(const SigningKey& key) {
  std::vector<VerifierKey> keys{key.verifier(kSignatureEd25519)};
  if (key.role() == KeyRole::overseer) keys.push_back(key.verifier(kSignatureCosignatureV1));
  return keys;
}

Status write_key_files(const SigningKey& key, const std::string& path) {
  const std::string pub_path = path + ".pub";
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0)
    return fail(Errc::invalid_argument, "{}: already exists; refusing to overwrite a key file", path);
  if (::lstat(pub_path.c_str(), &st) == 0)
    return fail(Errc::invalid_argument, "{}: already exists; refusing to overwrite a key file", pub_path);

  std::string secret = fmt::format("# mamori {} signing key (Ed25519). Secret: keep mode 0600; never share or log it.\n",
                                   key_role_name(key.role()));
  std::string line = key.private_text();
  secret += line;
  secret += '\n';
  wipe(line);
  Status st_secret = create_file_exclusive(path, 0600, secret);
  wipe(secret);
  if (!st_secret) return st_secret;

  std::string pub;
  for (const auto& v : published_verifier_keys(key)) pub += v.to_string() + "\n";
  if (auto ok = create_file_exclusive(pub_path, 0644, pub); !ok) {
    ::unlink(path.c_str());
    return ok;
  }
  return {};
}

Result<SigningKey> load_signing_key(const std::string& path) {
  auto text = read_key_file(path, true);
  if (!text) return tl::unexpected(text.error());
  KeyRole role = KeyRole::hub;
  std::string_view rest = *text;
  Result<SigningKey> key = fail(Errc::parse_error, "{}: no PRIVATE+KEY line found", path);
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (line.starts_with("#")) {
      for (KeyRole r : {KeyRole::overseer, KeyRole::carrier, KeyRole::hub, KeyRole::analyst})
        if (line.find(fmt::format("mamori {} signing key", key_role_name(r))) != std::string_view::npos) role = r;
      continue;
    }
    if (line.starts_with("PRIVATE+KEY+")) {
      key = SigningKey::parse(line, role);
      // Never echo the line: the parse error is generic and the path names the file.
      if (!key) key = fail(Errc::parse_error, "{}: {}", path, key.error().message);
      break;
    }
  }
  wipe(*text);
  return key;
}

Result<VerifierKey> load_verifier_key(std::string_view text_or_path, std::uint8_t type) {
  std::string text(text_or_path);
  struct stat st {};
  const bool is_file = ::stat(text.c_str(), &st) == 0;
  if (is_file) {
    auto content = read_key_file(text, false);
    if (!content) return tl::unexpected(content.error());
    text = std::move(*content);
  }
  std::optional<VerifierKey> other;
  std::string first_error;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (line.empty() || line.starts_with("#")) continue;
    auto v = VerifierKey::parse(line);
    if (!v) {
      if (first_error.empty()) first_error = v.error().message;
      continue;
    }
    if (v->type == type) return *v;
    if (!other) other = *v;
  }
  if (other) return other->with_type(type);
  if (first_error.empty()) first_error = "no verifier key found";
  return fail(Errc::parse_error, "{}{}", is_file ? std::string(text_or_path) + ": " : "", first_error);
}

}  // namespace mamori::crypto

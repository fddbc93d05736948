#pragma once
// Key files on disk. The private key file holds one `PRIVATE+KEY+...` line
// (plus a comment naming the role) and is created with mode 0600; FILE.pub
// holds the verifier key(s). Loading refuses key files that group or others
// can access, so a key copied with a careless umask is not used silently.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/crypto/keys.hpp"

namespace mamori::crypto {

// Creates a new file with `mode`, never following a symlink or replacing a
// file; removed again if writing fails.
Status create_file_exclusive(const std::string& path, mode_t mode, std::string_view content);
// Reads a small key file; with `secret`, refuses one that group or others can access.
Result<std::string> read_key_file(const std::string& path, bool secret);

// The verifier keys published for a key: its Ed25519 note key and, for the
// overseer, the same key as a tlog-cosignature/v1 witness key.
std::vector<VerifierKey> published_verifier_keys(const SigningKey& key);

// Creates `path` (0600) and `path`.pub; refuses to overwrite either.
Status write_key_files(const SigningKey& key, const std::string& path);
Result<SigningKey> load_signing_key(const std::string& path);
// `text_or_path` is a vkey or the path of a file with vkey lines (e.g. FILE.pub).
// An Ed25519 key of the other type (0x01 vs 0x04) is converted to `type`.
Result<VerifierKey> load_verifier_key(std::string_view text_or_path, std::uint8_t type);

}  // namespace mamori::crypto

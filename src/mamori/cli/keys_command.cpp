// `mamori keys generate`: Ed25519 key pairs for the overseer, carriers, the hub and analysts.
#include <cstdio>
#include <string>

#include "mamori/cli/command.hpp"
#include "mamori/crypto/key_file.hpp"

namespace mamori::cli {

namespace {

struct GenerateOptions {
  std::string role, out, name;
};

int run_generate(const GenerateOptions& o) {
  auto role = crypto::parse_key_role(o.role);
  if (!role) return report_error(role.error().message, 2);
  const std::string name = o.name.empty() ? "mamori-" + o.role : o.name;
  auto key = crypto::SigningKey::generate(name, *role);
  if (!key) return report_error(key.error().message, 2);
  if (auto ok = crypto::write_key_files(*key, o.out); !ok) return report_error(ok.error().message);
  // Only public material is printed; the private key stays in the 0600 file.
  for (const auto& v : crypto::published_verifier_keys(*key)) std::printf("%s\n", v.to_string().c_str());
  std::fprintf(stderr, "mamori: wrote private key %s (mode 0600) and verifier key%s %s.pub\n", o.out.c_str(),
               *role == crypto::KeyRole::overseer ? "s" : "", o.out.c_str());
  return 0;
}

}  // namespace

void register_keys_commands(CommandSet& commands) {
  CLI::App& group = commands.group("keys", "Signing keys (Ed25519, C2SP note key formats)");
  auto o = std::make_shared<GenerateOptions>();
  CLI::App& cmd = commands.verb(group, "generate",
                                "Create a key pair: private key FILE (mode 0600), verifier key(s) FILE.pub, printed",
                                [o] { return run_generate(*o); });
  cmd.add_option("--role", o->role, "overseer, carrier, hub or analyst")
      ->required()
      ->check(CLI::IsMember({"overseer", "carrier", "hub", "analyst"}));
  cmd.add_option("--out", o->out, "Private key file to create (never overwritten)")->required();
  cmd.add_option("--name", o->name, "Key name, e.g. overseer.example.jp/commission (default: mamori-<role>)");
}

}  // namespace mamori::cli

// `mamori pseudo keygen|reverse`: the carrier's Crypto-PAn key, and
// re-identification of pseudonymised addresses, which is always written to the
// ledger before any address is shown.
#include <cstdio>
#include <memory>

#include "mamori/cli/command.hpp"
#include "mamori/core/json_text.hpp"
#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/sha256.hpp"
#include "mamori/ledger/ledger_file.hpp"
#include "mamori/select/cryptopan.hpp"
#include "mamori/select/pseudonym_key.hpp"

namespace mamori::cli {

namespace {

struct KeygenOptions {
  std::string id, out;
};

int run_keygen(const KeygenOptions& o) {
  auto key = select::generate_pseudonym_key(o.id);
  if (!key) return report_error(key.error().message, 2);
  if (auto s = select::save_pseudonym_key(*key, o.out); !s) return report_error(s.error().message);
  std::fprintf(stderr, "mamori: Crypto-PAn key '%s' written to %s (mode 0600); it never leaves the carrier\n",
               key->id.c_str(), o.out.c_str());
  return 0;
}

struct ReverseOptions {
  std::string key, ledger, actor, purpose, case_id;
  std::vector<std::string> addresses;
};

int run_reverse(const ReverseOptions& o) {
  std::vector<IpAddress> pseudonyms;
  for (const auto& text : o.addresses) {
    auto a = IpAddress::parse(text);
    if (!a) return report_error(a.error().message, 2);
    pseudonyms.push_back(*a);
  }
  auto key = select::load_pseudonym_key(o.key);
  if (!key) return report_error(key.error().message);
  auto pan = select::CryptoPan::create(key->bytes);
  if (!pan) return report_error(pan.error().message);
  auto ledger = ledger::open_ledger_file(o.ledger, true, false);
  if (!ledger) return report_error(ledger.error().message);
  // The ledger holds hashes of the pseudonyms, never an address.
  std::string hashes;
  for (const auto& p : pseudonyms) {
    const auto bytes = p.bytes();
    hashes += fmt::format("{}\"{}\"", hashes.empty() ? "" : ",", crypto::hex_encode(crypto::sha256(bytes)));
  }
  const std::string body =
      fmt::format(R"({{"key_id":{},"purpose":{},"case":{},"count":{},"pseudonyms_sha256":[{}]}})", json_quote(key->id),
                  json_quote(o.purpose), json_quote(o.case_id), pseudonyms.size(), hashes);
  auto entry = ledger->append(ledger::kinds::pseudonym_reidentified, o.actor, body);
  if (!entry) return report_error(entry.error().message);
  if (auto s = ledger->flush(); !s) return report_error(s.error().message);
  std::fprintf(stderr, "mamori: re-identification recorded as ledger entry %llu\n",
               static_cast<unsigned long long>(entry->index));
  for (const auto& p : pseudonyms) std::printf("%s %s\n", p.to_string().c_str(), pan->reverse(p).to_string().c_str());
  return 0;
}

}  // namespace

void register_pseudo_commands(CommandSet& commands) {
  CLI::App& group = commands.group("pseudo", "The carrier's Crypto-PAn pseudonymisation key and re-identification");
  {
    auto o = std::make_shared<KeygenOptions>();
    CLI::App& cmd = commands.verb(group, "keygen", "Create a Crypto-PAn key file (mode 0600)", [o] { return run_keygen(*o); });
    cmd.add_option("--id", o->id, "Key id, as named in the policy's pseudonymisation_key_id")->required();
    cmd.add_option("-o,--output", o->out, "Key file to create (never overwritten)")->required();
  }
  {
    auto o = std::make_shared<ReverseOptions>();
    CLI::App& cmd = commands.verb(group, "reverse",
                                  "Re-identify pseudonymised addresses with the key; the act is written to the ledger "
                                  "first",
                                  [o] { return run_reverse(*o); });
    cmd.add_option("ADDRESS", o->addresses, "Pseudonymised addresses")->required();
    cmd.add_option("--key", o->key, "Crypto-PAn key file")->required();
    cmd.add_option("--ledger", o->ledger, "Ledger database that records the re-identification")->required();
    cmd.add_option("--actor", o->actor, "Who re-identifies (a role or key name, not a person's details)")->required();
    cmd.add_option("--purpose", o->purpose, "Why, e.g. 'notify-operator'")->required();
    cmd.add_option("--case", o->case_id, "The case or finding this serves");
  }
}

}  // namespace mamori::cli

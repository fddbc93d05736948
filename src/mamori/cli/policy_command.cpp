// `mamori policy sign|verify|show`: the oversight body approves selection
// policies; sensors and carriers check approvals.
#include <cstdio>
#include <fstream>
#include <memory>

#include "mamori/cli/command.hpp"
#include "mamori/core/output_file.hpp"
#include "mamori/crypto/key_file.hpp"
#include "mamori/select/policy_signature.hpp"

namespace mamori::cli {

namespace {

using namespace mamori::select;

std::string describe(const SelectionPolicy& p) {
  std::string directions;
  for (auto d : {FlowDirection::foreign_to_domestic, FlowDirection::domestic_to_foreign, FlowDirection::foreign_to_foreign}) {
    if (p.keeps(d)) directions += fmt::format("{}{}", directions.empty() ? "" : ", ", flow_direction_name(d));
  }
  std::string fields, homes, prefixes;
  for (auto f : p.fields) fields += fmt::format("{}{}", fields.empty() ? "" : ", ", flow::flow_field_name(f));
  for (auto c : p.home_countries) homes += fmt::format("{}{}", homes.empty() ? "" : ", ", country_string(c));
  for (const auto& d : p.domestic_prefixes) prefixes += fmt::format("{}{}", prefixes.empty() ? "" : ", ", d.to_string());
  return fmt::format(
      "policy      {} version {}\nsha256      {}\nvalid       {} .. {}\nhome        {}\nkeeps       {}\n"
      "fields      {}\nkey id      {}\ngranularity {:.3f} s\nretention   {} days\ndomestic    {}\nlegal basis {}\n",
      p.id, p.version, p.document_hash, format_rfc3339(p.valid_from), format_rfc3339(p.valid_until), homes,
      directions, fields, p.pseudonymisation_key_id, static_cast<double>(p.time_granularity) / 1e9,
      p.retention / (86400 * kNsPerSecond), prefixes.empty() ? "(database only)" : prefixes, p.legal_basis);
}

struct SignOptions {
  std::string policy, key, out;
};

int run_sign(const SignOptions& o) {
  auto policy = load_selection_policy(o.policy);
  if (!policy) return report_error(policy.error().message);
  auto key = crypto::load_signing_key(o.key);
  if (!key) return report_error(key.error().message);
  auto note = sign_policy(*policy, *key);
  if (!note) return report_error(note.error().message);
  const std::string path = o.out.empty() ? o.policy + ".sig" : o.out;
  auto out = OutputFile::open(path);
  if (!out) return report_error(out.error().message);
  out->append(*note);
  if (auto s = out->close(); !s) return report_error(s.error().message);
  std::fprintf(stderr, "mamori: approved %s v%u (sha256 %s) as %s -> %s\n", policy->id.c_str(), policy->version,
               policy->document_hash.c_str(), key->name().c_str(), path.c_str());
  return 0;
}

struct VerifyOptions {
  std::string policy, signature, pubkey, at;
};

int run_verify(const VerifyOptions& o) {
  auto overseer = crypto::load_verifier_key(o.pubkey, crypto::kSignatureEd25519);
  if (!overseer) return report_error(overseer.error().message);
  TimeNs at = now_ns();
  if (!o.at.empty()) {
    auto t = parse_rfc3339(o.at);
    if (!t) return report_error(t.error().message, 2);
    at = *t;
  }
  auto policy = load_approved_policy(o.policy, o.signature.empty() ? o.policy + ".sig" : o.signature, *overseer, at);
  if (!policy) return report_error(policy.error().message);
  std::printf("%sapproved by %s and valid at %s\n", describe(*policy).c_str(), overseer->name.c_str(),
              format_rfc3339(at).c_str());
  return 0;
}

struct ShowOptions {
  std::string policy;
};

int run_show(const ShowOptions& o) {
  auto policy = load_selection_policy(o.policy);
  if (!policy) return report_error(policy.error().message);
  std::printf("%s", describe(*policy).c_str());
  return 0;
}

}  // namespace

void register_policy_commands(CommandSet& commands) {
  CLI::App& group = commands.group("policy", "Selection policies (自動選別の基準): show, approve (sign), verify");
  {
    auto o = std::make_shared<SignOptions>();
    CLI::App& cmd = commands.verb(group, "sign", "Approve a policy with the oversight body's key (writes POLICY.sig)",
                                  [o] { return run_sign(*o); });
    cmd.add_option("POLICY", o->policy, "Policy document (TOML, docs/selection-policy.md)")->required()->check(CLI::ExistingFile);
    cmd.add_option("--key", o->key, "Overseer private key file (mamori keys generate --role overseer)")->required();
    cmd.add_option("-o,--output", o->out, "Signature file (default POLICY.sig)");
  }
  {
    auto o = std::make_shared<VerifyOptions>();
    CLI::App& cmd = commands.verb(group, "verify", "Check a policy's approval and validity; prints what it allows",
                                  [o] { return run_verify(*o); });
    cmd.add_option("POLICY", o->policy, "Policy document")->required()->check(CLI::ExistingFile);
    cmd.add_option("--pubkey", o->pubkey, "Overseer verifier key (vkey or its .pub file)")->required();
    cmd.add_option("--signature", o->signature, "Signature file (default POLICY.sig)");
    cmd.add_option("--at", o->at, "Check validity at this RFC 3339 time instead of now");
  }
  {
    auto o = std::make_shared<ShowOptions>();
    CLI::App& cmd = commands.verb(group, "show", "Parse and validate a policy and print it", [o] { return run_show(*o); });
    cmd.add_option("POLICY", o->policy, "Policy document")->required()->check(CLI::ExistingFile);
  }
}

}  // namespace mamori::cli

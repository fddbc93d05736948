#pragma once
// Command groups register their verbs into a CommandSet handed to them at
// start-up (no global registry). A verb's handler returns the exit code.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mamori::cli {

class CommandSet {
 public:
  explicit CommandSet(CLI::App& root) : root_(root) {}

  // Returns the subcommand group `name` (e.g. "flows"), creating it on first use.
  CLI::App& group(const std::string& name, const std::string& description);
  // Adds `verb` under `parent`; `run` is called after parsing when it was chosen.
  CLI::App& verb(CLI::App& parent, const std::string& name, const std::string& description,
                 std::function<int()> run);

  // A top-level command without verbs, e.g. `mamori select`.
  CLI::App& command(const std::string& name, const std::string& description, std::function<int()> run);

  int exit_code() const noexcept { return exit_code_; }

 private:
  CLI::App& root_;
  std::map<std::string, CLI::App*> groups_;
  int exit_code_ = 0;
};

// One registrar per command group, each in its own file.
void register_flows_commands(CommandSet& commands);
void register_simulate_commands(CommandSet& commands);
void register_policy_commands(CommandSet& commands);
void register_pseudo_commands(CommandSet& commands);
void register_sensor_commands(CommandSet& commands);  // `sensor run` and `select`
void register_ledger_commands(CommandSet& commands);
void register_keys_commands(CommandSet& commands);
void register_hub_commands(CommandSet& commands);     // `hub serve|init`
void register_org_commands(CommandSet& commands);     // `org create|list|show|update` (API client)
void register_apikey_commands(CommandSet& commands);  // `apikey create|list|revoke` (API client)
void register_report_commands(
    CommandSet& commands);                          // `report quick|update|final|show|list|...` (API client)
void register_eval_commands(CommandSet& commands);  // `eval`: precision/recall against simulation labels
void register_detect_commands(CommandSet& commands);  // `mamori detect`

// Prints "mamori: error: <message>" to stderr and returns the misuse/failure exit code.
int report_error(const std::string& message, int code = 1);

}  // namespace mamori::cli

// The thin `mamori` entry point: builds the command tree and dispatches.
#include <cstdio>

#include "mamori/cli/command.hpp"

namespace mamori::cli {

CLI::App& CommandSet::group(const std::string& name, const std::string& description) {
  if (auto it = groups_.find(name); it != groups_.end()) return *it->second;
  CLI::App* sub = root_.add_subcommand(name, description);
  groups_.emplace(name, sub);
  sub->require_subcommand(1);
  return *sub;
}

CLI::App& CommandSet::verb(CLI::App& parent, const std::string& name, const std::string& description,
                           std::function<int()> run) {
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->callback([this, run = std::move(run)] { exit_code_ = run(); });
  return *sub;
}

CLI::App& CommandSet::command(const std::string& name, const std::string& description, std::function<int()> run) {
  return verb(root_, name, description, std::move(run));
}

int report_error(const std::string& message, int code) {
  std::fprintf(stderr, "mamori: error: %s\n", message.c_str());
  return code;
}

}  // namespace mamori::cli

int main(int argc, char** argv) {
  CLI::App app{"mamori — active cyber defense platform (flows, selection, detection, hub, ledger)", "mamori"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "mamori 0.1.0");
  mamori::cli::CommandSet commands(app);
  mamori::cli::register_flows_commands(commands);
  mamori::cli::register_simulate_commands(commands);
  mamori::cli::register_policy_commands(commands);
  mamori::cli::register_pseudo_commands(commands);
  mamori::cli::register_sensor_commands(commands);
  mamori::cli::register_ledger_commands(commands);
  mamori::cli::register_keys_commands(commands);
  mamori::cli::register_hub_commands(commands);
  mamori::cli::register_org_commands(commands);
  mamori::cli::register_apikey_commands(commands);
  mamori::cli::register_report_commands(commands);
  mamori::cli::register_eval_commands(commands);
  mamori::cli::register_detect_commands(commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line on misuse; --help shows the full usage.
    std::fprintf(stderr, "mamori: error: %s (see --help)\n", e.what());
    return 2;
  }
  return commands.exit_code();
}

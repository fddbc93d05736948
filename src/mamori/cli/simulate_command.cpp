#include "mamori/cli/command.hpp"

namespace mamori::cli {

void register_simulate_commands(CommandSet& commands) {
  commands.group("simulate", "Generate realistic carrier traffic (flows, packets, exports)");
}

}  // namespace mamori::cli

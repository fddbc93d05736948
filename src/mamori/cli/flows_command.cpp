#include "mamori/cli/command.hpp"

namespace mamori::cli {

void register_flows_commands(CommandSet& commands) {
  commands.group("flows", "Read, collect, filter and summarise NetFlow/IPFIX/sFlow and captures");
}

}  // namespace mamori::cli

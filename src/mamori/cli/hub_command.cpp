// `mamori hub serve|init`: the national hub's HTTP/JSON API server, and the
// creation of its store with the first (bootstrap) admin key.
#include <cstdio>
#include <fstream>
#include <string>

#include "mamori/cli/command.hpp"
#include "mamori/core/json_text.hpp"
#include "mamori/hub/hub.hpp"

namespace mamori::cli {

namespace {

struct HubOptions {
  std::string config, listen, db, db_schema, ledger, port_file, tls_cert, tls_key, name = "bootstrap admin";
  unsigned threads = 0;
  bool quiet = false;
};

Result<hub::HubConfig> resolve_config(const HubOptions& o) {
  hub::HubConfig c;
  if (!o.config.empty()) {
    auto loaded = hub::load_hub_config(o.config);
    if (!loaded) return tl::unexpected(loaded.error());
    c = std::move(*loaded);
  }
  // Command-line options override the file.
  if (!o.listen.empty())
    if (auto ok = hub::parse_listen(o.listen, c.server); !ok) return tl::unexpected(ok.error());
  if (!o.db.empty()) c.storage.database = o.db;
  if (!o.db_schema.empty()) c.storage.schema = o.db_schema;
  if (!o.ledger.empty()) c.ledger_path = o.ledger;
  if (o.threads) c.server.threads = o.threads;
  if (!o.tls_cert.empty()) c.server.tls_cert_file = o.tls_cert;
  if (!o.tls_key.empty()) c.server.tls_key_file = o.tls_key;
  if (o.quiet) c.log_requests = false;
  return c;
}

int run_serve(const HubOptions& o) {
  auto config = resolve_config(o);
  if (!config) return report_error(config.error().message, 2);
  auto hub = hub::Hub::open(*config);
  if (!hub) return report_error(hub.error().message);
  const auto port = (*hub)->port();
  if (!o.port_file.empty()) {
    // Written whole, then renamed: a reader never sees a partial number.
    const std::string tmp = o.port_file + ".tmp";
    {
      std::ofstream f(tmp);
      f << port << '\n';
      if (!f) return report_error("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), o.port_file.c_str()) != 0) return report_error("cannot write " + o.port_file);
  }
  std::string line = fmt::format(
      R"({{"time":{},"event":"listening","host":{},"port":{},"tls":{},"backend":{},"ledger":{}}})",
      json_quote(format_rfc3339(now_ns())), json_quote(config->server.host), port, (*hub)->tls(),
      json_quote((*hub)->store().backend()), json_quote(hub::ledger_path_for(*config)));
  std::fprintf(stderr, "%s\n", line.c_str());
  (*hub)->run();
  std::fprintf(stderr, "{\"time\":%s,\"event\":\"stopped\"}\n", json_quote(format_rfc3339(now_ns())).c_str());
  return 0;
}

int run_init(const HubOptions& o) {
  auto config = resolve_config(o);
  if (!config) return report_error(config.error().message, 2);
  auto store = store::open_hub_store(config->storage);
  if (!store) return report_error(store.error().message);
  auto token = hub::bootstrap_admin_key(**store, o.name);
  if (!token) return report_error(token.error().message);
  // The only time this key is shown: stdout alone, so it can be captured.
  std::printf("%s\n", token->c_str());
  std::fprintf(stderr, "mamori: created the bootstrap admin key of %s (schema version %d); store it now, it is not "
               "shown again\n", (*store)->backend().data(), (*store)->schema_version().value_or(0));
  return 0;
}

void add_common(CLI::App& cmd, HubOptions& o) {
  cmd.add_option("--config", o.config, "TOML configuration (config/hub.example.toml documents every key)");
  cmd.add_option("--db", o.db, "Database: a SQLite file path, or a postgresql:// URL (default hub.db)");
  cmd.add_option("--db-schema", o.db_schema, "PostgreSQL schema to use (created if missing)");
}

}  // namespace

void register_hub_commands(CommandSet& commands) {
  CLI::App& group = commands.group("hub", "The national hub: HTTP/JSON API server and its store");
  auto o = std::make_shared<HubOptions>();
  CLI::App& serve = commands.verb(group, "serve", "Serve the hub API until SIGTERM/SIGINT (graceful: in-flight requests finish)",
                                  [o] { return run_serve(*o); });
  add_common(serve, *o);
  serve.add_option("--listen", o->listen, "host:port to listen on (default 127.0.0.1:8080; port 0 picks a free one)");
  serve.add_option("--ledger", o->ledger, "Ledger file (default: next to a SQLite database)");
  serve.add_option("--threads", o->threads, "Server threads (default: one per CPU)");
  serve.add_option("--tls-cert", o->tls_cert, "PEM certificate chain: serve HTTPS");
  serve.add_option("--tls-key", o->tls_key, "PEM private key of the certificate");
  serve.add_option("--port-file", o->port_file, "Write the listening port to this file once listening");
  serve.add_flag("--quiet", o->quiet, "No per-request log lines");
  CLI::App& init = commands.verb(group, "init", "Create or migrate the store and print a bootstrap admin key (empty store only)",
                                 [o] { return run_init(*o); });
  add_common(init, *o);
  init.add_option("--name", o->name, "Name of the bootstrap key");
}

}  // namespace mamori::cli

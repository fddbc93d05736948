#include "mamori/hub/hub_config.hpp"

#include <charconv>

#include <toml++/toml.h>

namespace mamori::hub {

Status parse_listen(std::string_view text, ServerOptions& server) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail(Errc::invalid_argument, "listen '{}': expected host:port", text);
  std::string_view host = text.substr(0, colon);
  const auto port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535)
    return fail(Errc::invalid_argument, "listen '{}': bad port", text);
  server.host = host.empty() ? "127.0.0.1" : std::string(host);
  server.port = static_cast<std::uint16_t>(port);
  return {};
}

std::string ledger_path_for(const HubConfig& config) {
  if (!config.ledger_path.empty()) return config.ledger_path;
  if (store::is_postgres_url(config.storage.database)) return "hub-ledger.db";
  std::string db = config.storage.database;
  if (db.starts_with("sqlite:")) db.erase(0, 7);
  return db + ".ledger";
}

std::string receipt_key_path_for(const HubConfig& config) {
  if (!config.receipt_key_path.empty()) return config.receipt_key_path;
  return ledger_path_for(config) + ".receipt-key";
}

namespace {

Result<std::chrono::milliseconds> duration_ms(const toml::table& t, std::string_view key, std::chrono::milliseconds fallback) {
  const auto* node = t.get(key);
  if (!node) return fallback;
  if (const auto* s = node->as_string()) {
    auto d = parse_duration(s->get());
    if (!d) return fail(Errc::invalid_argument, "{}: {}", key, d.error().message);
    return std::chrono::milliseconds(*d / kNsPerMs);
  }
  if (const auto* i = node->as_integer()) return std::chrono::milliseconds(i->get() * 1000);
  return fail(Errc::invalid_argument, "{} must be a duration like \"30s\"", key);
}

template <class T>
Result<T> integer(const toml::table& t, std::string_view key, T fallback, std::int64_t min, std::int64_t max) {
  const auto* node = t.get(key);
  if (!node) return fallback;
  const auto* i = node->as_integer();
  if (!i || i->get() < min || i->get() > max) return fail(Errc::invalid_argument, "{} must be an integer from {} to {}", key, min, max);
  return static_cast<T>(i->get());
}

Result<std::string> text(const toml::table& t, std::string_view key, std::string fallback) {
  const auto* node = t.get(key);
  if (!node) return fallback;
  const auto* s = node->as_string();
  if (!s) return fail(Errc::invalid_argument, "{} must be a string", key);
  return s->get();
}

Result<double> number(const toml::table& t, std::string_view key, double fallback) {
  const auto* node = t.get(key);
  if (!node) return fallback;
  if (const auto* f = node->as_floating_point()) return f->get();
  if (const auto* i = node->as_integer()) return static_cast<double>(i->get());
  return fail(Errc::invalid_argument, "{} must be a number", key);
}

#define MAMORI_SET(target, expr)                                           \
  do {                                                                     \
    auto _v = (expr);                                                      \
    if (!_v) return fail(Errc::invalid_argument, "{}: {}", path, _v.error().message); \
    target = std::move(*_v);                                               \
  } while (0)

}  // namespace

Result<HubConfig> load_hub_config(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse_error, "{}: {}", path, e.description());
  }
  HubConfig c;
  const toml::table empty;
  auto section = [&](std::string_view name) -> const toml::table& {
    const auto* t = root[name].as_table();
    return t ? *t : empty;
  };
  for (const auto& [key, value] : root) {
    const std::string_view k = key.str();
    if (k != "server" && k != "storage" && k != "ledger" && k != "rate_limit" && k != "log" && k != "auth" &&
        k != "reporting")
      return fail(Errc::invalid_argument, "{}: unknown section [{}]", path, k);
  }
  const auto& server = section("server");
  if (const auto* listen = server.get("listen")) {
    const auto* s = listen->as_string();
    if (!s) return fail(Errc::invalid_argument, "{}: server.listen must be a string", path);
    if (auto ok = parse_listen(s->get(), c.server); !ok) return fail(Errc::invalid_argument, "{}: {}", path, ok.error().message);
  }
  MAMORI_SET(c.server.threads, integer<unsigned>(server, "threads", 0, 0, 256));
  MAMORI_SET(c.server.max_body_bytes, integer<std::size_t>(server, "max_body_bytes", c.server.max_body_bytes, 1024, 64 << 20));
  MAMORI_SET(c.server.max_header_bytes, integer<std::size_t>(server, "max_header_bytes", c.server.max_header_bytes, 1024, 1 << 20));
  MAMORI_SET(c.server.read_timeout, duration_ms(server, "read_timeout", c.server.read_timeout));
  MAMORI_SET(c.server.idle_timeout, duration_ms(server, "idle_timeout", c.server.idle_timeout));
  MAMORI_SET(c.server.drain_timeout, duration_ms(server, "drain_timeout", c.server.drain_timeout));
  if (const auto* tls = server["tls"].as_table()) {
    MAMORI_SET(c.server.tls_cert_file, text(*tls, "cert", ""));
    MAMORI_SET(c.server.tls_key_file, text(*tls, "key", ""));
  }
  const auto& storage = section("storage");
  MAMORI_SET(c.storage.database, text(storage, "database", c.storage.database));
  MAMORI_SET(c.storage.schema, text(storage, "schema", ""));
  MAMORI_SET(c.storage.pool_size, integer<std::size_t>(storage, "pool_size", c.storage.pool_size, 1, 256));
  std::string sync;
  MAMORI_SET(sync, text(storage, "sqlite_sync", "full"));
  if (sync != "full" && sync != "normal") return fail(Errc::invalid_argument, "{}: storage.sqlite_sync must be full or normal", path);
  c.storage.sqlite_full_sync = sync == "full";
  MAMORI_SET(c.ledger_path, text(section("ledger"), "path", ""));
  MAMORI_SET(c.reporting_config_path, text(section("reporting"), "config", ""));
  MAMORI_SET(c.receipt_key_path, text(section("reporting"), "receipt_key", ""));
  const auto& rl = section("rate_limit");
  MAMORI_SET(c.rate_limit.rate, number(rl, "requests_per_second", c.rate_limit.rate));
  MAMORI_SET(c.rate_limit.burst, number(rl, "burst", c.rate_limit.burst));
  MAMORI_SET(c.key_cache_ttl, duration_ms(section("auth"), "key_cache_ttl", c.key_cache_ttl));
  if (const auto* requests = section("log").get("requests")) {
    const auto* b = requests->as_boolean();
    if (!b) return fail(Errc::invalid_argument, "{}: log.requests must be true or false", path);
    c.log_requests = b->get();
  }
  return c;
}

}  // namespace mamori::hub

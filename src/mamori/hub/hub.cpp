#include "mamori/hub/hub.hpp"

#include <filesystem>

#include "mamori/crypto/key_file.hpp"
#include "mamori/hub/auth/api_key_secret.hpp"

namespace mamori::hub {

Hub::~Hub() = default;

Result<std::unique_ptr<Hub>> Hub::open(const HubConfig& config) {
  std::unique_ptr<Hub> hub(new Hub());
  auto store = store::open_hub_store(config.storage);
  if (!store) return tl::unexpected(store.error());
  hub->store_ = std::move(*store);
  auto ledger = LedgerSink::open(ledger_path_for(config));
  if (!ledger) return tl::unexpected(ledger.error());
  hub->ledger_ = std::move(*ledger);
  auto reporting = config.reporting_config_path.empty()
                       ? report::default_reporting_config()
                       : report::load_reporting_config(config.reporting_config_path);
  if (!reporting) return tl::unexpected(reporting.error());
  hub->reporting_ = std::make_unique<report::ReportingConfig>(std::move(*reporting));
  auto receipt_key = open_receipt_key(receipt_key_path_for(config));
  if (!receipt_key) return tl::unexpected(receipt_key.error());
  hub->receipt_key_ = std::make_unique<crypto::SigningKey>(std::move(*receipt_key));
  hub->keys_ = std::make_unique<KeyCache>(config.key_cache_ttl);
  hub->context_.reset(new ApiContext{*hub->store_, *hub->ledger_, hub->metrics_, *hub->keys_, hub->router_,
                                     *hub->reporting_, *hub->receipt_key_});
  register_all_routes(hub->router_, *hub->context_);
  hub->limiter_ = std::make_unique<RateLimiter>(config.rate_limit);
  hub->pipeline_ = std::make_unique<RequestPipeline>(hub->router_, *hub->store_, *hub->keys_, *hub->limiter_,
                                                     hub->metrics_, config.log_requests);
  RequestPipeline* pipeline = hub->pipeline_.get();
  auto server = HttpServer::listen(
      config.server, [pipeline](Request& r) { return pipeline->handle(r); },
      [pipeline](const Response& r) { pipeline->rejected(r); });
  if (!server) return tl::unexpected(server.error());
  hub->server_ = std::move(*server);
  return hub;
}

Result<std::string> bootstrap_admin_key(store::HubStore& store, std::string_view name) {
  auto key = generate_api_key();
  if (!key) return tl::unexpected(key.error());
  key->record.role = store::Role::admin;
  key->record.name = std::string(name);
  key->record.created_by = "bootstrap";
  key->record.created = now_ns();
  auto w = store.bootstrap_api_key(key->record);
  if (!w) return tl::unexpected(w.error());
  if (w->outcome == store::WriteOutcome::refused)
    return fail(Errc::invalid_argument, "the store already has API keys; create further keys with an admin key");
  if (w->outcome != store::WriteOutcome::done) return fail(Errc::io_error, "bootstrap key not created ({})", store::write_outcome_name(w->outcome));
  return key->token;
}

Result<crypto::SigningKey> open_receipt_key(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto key = crypto::SigningKey::generate("mamori-hub-receipts", crypto::KeyRole::hub);
    if (!key) return tl::unexpected(key.error());
    if (auto ok = crypto::write_key_files(*key, path); !ok)
      return fail(Errc::io_error, "receipt key {}: {}", path, ok.error().message);
    return key;
  }
  return crypto::load_signing_key(path);
}

}  // namespace mamori::hub

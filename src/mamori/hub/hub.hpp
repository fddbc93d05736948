#pragma once
// The hub assembled: store, ledger, router with every API resource, request
// pipeline and HTTP server. `mamori hub serve` is a thin wrapper; tests run
// it in-process on 127.0.0.1:0.
#include <memory>

#include "mamori/hub/api/api_context.hpp"
#include "mamori/hub/hub_config.hpp"
#include "mamori/hub/request_pipeline.hpp"

namespace mamori::hub {

class Hub {
 public:
  // Opens (and migrates) the store and the ledger, registers the routes and
  // listens; serving starts with run().
  static Result<std::unique_ptr<Hub>> open(const HubConfig& config);
  ~Hub();

  std::uint16_t port() const noexcept { return server_->port(); }
  bool tls() const noexcept { return server_->tls(); }
  void run() { server_->run(); }
  void stop() { server_->stop(); }
  store::HubStore& store() noexcept { return *store_; }
  const Router& router() const noexcept { return router_; }
  // The verifier key of receipts (vkey text at GET /v1/hub-key).
  crypto::VerifierKey receipt_verifier() const { return receipt_key_->verifier(); }
  const std::string& ledger_path() const noexcept { return ledger_->path(); }

 private:
  Hub() = default;
  std::unique_ptr<store::HubStore> store_;
  std::unique_ptr<LedgerSink> ledger_;
  std::unique_ptr<report::ReportingConfig> reporting_;
  std::unique_ptr<crypto::SigningKey> receipt_key_;
  Metrics metrics_;
  Router router_;
  std::unique_ptr<KeyCache> keys_;
  std::unique_ptr<ApiContext> context_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<RequestPipeline> pipeline_;
  std::unique_ptr<HttpServer> server_;
};

// `mamori hub init` and `apikey create --bootstrap`: the first admin key of an
// empty store. Returns the token (to be shown once) or an error when the
// store already has keys.
Result<std::string> bootstrap_admin_key(store::HubStore& store, std::string_view name);

// The receipt signing key at `path`, created (0600, with `path`.pub) when missing.
Result<crypto::SigningKey> open_receipt_key(const std::string& path);

}  // namespace mamori::hub

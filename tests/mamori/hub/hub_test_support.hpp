#pragma once
// An in-process hub on 127.0.0.1:0 with a SQLite store in a temporary
// directory, its bootstrap admin key, and a client for it.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "mamori/hub/client/hub_client.hpp"
#include "mamori/hub/hub.hpp"

namespace mamori::hub::testing {

class RunningHub {
 public:
  static std::unique_ptr<RunningHub> start(HubConfig config = {}) {
    static std::atomic<int> serial{0};
    auto r = std::unique_ptr<RunningHub>(new RunningHub());
    r->dir_ = std::filesystem::temp_directory_path() /
              ("mamori-hub-" + std::to_string(::getpid()) + "-" + std::to_string(serial.fetch_add(1)));
    std::filesystem::remove_all(r->dir_);
    std::filesystem::create_directories(r->dir_);
    config.server.host = "127.0.0.1";
    config.server.port = 0;
    config.server.threads = config.server.threads ? config.server.threads : 2;
    config.server.handle_signals = false;
    config.log_requests = false;
    config.storage.database = (r->dir_ / "hub.db").string();
    config.storage.sqlite_full_sync = false;
    auto hub = Hub::open(config);
    if (!hub) {
      r->error_ = hub.error().message;
      return r;
    }
    r->hub_ = std::move(*hub);
    auto key = bootstrap_admin_key(r->hub_->store(), "test admin");
    if (!key) {
      r->error_ = key.error().message;
      return r;
    }
    r->admin_key_ = *key;
    r->thread_ = std::thread([hub = r->hub_.get()] { hub->run(); });
    return r;
  }

  ~RunningHub() {
    if (hub_) hub_->stop();
    if (thread_.joinable()) thread_.join();
    hub_.reset();
    std::filesystem::remove_all(dir_);
  }

  bool ok() const noexcept { return hub_ != nullptr && error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  Hub& hub() { return *hub_; }
  const std::string& admin_key() const noexcept { return admin_key_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(hub_->port()); }
  ClientOptions client(const std::string& key) const {
    ClientOptions o;
    o.url = url();
    o.key = key;
    o.timeout = std::chrono::milliseconds(10'000);
    return o;
  }

 private:
  RunningHub() = default;
  std::filesystem::path dir_;
  std::unique_ptr<Hub> hub_;
  std::thread thread_;
  std::string admin_key_;
  std::string error_;
};

}  // namespace mamori::hub::testing

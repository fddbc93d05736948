#pragma once
// The hub's HTTP/1.1 server on Boost.Beast/Asio: a multi-threaded io_context,
// keep-alive, read and idle timeouts, request size limits, optional TLS
// (OpenSSL), and a graceful stop that finishes in-flight requests.
//
// The server knows nothing of routes or keys: every parsed request goes to
// the Dispatch function (the hub's request pipeline). What the server itself
// refuses (oversized or unparsable requests) it answers with the API's JSON
// error body and reports through `on_rejected`, so metrics and logs see it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mamori/core/result.hpp"
#include "mamori/hub/http/message.hpp"

namespace mamori::hub {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see HttpServer::port())
  unsigned threads = 0;       // 0: one per hardware thread
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds read_timeout{30'000};   // to read one request once it has started
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive connection waiting for its next request
  std::chrono::milliseconds drain_timeout{10'000};  // graceful stop: longest wait for in-flight requests
  std::string tls_cert_file;  // both set: HTTPS only
  std::string tls_key_file;
  bool handle_signals = true;  // SIGTERM/SIGINT start a graceful stop
};

using Dispatch = std::function<Response(Request&)>;
using RejectObserver = std::function<void(const Response&)>;

class HttpServer {
 public:
  // Binds and listens (so port() is known); serving starts with run().
  static Result<std::unique_ptr<HttpServer>> listen(ServerOptions options, Dispatch dispatch,
                                                    RejectObserver on_rejected = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const noexcept;
  bool tls() const noexcept;
  // Serves on options.threads threads (the caller's included) until stop()
  // or a signal, then returns once in-flight requests are answered (or the
  // drain timeout passed).
  void run();
  // Thread-safe; idempotent. Stops accepting, closes idle connections, and
  // lets busy ones finish their current request.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Splits a request target into a decoded path and query parameters; false on
// malformed percent-encoding or a target that is not origin-form.
bool parse_target(std::string_view target, Request& request);

}  // namespace mamori::hub

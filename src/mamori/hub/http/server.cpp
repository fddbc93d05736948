#include "mamori/hub/http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

namespace mamori::hub {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

}  // namespace

bool parse_target(std::string_view target, Request& request) {
  if (target.empty() || target.front() != '/') return false;
  const auto q = target.find('?');
  std::string path;
  if (!percent_decode(target.substr(0, q), path, false)) return false;
  // A decoded NUL or a path that climbs out of the root is never a route.
  if (path.find('\0') != std::string::npos) return false;
  request.path = std::move(path);
  request.query.clear();
  if (q == std::string_view::npos) return true;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      std::string name, value;
      if (!percent_decode(pair.substr(0, eq), name, true)) return false;
      if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true)) return false;
      request.query[std::move(name)] = std::move(value);
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return true;
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;
};

struct HttpServer::Impl {
  ServerOptions options;
  Dispatch dispatch;
  RejectObserver on_rejected;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::optional<ssl::context> tls;
  net::signal_set signals{ioc};
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::condition_variable drained;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::thread watchdog;

  explicit Impl(unsigned threads) : ioc(static_cast<int>(threads)) {}

  void add_session(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard lock(mutex);
    sessions.emplace(s.get(), s);
  }
  void remove_session(SessionBase* s) {
    std::lock_guard lock(mutex);
    sessions.erase(s);
    if (sessions.empty()) drained.notify_all();
  }

  void do_accept();
  void begin_stop();
};

namespace {

using Impl = HttpServer::Impl;

// One connection: read a request, answer it, repeat while keep-alive.
// CRTP over the plain and TLS streams (as in Beast's "flex" server example).
template <class Derived>
class Session : public SessionBase {
 public:
  Session(Impl& server, beast::flat_buffer buffer) : server_(server), buffer_(std::move(buffer)) {}
  ~Session() override { server_.remove_session(this); }

  void close_if_idle() override {
    net::post(derived().stream().get_executor(), [self = derived().shared_from_this()] {
      if (self->idle_) beast::get_lowest_layer(self->stream()).cancel();
    });
  }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  void do_read() {
    if (server_.stopping.load()) return derived().do_eof();
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    beast::get_lowest_layer(derived().stream())
        .expires_after(first_ ? server_.options.read_timeout : server_.options.idle_timeout);
    idle_ = true;
    http::async_read(derived().stream(), buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, derived().shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    idle_ = false;
    first_ = false;
    if (ec == http::error::end_of_stream) return derived().do_eof();
    if (ec == http::error::body_limit)
      return reject(413, "payload_too_large",
                    fmt::format("request body exceeds the limit of {} bytes", server_.options.max_body_bytes));
    if (ec == http::error::header_limit)
      return reject(413, "payload_too_large",
                    fmt::format("request header exceeds the limit of {} bytes", server_.options.max_header_bytes));
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::partial_message)
      return reject(400, "bad_request", fmt::format("malformed HTTP request: {}", ec.message()));
    if (ec) return;  // timeout, reset, cancelled by a stop: nothing to answer

    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    if (!parse_target(msg.target(), req)) return reject(400, "bad_request", "malformed request target");
    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      req.headers[std::move(name)] = std::string(field.value());
    }
    req.body = std::move(msg.body());
    const bool keep_alive = msg.keep_alive();
    Response res = server_.dispatch(req);
    send(std::move(res), !keep_alive || server_.stopping.load());
  }

  void reject(int status, std::string_view code, const std::string& message) {
    Response res = error_response(status, code, message);
    if (server_.on_rejected) server_.on_rejected(res);
    linger_ = true;
    // After a framing error the rest of the stream cannot be trusted.
    send(std::move(res), true);
  }

  void send(Response res, bool close) {
    auto out = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), 11);
    out->set(http::field::server, "mamori-hub");
    out->set(http::field::content_type, res.content_type);
    out->set(http::field::cache_control, "no-store");
    out->set("X-Content-Type-Options", "nosniff");
    for (auto& [k, v] : res.headers) out->set(k, v);
    out->body() = std::move(res.body);
    out->keep_alive(!close);
    out->prepare_payload();
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.read_timeout);
    http::async_write(derived().stream(), *out,
                      [self = derived().shared_from_this(), out, close](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (close) return self->do_eof();
                        self->do_read();
                      });
  }

  Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool idle_ = false;
  bool first_ = true;
  bool linger_ = false;  // drain what the client still sends before closing (see PlainSession::do_eof)
};

class PlainSession : public Session<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(Impl& server, tcp::socket&& socket) : Session(server, {}), stream_(std::move(socket)) {}
  beast::tcp_stream& stream() { return stream_; }
  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }
  void do_eof() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (linger_) {
      // After refusing a request (413, 400) the client may still be sending
      // its body; closing with unread data would reset the connection and
      // could destroy the error response in flight. Read and discard for a
      // bounded time and amount first (nginx's lingering close).
      stream_.expires_after(std::chrono::seconds(2));
      discard();
    }
  }

 private:
  void discard() {
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->discarded_ += n;
      if (!ec && self->discarded_ < (std::size_t{64} << 20)) self->discard();
    });
  }

  friend class Session<PlainSession>;
  beast::tcp_stream stream_;
  std::array<char, 16384> scratch_{};
  std::size_t discarded_ = 0;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(Impl& server, tcp::socket&& socket, ssl::context& ctx)
      : Session(server, {}), stream_(std::move(socket), ctx) {}
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(self->server_.options.read_timeout);
      self->idle_ = true;
      self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
        self->idle_ = false;
        if (!ec) self->do_read();
      });
    });
  }
  void do_eof() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

 private:
  friend class Session<TlsSession>;
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

void HttpServer::Impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec || stopping.load()) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (!stopping.load()) do_accept();
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls) {
      auto s = std::make_shared<TlsSession>(*this, std::move(socket), *tls);
      add_session(s);
      s->start();
    } else {
      auto s = std::make_shared<PlainSession>(*this, std::move(socket));
      add_session(s);
      s->start();
    }
    do_accept();
  });
}

void HttpServer::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
  });
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mutex);
    for (auto& [raw, weak] : sessions)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->close_if_idle();
  // Busy sessions close after their current response; the watchdog ends
  // whatever is still running when the drain timeout passes.
  watchdog = std::thread([this] {
    std::unique_lock lock(mutex);
    if (!drained.wait_for(lock, options.drain_timeout, [this] { return sessions.empty(); })) ioc.stop();
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_->watchdog.joinable()) impl_->watchdog.join();
}

Result<std::unique_ptr<HttpServer>> HttpServer::listen(ServerOptions options, Dispatch dispatch,
                                                       RejectObserver on_rejected) {
  if (options.threads == 0) options.threads = std::max(1u, std::thread::hardware_concurrency());
  auto impl = std::make_unique<Impl>(options.threads);
  impl->options = options;
  impl->dispatch = std::move(dispatch);
  impl->on_rejected = std::move(on_rejected);

  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    if (options.tls_cert_file.empty() || options.tls_key_file.empty())
      return fail(Errc::invalid_argument, "TLS needs both a certificate and a key file");
    impl->tls.emplace(ssl::context::tls_server);
    beast::error_code ec;
    impl->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                               ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                           ec);
    impl->tls->use_certificate_chain_file(options.tls_cert_file, ec);
    if (ec) return fail(Errc::invalid_argument, "TLS certificate {}: {}", options.tls_cert_file, ec.message());
    impl->tls->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
    if (ec) return fail(Errc::invalid_argument, "TLS key {}: {}", options.tls_key_file, ec.message());
  }

  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) return fail(Errc::invalid_argument, "listen address '{}': {}", options.host, ec.message());
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail(Errc::io_error, "cannot listen on {}:{}: {}", options.host, options.port, ec.message());

  if (options.handle_signals) {
    impl->signals.add(SIGTERM, ec);
    impl->signals.add(SIGINT, ec);
    Impl* raw = impl.get();
    impl->signals.async_wait([raw](beast::error_code e, int) {
      if (!e) raw->begin_stop();
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::uint16_t HttpServer::port() const noexcept {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

bool HttpServer::tls() const noexcept { return impl_->tls.has_value(); }

void HttpServer::run() {
  impl_->do_accept();
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < impl_->options.threads; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  if (impl_->watchdog.joinable()) impl_->watchdog.join();
}

void HttpServer::stop() { impl_->begin_stop(); }

}  // namespace mamori::hub

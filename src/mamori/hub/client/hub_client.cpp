#include "mamori/hub/client/hub_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <strings.h>

namespace mamori::hub {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

const std::string* ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return &v;
  return nullptr;
}

Result<ParsedUrl> parse_hub_url(std::string_view url) {
  ParsedUrl p;
  if (url.starts_with("https://")) {
    p.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return fail(Errc::invalid_argument, "hub URL '{}' must start with http:// or https://", url);
  }
  url = url.substr(0, url.find('/'));
  std::string_view host = url, port = p.tls ? "443" : "80";
  if (url.starts_with("[")) {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return fail(Errc::invalid_argument, "bad IPv6 host in hub URL");
    host = url.substr(1, close - 1);
    if (close + 1 < url.size() && url[close + 1] == ':') port = url.substr(close + 2);
  } else if (auto colon = url.rfind(':'); colon != std::string_view::npos) {
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
  }
  if (host.empty() || port.empty()) return fail(Errc::invalid_argument, "hub URL needs a host");
  p.host = std::string(host);
  p.port = std::string(port);
  return p;
}

namespace {

template <class Stream>
Result<ClientResponse> exchange(Stream& stream, const ClientOptions& o, const ParsedUrl& u, std::string_view method,
                                std::string_view target, std::string_view body,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, u.host);
  req.set(http::field::user_agent, "mamori-cli");
  req.set(http::field::accept, "application/json");
  if (!o.key.empty()) req.set(http::field::authorization, "Bearer " + o.key);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::string(body);
  req.keep_alive(false);
  req.prepare_payload();
  beast::error_code ec;
  http::write(stream, req, ec);
  if (ec) return fail(Errc::io_error, "sending to {}: {}", o.url, ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  if (ec) return fail(Errc::io_error, "reading from {}: {}", o.url, ec.message());
  ClientResponse r;
  r.status = static_cast<int>(parser.get().result_int());
  r.body = std::move(parser.get().body());
  for (const auto& f : parser.get()) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return r;
}

}  // namespace

Result<ClientResponse> hub_request(const ClientOptions& o, std::string_view method, std::string_view target,
                                   std::string_view body,
                                   const std::vector<std::pair<std::string, std::string>>& headers) {
  auto u = parse_hub_url(o.url);
  if (!u) return tl::unexpected(u.error());
  net::io_context ioc;
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(u->host, u->port, ec);
  if (ec) return fail(Errc::io_error, "cannot resolve {}: {}", u->host, ec.message());
  beast::tcp_stream tcp_stream(ioc);
  tcp_stream.expires_after(o.timeout);
  // Synchronous calls do not honour the stream's timer: bound the socket instead.
  tcp_stream.connect(endpoints, ec);
  if (ec) return fail(Errc::io_error, "cannot connect to {}: {}", o.url, ec.message());
  const timeval tv{static_cast<time_t>(o.timeout.count() / 1000), static_cast<suseconds_t>((o.timeout.count() % 1000) * 1000)};
  ::setsockopt(tcp_stream.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(tcp_stream.socket().native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (!u->tls) return exchange(tcp_stream, o, *u, method, target, body, headers);

  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_peer, ec);
  if (o.ca_file.empty()) ctx.set_default_verify_paths(ec);
  else ctx.load_verify_file(o.ca_file, ec);
  if (ec) return fail(Errc::invalid_argument, "TLS trust store: {}", ec.message());
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), ctx);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), u->host.c_str()))
    return fail(Errc::io_error, "TLS: cannot set SNI");
  stream.set_verify_callback(ssl::host_name_verification(u->host), ec);
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return fail(Errc::io_error, "TLS handshake with {}: {}", o.url, ec.message());
  auto r = exchange(stream, o, *u, method, target, body, headers);
  stream.shutdown(ec);  // the server may just close: not an error for us
  return r;
}

std::string describe_error(const ClientResponse& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.get_object().if_contains("error"); e && e->is_object()) {
      const auto& eo = e->get_object();
      const auto* code = eo.if_contains("code");
      const auto* msg = eo.if_contains("message");
      if (code && code->is_string() && msg && msg->is_string())
        return fmt::format("{} {}: {}", r.status, std::string_view(code->get_string()), std::string_view(msg->get_string()));
    }
  }
  return fmt::format("{} {}", r.status, r.body.substr(0, 200));
}

}  // namespace mamori::hub

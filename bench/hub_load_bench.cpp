// An open-loop HTTP load generator for the hub (run it as a second process on
// loopback): requests are scheduled at a fixed rate whatever the server does,
// and each latency is measured from the time the request was *due*, so a slow
// server shows up as latency rather than as a lower request rate (no
// coordinated omission, as in wrk2).
//
//   hub_load_bench --url http://127.0.0.1:8080 --key "$KEY" --path /v1/organisations/acme
//                  --rate 2000 --seconds 10 --connections 32
//   hub_load_bench ... --path /v1/reports --method POST --body-file quick.json
//                  (every "{n}" in the body becomes the request's sequence number, and each
//                  request carries Idempotency-Key: load-<pid>-<n>)
//   hub_load_bench ... --header "X-Request-Purpose: cybersecurity_analysis"
//
// Prints one JSON line: requests, achieved rate, non-2xx/errors, and latency
// percentiles in milliseconds. The key is read from --key or MAMORI_KEY and
// never printed.
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "mamori/hub/client/hub_client.hpp"

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string url = "http://127.0.0.1:8080";
  std::string key;
  std::string path = "/healthz";
  double rate = 2000;
  double seconds = 10;
  double warmup = 2;
  int connections = 32;
  std::string method = "GET";
  std::string body_template;  // POST: "{n}" is replaced by the request's sequence number
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Load {
  Options options;
  net::io_context ioc;
  tcp::resolver::results_type endpoints;
  std::deque<Clock::time_point> due;  // scheduled, not yet sent
  std::vector<double> latencies_ms;
  std::uint64_t non_2xx = 0, errors = 0, sent = 0;
  Clock::time_point measure_from{}, end{};
  http::request<http::string_body> request;
  std::uint64_t sequence = 0;
};

std::string body_for(const std::string& tmpl, std::uint64_t n) {
  std::string out;
  const std::string num = std::to_string(n);
  for (std::size_t i = 0; i < tmpl.size();) {
    if (tmpl.compare(i, 3, "{n}") == 0) {
      out += num;
      i += 3;
    } else {
      out += tmpl[i++];
    }
  }
  return out;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(Load& load) : load_(load), stream_(load.ioc) {}

  void connect() {
    beast::error_code ec;
    stream_.connect(load_.endpoints, ec);
    if (ec) {
      std::fprintf(stderr, "hub_load_bench: cannot connect: %s\n", ec.message().c_str());
      std::exit(1);
    }
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  bool idle() const noexcept { return idle_; }

  void send(Clock::time_point due) {
    idle_ = false;
    due_ = due;
    ++load_.sent;
    request_ = load_.request;
    if (!load_.options.body_template.empty()) {
      const auto n = ++load_.sequence;
      request_.body() = body_for(load_.options.body_template, n);
      request_.set("Idempotency-Key", "load-" + std::to_string(::getpid()) + "-" + std::to_string(n));
      request_.prepare_payload();
    }
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->failed();
      self->parser_.emplace();
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](beast::error_code e, std::size_t) { self->on_read(e); });
    });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) return failed();
    const auto now = Clock::now();
    if (due_ >= load_.measure_from) {
      load_.latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - due_).count());
      const auto status = parser_->get().result_int();
      if (status < 200 || status >= 300) ++load_.non_2xx;
    }
    next();
  }

  void failed() {
    ++load_.errors;
    beast::error_code ignored;
    stream_.socket().close(ignored);
    connect();
    next();
  }

  void next() {
    if (!load_.due.empty()) {
      const auto d = load_.due.front();
      load_.due.pop_front();
      send(d);
    } else {
      idle_ = true;
    }
  }

  Load& load_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  Clock::time_point due_{};
  bool idle_ = true;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(std::min<double>(static_cast<double>(v.size() - 1), p / 100 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  Load load;
  auto& o = load.options;
  if (const char* k = std::getenv("MAMORI_KEY")) o.key = k;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--url") o.url = v;
    else if (a == "--key") o.key = v;
    else if (a == "--path") o.path = v;
    else if (a == "--rate") o.rate = std::atof(v.c_str());
    else if (a == "--seconds") o.seconds = std::atof(v.c_str());
    else if (a == "--warmup") o.warmup = std::atof(v.c_str());
    else if (a == "--connections") o.connections = std::atoi(v.c_str());
    else if (a == "--method")
      o.method = v;
    else if (a == "--body-file") {
      std::ifstream f(v);
      std::stringstream ss;
      ss << f.rdbuf();
      if (!f) {
        std::fprintf(stderr, "hub_load_bench: cannot read %s\n", v.c_str());
        return 2;
      }
      o.body_template = ss.str();
    } else if (a == "--header") {
      const auto colon = v.find(':');
      if (colon == std::string::npos) {
        std::fprintf(stderr, "hub_load_bench: --header takes 'Name: value'\n");
        return 2;
      }
      o.headers.emplace_back(v.substr(0, colon), v.substr(v.find_first_not_of(' ', colon + 1)));
    } else {
      std::fprintf(stderr, "hub_load_bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (o.rate <= 0 || o.seconds <= 0 || o.connections <= 0) {
    std::fprintf(stderr, "hub_load_bench: --rate, --seconds and --connections must be positive\n");
    return 2;
  }
  auto url = mamori::hub::parse_hub_url(o.url);
  if (!url || url->tls) {
    std::fprintf(stderr, "hub_load_bench: --url must be http://host:port\n");
    return 2;
  }
  beast::error_code ec;
  tcp::resolver resolver(load.ioc);
  load.endpoints = resolver.resolve(url->host, url->port, ec);
  if (ec) {
    std::fprintf(stderr, "hub_load_bench: cannot resolve %s\n", url->host.c_str());
    return 1;
  }
  load.request =
      http::request<http::string_body>(o.method == "POST" ? http::verb::post : http::verb::get, o.path, 11);
  load.request.set(http::field::host, url->host);
  if (o.method == "POST") load.request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : o.headers) load.request.set(name, value);
  if (!o.key.empty()) load.request.set(http::field::authorization, "Bearer " + o.key);
  load.request.keep_alive(true);

  std::vector<std::shared_ptr<Connection>> conns;
  for (int i = 0; i < o.connections; ++i) {
    conns.push_back(std::make_shared<Connection>(load));
    conns.back()->connect();
  }
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);
  const auto start = Clock::now();
  load.measure_from = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  load.end = load.measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::uint64_t scheduled = 0;
  std::size_t rr = 0;
  net::steady_timer timer(load.ioc);
  std::function<void()> tick = [&] {
    const auto now = Clock::now();
    // Every request due by now is issued (to an idle connection) or queued.
    for (;;) {
      const auto due = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(scheduled));
      if (due > now || due >= load.end) break;
      ++scheduled;
      bool sent = false;
      for (std::size_t k = 0; k < conns.size() && !sent; ++k) {
        auto& c = conns[(rr + k) % conns.size()];
        if (c->idle()) {
          c->send(due);
          rr = (rr + k + 1) % conns.size();
          sent = true;
        }
      }
      if (!sent) load.due.push_back(due);
    }
    if (now < load.end) {
      timer.expires_after(std::chrono::microseconds(250));
      timer.async_wait([&](beast::error_code) { tick(); });
    }
  };
  tick();
  // Stop once the schedule is done and answered (or 10 s after the end).
  net::steady_timer finish(load.ioc);
  std::function<void()> check = [&] {
    const bool drained = Clock::now() >= load.end && load.due.empty() &&
                         std::all_of(conns.begin(), conns.end(), [](auto& c) { return c->idle(); });
    if (drained || Clock::now() > load.end + std::chrono::seconds(10)) {
      load.ioc.stop();
      return;
    }
    finish.expires_after(std::chrono::milliseconds(20));
    finish.async_wait([&](beast::error_code) { check(); });
  };
  check();
  load.ioc.run();

  auto& l = load.latencies_ms;
  const double measured = static_cast<double>(l.size());
  std::printf(
      "{\"method\":\"%s\",\"path\":\"%s\",\"target_rate\":%.0f,\"connections\":%d,\"seconds\":%.1f,"
      "\"requests\":%zu,\"achieved_rate\":%.1f,"
      "\"non_2xx\":%llu,\"errors\":%llu,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
      "\"max_ms\":%.3f}\n",
      o.method.c_str(), o.path.c_str(), o.rate, o.connections, o.seconds, l.size(), measured / o.seconds,
      static_cast<unsigned long long>(load.non_2xx), static_cast<unsigned long long>(load.errors),
      percentile(l, 50), percentile(l, 90), percentile(l, 99), percentile(l, 99.9),
      l.empty() ? 0 : *std::max_element(l.begin(), l.end()));
  return load.non_2xx == 0 && load.errors == 0 ? 0 : 1;
}

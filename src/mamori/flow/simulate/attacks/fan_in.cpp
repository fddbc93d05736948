#include "mamori/flow/simulate/attacks/fan_in.hpp"

#include <algorithm>

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::string_view kAttack = "fanin";
}

FanInConfig default_fan_in_config() {
  FanInConfig c;
  constexpr TimeNs s = kNsPerSecond;
  c.botnets = {
      {120, 300 * s, 20 * s, 8080, 310, 190},
      {60, 600 * s, 30 * s, 6667, 120, 80},
  };
  return c;
}

Result<std::unique_ptr<FanInSource>> FanInSource::create(const FanInConfig& config, AttackEnvironment& env) {
  if (config.botnets.empty()) return fail(Errc::invalid_argument, "fanin: no botnets configured");
  std::unique_ptr<FanInSource> src(new FanInSource(config, env.factory()));
  Rng setup = env.rng(kAttack, 0);
  for (std::size_t i = 0; i < config.botnets.size(); ++i) {
    Botnet shape = config.botnets[i];
    if (shape.period < kNsPerSecond || shape.spread >= shape.period) {
      return fail(Errc::invalid_argument, "fanin: period must be at least 1s and longer than the spread");
    }
    shape.bots = scaled(shape.bots, env.intensity(), 2);
    auto label = env.take_label();
    if (!label) return tl::unexpected(label.error());
    Net net{env.infrastructure().allocate(InfraUse::c2_hosting, false, setup), shape, *label,
            env.start() + static_cast<TimeNs>(setup.uniform() * static_cast<double>(shape.period))};
    src->planted_.push_back({*label, std::string(kAttack), {{net.server.address, "c2_server", true}}});
    const auto net_index = static_cast<std::uint32_t>(src->nets_.size());
    src->nets_.push_back(net);
    for (std::uint32_t sub : env.pick_subscribers(shape.bots, setup)) {
      const auto actor = static_cast<std::uint32_t>(src->bots_.size());
      Bot bot{net_index, env.subscribers()[sub], 0, 0, env.rng(kAttack, 1 + (i << 20) + actor)};
      bot.offset = static_cast<TimeNs>(bot.rng.uniform() * static_cast<double>(shape.spread));
      src->bots_.push_back(bot);
      src->schedule(actor, src->contact_time(src->bots_.back()));
      src->rate_ += 2.0 * 1e9 / static_cast<double>(shape.period);
    }
  }
  return src;
}

double FanInSource::rate_at(TimeNs) const noexcept { return rate_; }

TimeNs FanInSource::contact_time(const Bot& bot) noexcept {
  const Net& net = nets_[bot.net];
  return net.first_tick + bot.tick * net.shape.period + bot.offset;
}

TimeNs FanInSource::act(std::uint32_t actor, TimeNs now, FlowBatch& out) {
  Bot& bot = bots_[actor];
  const Net& net = nets_[bot.net];
  Rng& rng = bot.rng;
  if (!rng.chance(config_.offline_share)) {
    TcpConversation c;
    // A bot's timer drifts by a second or two around its own slot.
    c.start = now + rng.below(2000) * kNsPerMs;
    c.client = bot.host.peer(false, static_cast<std::uint16_t>(rng.between(32768, 60999)));
    c.server = {net.server.address, net.shape.port, net.server.interface};
    c.rtt_ms = std::max(1.0, net.server.rtt_ms * rng.lognormal(1.0, 0.08));
    c.request_payload = net.shape.request_payload;
    c.response_payload = net.shape.response_payload;
    c.duration_ms = 2.0 * c.rtt_ms + rng.lognormal(15, 0.4);
    add_tcp_conversation(factory_, c, net.label, out);
  }
  ++bot.tick;
  return contact_time(bot);
}

}  // namespace mamori::flow::sim::attacks

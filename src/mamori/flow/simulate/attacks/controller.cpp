#include "mamori/flow/simulate/attacks/controller.hpp"

#include <algorithm>

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::string_view kAttack = "controller";
constexpr TimeNs kSlice = 60 * kNsPerSecond;   // flood records are cut as an exporter's active timeout does
constexpr std::uint64_t kFloodPacket = 540;    // 512 bytes of junk, as Mirai's UDP flood sends

TimeNs uniform_between(TimeNs lo, TimeNs hi, Rng& rng) noexcept {
  return hi <= lo ? lo : lo + static_cast<TimeNs>(rng.uniform() * static_cast<double>(hi - lo));
}
}  // namespace

ControllerConfig default_controller_config() { return ControllerConfig{}; }

Result<std::unique_ptr<ControllerSource>> ControllerSource::create(const ControllerConfig& config,
                                                                   AttackEnvironment& env) {
  if (config.rounds.empty() || config.bots == 0) return fail(Errc::invalid_argument, "controller: needs bots and rounds");
  if (config.lead_max < config.lead_min || config.flood_max < config.flood_min || config.flood_min == 0) {
    return fail(Errc::invalid_argument, "controller: lead and flood ranges must be ordered and floods positive");
  }
  std::unique_ptr<ControllerSource> src(new ControllerSource(config, env.factory()));
  Rng setup = env.rng(kAttack, 0);
  auto label = env.take_label();
  if (!label) return tl::unexpected(label.error());
  src->label_ = *label;
  src->controller_ = env.infrastructure().allocate(InfraUse::c2_hosting, false, setup);
  src->victim_ = env.infrastructure().allocate(InfraUse::open_service, false, setup);
  for (double r : config.rounds) src->round_starts_.push_back(env.at_fraction(r) + config.lead_max);
  std::sort(src->round_starts_.begin(), src->round_starts_.end());
  src->planted_.push_back({*label, std::string(kAttack), {{src->controller_.address, "controller", true}}});
  const std::uint32_t bots = scaled(config.bots, env.intensity(), 2);
  for (std::uint32_t sub : env.pick_subscribers(bots, setup)) {
    const auto actor = static_cast<std::uint32_t>(src->bots_.size());
    src->bots_.push_back({env.subscribers()[sub], env.rng(kAttack, 1 + actor)});
    src->schedule(actor, src->contact_time(src->bots_.back()));
  }
  return src;
}

TimeNs ControllerSource::contact_time(Bot& bot) const noexcept {
  if (bot.round >= round_starts_.size()) return kNever;
  return round_starts_[bot.round] - uniform_between(config_.lead_min, config_.lead_max, bot.rng);
}

double ControllerSource::rate_at(TimeNs t) const noexcept {
  for (TimeNs start : round_starts_) {
    if (t + config_.lead_max >= start && t < start + config_.flood_max) {
      return static_cast<double>(bots_.size()) * (2.0 / 60.0 + 1e9 / static_cast<double>(kSlice));
    }
  }
  return 0.0;
}

TimeNs ControllerSource::act(std::uint32_t actor, TimeNs now, FlowBatch& out) {
  Bot& bot = bots_[actor];
  Rng& rng = bot.rng;
  if (!bot.flooding) {
    // Check in, receive the order (target, method, duration), start on the round's signal.
    TcpConversation c;
    c.start = now;
    c.client = bot.host.peer(false, static_cast<std::uint16_t>(rng.between(32768, 60999)));
    c.server = {controller_.address, config_.port, controller_.interface};
    c.rtt_ms = std::max(1.0, controller_.rtt_ms * rng.lognormal(1.0, 0.08));
    c.request_payload = 40 + rng.below(8);
    c.response_payload = 70 + rng.below(16);
    c.duration_ms = 2.0 * c.rtt_ms + rng.lognormal(30, 0.5);
    add_tcp_conversation(factory_, c, label_, out);
    const TimeNs start = round_starts_[bot.round] + uniform_between(0, 3 * kNsPerSecond, rng);
    bot.flooding = true;
    bot.flood_end = start + uniform_between(config_.flood_min, config_.flood_max, rng);
    bot.flood_end -= bot.flood_end % kNsPerMs;  // records carry whole milliseconds
    return std::max(start, now + kNsPerMs);
  }
  const TimeNs length = std::min(kSlice, bot.flood_end - std::min(bot.flood_end, now));
  if (length >= kNsPerMs) {
    const double pps = config_.flood_mbps * 1e6 / 8.0 / kFloodPacket * rng.lognormal(1.0, 0.3);
    const auto packets = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(pps * static_cast<double>(length) / 1e9));
    FlowRecord f = factory_.make(now, now + length - kNsPerMs,
                                 bot.host.peer(false, static_cast<std::uint16_t>(rng.between(1024, 65535))),
                                 {victim_.address, config_.flood_port, victim_.interface}, kProtoUdp);
    f.packets = f.raw_packets = packets;
    f.bytes = f.raw_bytes = packets * kFloodPacket;
    out.flows.push_back(f);
    out.labels.push_back(label_);
  }
  if (now + length < bot.flood_end && length >= kNsPerMs) return now + length;
  bot.flooding = false;
  ++bot.round;
  const TimeNs next = contact_time(bot);
  return next == kNever ? kNever : std::max(next, now + kNsPerMs);
}

}  // namespace mamori::flow::sim::attacks

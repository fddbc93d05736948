#include "mamori/flow/simulate/attacks/environment.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::uint16_t kServerFarmInterface = 50;  // as the background model numbers it

std::vector<IpAddress> background_addresses(const BackgroundTraffic& background) {
  std::vector<IpAddress> out;
  for (const auto& s : background.servers()) {
    out.push_back(s.v4);
    out.push_back(s.v6);
  }
  return out;
}

// FNV-1a: a stable number for an attack's name.
std::uint64_t name_hash(std::string_view name) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}
}  // namespace

AttackEnvironment::AttackEnvironment(const BackgroundTraffic& background, const BackgroundConfig& config,
                                     TimeNs horizon, double intensity)
    : seed_(config.seed),
      start_(config.start_ns - config.start_ns % kNsPerMs),
      horizon_(std::max<TimeNs>(horizon, kNsPerSecond)),
      active_timeout_(config.active_timeout_ns),
      intensity_(intensity),
      factory_(config.exporter, config.observation_domain),
      plan_(background.plan()),
      infrastructure_(plan_, background_addresses(background)) {
  for (const auto& p : plan_.home().access_v4) {
    if (!unreliable_for_planting(p)) target_blocks_.push_back(p);
  }
  auto reliable = [&](const IpAddress& a) {
    for (const auto& p : plan_.home().access_v4) {
      if (p.contains(a)) return !unreliable_for_planting(p);
    }
    for (const auto& p : plan_.home().access_v6) {
      if (p.contains(a)) return !unreliable_for_planting(p);
    }
    return false;
  };
  subscribers_.reserve(background.subscribers().size());
  for (const auto& h : background.subscribers()) {
    if (reliable(h.v4) && reliable(h.v6)) subscribers_.push_back({h.v4, h.v6, h.interface});
  }
  // A tiny world may have no subscriber in the reliable blocks; aiming at any is better than at none.
  if (subscribers_.empty()) {
    for (const auto& h : background.subscribers()) subscribers_.push_back({h.v4, h.v6, h.interface});
  }
  if (target_blocks_.empty()) target_blocks_ = plan_.home().access_v4;
  for (const auto& h : background.servers()) {
    if (h.country == 0) domestic_servers_.push_back({h.v4, h.v6, kServerFarmInterface});
  }
}

Rng AttackEnvironment::rng(std::string_view attack, std::uint64_t stream) const noexcept {
  return Rng(mix_seed(mix_seed(seed_, name_hash(attack)), stream));
}

Result<FlowLabel> AttackEnvironment::take_label() {
  if (next_label_ == 0) return fail(Errc::exhausted, "more than 65,535 planted instances");
  return next_label_++;  // wraps to 0 after 65,535, which the check above catches
}

std::vector<std::uint32_t> AttackEnvironment::pick_subscribers(std::size_t count, Rng& rng) const {
  const std::size_t n = subscribers_.size();
  std::vector<std::uint32_t> out;
  if (count >= n) {
    for (std::uint32_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  std::unordered_set<std::uint32_t> seen;
  while (out.size() < count) {
    const auto i = static_cast<std::uint32_t>(rng.below(n));
    if (seen.insert(i).second) out.push_back(i);
  }
  return out;
}

TimeNs AttackEnvironment::at_fraction(double at) const noexcept {
  const TimeNs t = start_ + static_cast<TimeNs>(std::clamp(at, 0.0, 1.0) * static_cast<double>(horizon_));
  return t - t % kNsPerMs;
}

std::uint32_t scaled(std::uint32_t count, double intensity, std::uint32_t floor) noexcept {
  return std::max(floor, static_cast<std::uint32_t>(std::llround(count * intensity)));
}

}  // namespace mamori::flow::sim::attacks

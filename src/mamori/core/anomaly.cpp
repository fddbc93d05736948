#include "mamori/core/anomaly.hpp"

namespace mamori {

namespace {
constexpr std::string_view kNames[] = {
#define MAMORI_ANOMALY_NAME(name, text) #name,
    MAMORI_ANOMALIES(MAMORI_ANOMALY_NAME)
#undef MAMORI_ANOMALY_NAME
};
constexpr std::string_view kTexts[] = {
#define MAMORI_ANOMALY_TEXT(name, text) text,
    MAMORI_ANOMALIES(MAMORI_ANOMALY_TEXT)
#undef MAMORI_ANOMALY_TEXT
};
}  // namespace

std::string_view anomaly_name(Anomaly a) noexcept {
  auto i = static_cast<std::size_t>(a);
  return i < kAnomalyCount ? kNames[i] : "unknown";
}

std::string_view anomaly_description(Anomaly a) noexcept {
  auto i = static_cast<std::size_t>(a);
  return i < kAnomalyCount ? kTexts[i] : "unknown";
}

std::uint64_t AnomalyCounters::total() const noexcept {
  std::uint64_t sum = 0;
  for (auto c : counts_) sum += c;
  return sum;
}

void AnomalyCounters::merge(const AnomalyCounters& other) noexcept {
  for (std::size_t i = 0; i < kAnomalyCount; ++i) counts_[i] += other.counts_[i];
}

}  // namespace mamori

#include "mamori/detect/indicator/indicator_detector.hpp"

#include <mutex>

#include "mamori/detect/builtin.hpp"
#include "mamori/detect/indicator/indicator_loader.hpp"
#include "mamori/detect/sketch/batch_prefetch.hpp"

namespace mamori::detect {

IndicatorDetector::IndicatorDetector(std::shared_ptr<const IndicatorSet> indicators,
                                     const DetectorLimits& limits)
    : indicators_(std::move(indicators)), matches_(limits.max_tracked) {}

void IndicatorDetector::record(const FlowEvent& e, const IpAddress& endpoint, const IpAddress& peer,
                               bool as_initiator, const IndicatorEntry* entry) {
  bool inserted = false;
  Match& m = matches_.find_or_insert(endpoint, inserted, [](const IpAddress&, Match&) {});
  m.entry = entry;
  m.evidence.add(*e.flow, peer, e.responder_port);
  ++(as_initiator ? m.as_initiator : m.as_responder);
  m.dirty = true;
}

void IndicatorDetector::observe(std::span<const FlowEvent> events) {
  if (indicators_->size() == 0) return;
  // A large feed does not fit the cache: both ends' lookups are requested a
  // few events ahead (sketch::for_each_prefetched; no hash to carry).
  const IndicatorSet& set = *indicators_;
  sketch::for_each_prefetched(
      events, [](const FlowEvent&) { return false; },
      [&set](const FlowEvent& e, bool) {
        set.prefetch(e.responder);
        set.prefetch(e.initiator);
      },
      [](const FlowEvent&, bool) {},
      [&](const FlowEvent& e, bool) {
        if (const IndicatorEntry* r = set.lookup(e.responder)) record(e, e.responder, e.initiator, false, r);
        if (const IndicatorEntry* i = set.lookup(e.initiator)) record(e, e.initiator, e.responder, true, i);
      });
}

void IndicatorDetector::emit(TimeNs, bool, std::vector<Finding>& out) {
  matches_.for_each([&](const IpAddress& endpoint, Match& m) {
    if (!m.dirty) return;
    m.dirty = false;
    Finding f;
    f.kind = FindingKind::indicator;
    f.detector = "indicator";
    f.endpoint = endpoint;
    f.role = "indicator";
    m.evidence.fill(f);
    const IndicatorEntry& entry = *m.entry;
    const unsigned length = entry.prefix.length();
    const unsigned full = entry.prefix.is_v4() ? 32 : 128;
    // An exact address is the strongest evidence; a broad prefix (a hosting range) much less.
    f.score = length == full ? 90.0 : 50.0 + 35.0 * static_cast<double>(length) / full;
    f.metrics = {{"prefix_length", static_cast<double>(length)},
                 {"as_initiator", static_cast<double>(m.as_initiator)},
                 {"as_responder", static_cast<double>(m.as_responder)}};
    f.attributes.emplace_back("matched", entry.prefix.to_string());
    if (!entry.source.id.empty()) f.attributes.emplace_back("indicator_id", entry.source.id);
    if (!entry.source.name.empty()) f.attributes.emplace_back("indicator_name", entry.source.name);
    if (!entry.source.tlp.empty()) f.attributes.emplace_back("tlp", entry.source.tlp);
    f.attributes.emplace_back("source", entry.source.origin);
    const std::string what = !entry.source.name.empty() ? fmt::format("'{}'", entry.source.name)
                             : !entry.source.id.empty() ? entry.source.id
                                                        : entry.source.origin;
    f.summary = fmt::format("{} matches indicator {} ({}{}): {} flows with {} peers", endpoint.to_string(),
                            what, entry.prefix.to_string(),
                            entry.source.tlp.empty() ? "" : fmt::format(", TLP:{}", entry.source.tlp),
                            f.flows, f.peers);
    out.push_back(std::move(f));
  });
}

std::string IndicatorDetector::status() const {
  const IndicatorLoadStats& s = indicators_->stats();
  return fmt::format(
      "{} indicators ({} addresses, {} prefixes); skipped {} duplicates, {} not an address pattern, {} "
      "unparsable "
      "patterns, {} revoked, {} non-STIX patterns, {} other STIX objects",
      indicators_->size(), s.addresses, s.prefixes, s.duplicates, s.not_address, s.unparsable, s.revoked,
      s.non_stix_patterns, s.other_objects);
}

namespace {

// Every worker's detector shares one loaded set: loading a large feed once,
// not once per worker. The cache lives in the registered factory, so it is
// per registry, not global.
class IndicatorCache {
 public:
  Result<std::shared_ptr<const IndicatorSet>> get(const std::string& files, IndicatorFormat format) {
    std::lock_guard lock(mutex_);
    const std::string key = fmt::format("{}|{}", static_cast<int>(format), files);
    if (auto it = sets_.find(key); it != sets_.end()) return it->second;
    auto set = std::make_shared<IndicatorSet>();
    std::string_view rest = files;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string path(rest.substr(0, comma));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
      if (path.empty()) continue;
      if (auto s = load_indicator_file(path, format, *set); !s) return tl::unexpected(s.error());
    }
    sets_.emplace(key, set);
    return std::shared_ptr<const IndicatorSet>(set);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const IndicatorSet>> sets_;
};

}  // namespace

void register_indicator(DetectorRegistry& registry) {
  auto cache = std::make_shared<IndicatorCache>();
  registry.add(DetectorInfo{
      "indicator",
      "Flows to or from known-bad addresses and prefixes (STIX 2.1, CSV, plain lists; longest prefix wins)",
      [cache](const DetectorOptions& options,
              const DetectorLimits& limits) -> Result<std::unique_ptr<Detector>> {
        auto files = options.text("files", "");
        if (!files) return tl::unexpected(files.error());
        auto format_name = options.text("format", "auto");
        if (!format_name) return tl::unexpected(format_name.error());
        auto format = parse_indicator_format(*format_name);
        if (!format) return tl::unexpected(format.error());
        auto set = cache->get(*files, *format);
        if (!set) return tl::unexpected(set.error());
        return std::unique_ptr<Detector>(std::make_unique<IndicatorDetector>(std::move(*set), limits));
      },
      true,
      {{"files", "\"\"", "indicator files, comma-separated (mamori detect --indicators adds to it)"},
       {"format", "auto", "auto (by extension/content), stix, csv or list"}}});
}

}  // namespace mamori::detect

// The behavioural detectors on real captures (Stratosphere IPS datasets in
// shared/data/c2-pcaps): flows assembled softflowd-style from the packets,
// oriented with the capturing network's country (CZ) as home, then fed to
// all five detectors together as an engine would.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mamori/detect/builtin.hpp"
#include "mamori/detect/flow_event.hpp"
#include "mamori/flow/source/flow_input_set.hpp"
#include "mamori/select/country_table.hpp"
#include "mamori/select/prefix_table.hpp"
#include "mamori/select/special_ranges.hpp"

namespace mamori::detect {
namespace {

// Domestic = in a home country, in special-purpose space, or of unknown country (as the selector decides).
class HomeCountries final : public LocalityClassifier {
 public:
  HomeCountries(select::CountryTable table, std::vector<select::CountryCode> home)
      : table_(std::move(table)), home_(std::move(home)) {
    for (const auto& range : select::special_purpose_ranges()) special_.insert(*Prefix::parse(range.prefix), 1);
  }
  bool is_domestic(const IpAddress& a) const noexcept override {
    if (special_.lookup(a) != 0) return true;
    const select::CountryCode c = table_.lookup(a);
    if (c == 0) return true;
    for (auto h : home_)
      if (h == c) return true;
    return false;
  }

 private:
  select::CountryTable table_;
  std::vector<select::CountryCode> home_;
  select::PrefixTable special_;
};

struct CaptureRun {
  std::vector<Finding> findings;
  std::size_t flows = 0;
};

CaptureRun run_all(const std::string& capture, const LocalityClassifier* classifier) {
  DetectorRegistry registry;
  register_beaconing(registry);
  register_fan_in(registry);
  register_scanning(registry);
  register_brute_force(registry);
  register_ddos(registry);
  std::vector<std::unique_ptr<Detector>> detectors;
  for (const auto& info : registry.all()) {
    auto d = info.factory(DetectorOptions{}, DetectorLimits{});
    EXPECT_TRUE(d) << info.name;
    if (d) detectors.push_back(std::move(*d));
  }
  EXPECT_EQ(detectors.size(), 5u);
  flow::FlowInputOptions options;
  options.kind = flow::InputKind::traffic_capture;
  auto input = flow::FlowInputSet::open({std::string(MAMORI_SHARED_DATA) + "/c2-pcaps/" + capture}, options);
  EXPECT_TRUE(input) << (input ? "" : input.error().message);
  CaptureRun run;
  if (!input) return run;
  TimeNs latest = 0;
  std::vector<FlowEvent> events;
  auto status = input->for_each_batch([&](std::span<const flow::FlowRecord> batch) -> Status {
    events.clear();
    for (const auto& r : batch) {
      events.push_back(orient(r, classifier));
      latest = std::max(latest, r.end_ns);
    }
    for (auto& d : detectors) d->observe(events);
    run.flows += batch.size();
    return {};
  });
  EXPECT_TRUE(status) << (status ? "" : status.error().message);
  for (auto& d : detectors) d->emit(latest, true, run.findings);
  for (const auto& f : run.findings)
    std::printf("  [%s] %s %s score %.1f: %s\n", f.detector.c_str(), std::string(finding_kind_name(f.kind)).c_str(),
                f.endpoint.to_string().c_str(), f.score, f.summary.c_str());
  return run;
}

std::unique_ptr<HomeCountries> czech_home() {
  auto table = select::CountryTable::load_mmdb(MAMORI_COUNTRY_DB);
  EXPECT_TRUE(table) << (table ? "" : table.error().message);
  if (!table) return nullptr;
  return std::make_unique<HomeCountries>(std::move(*table), std::vector<select::CountryCode>{select::make_country('C', 'Z')});
}

std::vector<const Finding*> of_kind(const CaptureRun& run, FindingKind kind) {
  std::vector<const Finding*> out;
  for (const auto& f : run.findings)
    if (f.kind == kind) out.push_back(&f);
  return out;
}

TEST(RealCaptures, TlsBeaconToTheC2ServerIsReported) {
  auto home = czech_home();
  ASSERT_NE(home, nullptr);
  // The C2 server is abroad; the capturing network is Czech.
  ASSERT_FALSE(home->is_domestic(*IpAddress::parse("141.193.213.20")));
  ASSERT_TRUE(home->is_domestic(*IpAddress::parse("147.32.80.37")));
  const CaptureRun run = run_all("test-cc-capture-2.pcap", home.get());
  EXPECT_GT(run.flows, 500u);
  const auto beacons = of_kind(run, FindingKind::beaconing);
  ASSERT_EQ(beacons.size(), 1u);
  const Finding& f = *beacons[0];
  EXPECT_EQ(f.endpoint, *IpAddress::parse("141.193.213.20"));
  EXPECT_EQ(f.role, "c2_server");
  EXPECT_EQ(f.ports, std::vector<std::uint16_t>{443});
  EXPECT_EQ(f.proto, 6);
  EXPECT_EQ(f.peers, 1u);
  ASSERT_FALSE(f.sample_peers.empty());
  EXPECT_EQ(f.sample_peers[0], *IpAddress::parse("147.32.80.37"));
  EXPECT_EQ(f.flows, 22u);  // the 22 TLS connections in the capture
  EXPECT_GE(f.score, 80);
  EXPECT_GT(f.first_seen, 0u);
  EXPECT_GE(f.sample_times.size(), 3u);
  // Nothing in this capture scans, brute-forces or floods.
  EXPECT_TRUE(of_kind(run, FindingKind::scanning).empty());
  EXPECT_TRUE(of_kind(run, FindingKind::brute_force).empty());
  EXPECT_TRUE(of_kind(run, FindingKind::reflection).empty());
  EXPECT_TRUE(of_kind(run, FindingKind::ddos_controller).empty());
}

void expect_brute_force(const CaptureRun& run) {
  // Reported when the pair first qualifies, and again at the end of input with all its attempts.
  const auto attacks = of_kind(run, FindingKind::brute_force);
  ASSERT_FALSE(attacks.empty());
  for (const Finding* f : attacks) {
    EXPECT_EQ(f->endpoint, *IpAddress::parse("147.32.80.40"));
    EXPECT_EQ(f->role, "brute_forcer");
    EXPECT_EQ(f->ports, std::vector<std::uint16_t>{902});
    ASSERT_EQ(f->sample_peers.size(), 1u);
    EXPECT_EQ(f->sample_peers[0], *IpAddress::parse("147.32.80.37"));
    EXPECT_GE(f->score, 60);
  }
  const Finding& f = *attacks.back();
  EXPECT_EQ(f.flows, 67u);  // every connection to port 902 in the capture
  EXPECT_GT(f.first_seen, 0u);
  EXPECT_LT(f.last_seen - f.first_seen, 15 * kNsPerSecond);
  // One target and one port: not a scan.
  EXPECT_TRUE(of_kind(run, FindingKind::scanning).empty());
}

TEST(RealCaptures, SshBruteForceOnPort902IsReportedWithCzechHome) {
  auto home = czech_home();
  ASSERT_NE(home, nullptr);
  // Both ends are domestic: orient() keys the flow on the responder.
  ASSERT_TRUE(home->is_domestic(*IpAddress::parse("147.32.80.40")));
  const CaptureRun run = run_all("malicious-ssh-bruteforce.pcap", home.get());
  EXPECT_GT(run.flows, 100u);
  expect_brute_force(run);
}

TEST(RealCaptures, SshBruteForceOnPort902IsReportedOnUnselectedData) {
  // No locality at all (neither end foreign), as `mamori detect` on a raw capture without --home.
  const CaptureRun run = run_all("malicious-ssh-bruteforce.pcap", nullptr);
  expect_brute_force(run);
}

}  // namespace
}  // namespace mamori::detect

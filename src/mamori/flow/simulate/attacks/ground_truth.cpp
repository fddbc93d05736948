#include "mamori/flow/simulate/attacks/ground_truth.hpp"

#include <algorithm>

namespace mamori::flow::sim::attacks {

namespace {
template <class T>
void insert_sorted(std::vector<T>& v, T x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}
}  // namespace

Status GroundTruth::declare(const PlantedInstance& instance) {
  if (instance.label == kBackgroundLabel) return fail(Errc::invalid_argument, "planted instances need a non-zero label");
  if (by_label_.contains(instance.label)) return fail(Errc::invalid_argument, "label {} declared twice", instance.label);
  const std::size_t index = instances_.size();
  by_label_.emplace(instance.label, index);
  instances_.push_back(instance);
  auto& slots = endpoints_.emplace_back();
  for (const PlantedEndpoint& e : instance.endpoints) {
    if (slots.contains(e.address)) continue;
    slots.emplace(e.address, seen_.size());
    Seen s;
    s.instance = index;
    s.endpoint = e;
    seen_.push_back(std::move(s));
  }
  return {};
}

void GroundTruth::record(Seen& seen, const FlowRecord& f, bool endpoint_is_src) {
  if (seen.flows++ == 0) {
    seen.start = f.start_ns;
    seen.end = f.end_ns;
  } else {
    seen.start = std::min(seen.start, f.start_ns);
    seen.end = std::max(seen.end, f.end_ns);
  }
  seen.peers.insert(endpoint_is_src ? f.dst_addr : f.src_addr);
  // ICMP's "port" is a type and code (an unreachable the victim sends back),
  // not a service port of the endpoint, and not its protocol of choice.
  if (is_icmp(f.proto)) return;
  insert_sorted(seen.protos, f.proto);
  const bool own = seen.endpoint.serves;
  const std::uint16_t port = own == endpoint_is_src ? f.src_port : f.dst_port;
  insert_sorted(seen.ports, port);
}

void GroundTruth::observe(std::span<const FlowRecord> flows, std::span<const FlowLabel> labels) {
  for (std::size_t i = 0; i < flows.size() && i < labels.size(); ++i) {
    if (labels[i] == kBackgroundLabel) continue;
    ++planted_flows_;
    const auto it = by_label_.find(labels[i]);
    if (it == by_label_.end()) {
      ++undeclared_flows_;
      continue;
    }
    const auto& slots = endpoints_[it->second];
    const FlowRecord& f = flows[i];
    bool touched = false;
    if (auto s = slots.find(f.src_addr); s != slots.end()) {
      record(seen_[s->second], f, true);
      touched = true;
    }
    if (auto d = slots.find(f.dst_addr); d != slots.end()) {
      record(seen_[d->second], f, false);
      touched = true;
    }
    if (!touched) ++supporting_flows_;
  }
}

std::vector<LabelRow> GroundTruth::rows() const {
  std::vector<LabelRow> out;
  for (const Seen& s : seen_) {
    if (s.flows == 0) continue;
    const PlantedInstance& inst = instances_[s.instance];
    LabelRow r;
    r.attack = inst.attack;
    r.endpoint = s.endpoint.address;
    r.role = s.endpoint.role;
    r.ports = s.ports;
    r.protos = s.protos;
    if (r.protos.empty()) r.protos.push_back(s.endpoint.address.is_v4() ? kProtoIcmp : kProtoIcmpV6);
    r.start = s.start;
    r.end = s.end;
    r.label = inst.label;
    r.peers = s.peers.size();
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const LabelRow& a, const LabelRow& b) {
    if (a.label != b.label) return a.label < b.label;
    if (a.start != b.start) return a.start < b.start;
    return a.endpoint < b.endpoint;
  });
  return out;
}

}  // namespace mamori::flow::sim::attacks

#include "mamori/flow/decode/sflow.hpp"
namespace mamori::flow {
bool looks_like_sflow5(Bytes d) noexcept { return d.size() >= 28 && load_be32(d.data()) == 5; }
void decode_sflow(Bytes, TimeNs, std::vector<FlowRecord>&, AnomalyCounters& a, SflowStats& s) noexcept {
  ++s.datagrams;
  a.add(Anomaly::sflow_bad_header);
}
}  // namespace mamori::flow

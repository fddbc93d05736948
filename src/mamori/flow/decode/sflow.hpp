#pragma once
// sFlow v5 (sflow.org/sflow_version_5.txt): flow samples and expanded flow
// samples become one FlowRecord each (packets = 1 scaled by the sampling
// rate); counter samples are counted and skipped.
#include <vector>

#include "mamori/core/anomaly.hpp"
#include "mamori/core/byte_reader.hpp"
#include "mamori/core/time.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {

struct SflowStats {
  std::uint64_t datagrams = 0;
  std::uint64_t flow_samples = 0;
  std::uint64_t counter_samples = 0;
};

// True when the datagram starts like an sFlow v5 header (used to tell export kinds apart).
bool looks_like_sflow5(Bytes datagram) noexcept;

// Decodes one datagram. sFlow carries no flow timestamps, so start and end are
// `received_ns`. The exporter is the agent address and the observation domain
// the sub-agent ID. Never throws; malformed parts are counted and skipped.
void decode_sflow(Bytes datagram, TimeNs received_ns, std::vector<FlowRecord>& out, AnomalyCounters& anomalies,
                  SflowStats& stats) noexcept;

}  // namespace mamori::flow

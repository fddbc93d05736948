#pragma once
// sFlow v5 (sflow.org/sflow_version_5.txt): flow samples and expanded flow
// samples become one FlowRecord each (packets = 1 scaled by the sampling
// rate); counter samples are counted and skipped.
//
// Per flow sample the 5-tuple comes from the first decodable record, in this
// order of preference: raw packet header (Ethernet, IPv4 or IPv6; the outer
// headers, so a VXLAN frame reports its underlay), then sampled IPv4 / IPv6.
// raw_bytes is the header record's frame_length (or the sampled IP length),
// bytes = raw_bytes * sampling_rate, packets = sampling_rate.
//
// Interfaces: input_if/output_if carry the ifIndex when the sample names a
// single interface. They are 0 when the agent reports "unknown", the device
// itself (0x3fffffff in the compact form), a discarded packet (format 1) or
// several output interfaces (format 2); the last two are counted in SflowStats.
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
  std::uint64_t other_samples = 0;       // enterprise != 0 or unknown sample formats, skipped
  std::uint64_t discarded_samples = 0;   // output format 1: the agent dropped the packet
  std::uint64_t multi_output_samples = 0;  // output format 2: sent to several interfaces
  std::uint64_t agent_drops = 0;         // sum of the samples' "drops" counters
};

// True when the datagram starts like an sFlow v5 header (used to tell export kinds apart).
bool looks_like_sflow5(Bytes datagram) noexcept;

// Decodes one datagram. sFlow carries no flow timestamps, so start and end are
// `received_ns`. The exporter is the agent address and the observation domain
// the sub-agent ID. Never throws; malformed parts are counted and skipped.
void decode_sflow(Bytes datagram, TimeNs received_ns, std::vector<FlowRecord>& out, AnomalyCounters& anomalies,
                  SflowStats& stats) noexcept;

}  // namespace mamori::flow

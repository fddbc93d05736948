#pragma once
// IANA IPFIX Information Element numbers (the same numbers as NetFlow v9
// field types for 1..127) that mamori maps into FlowRecord.
#include <cstdint>

namespace mamori::flow::ie {

inline constexpr std::uint16_t octetDeltaCount = 1;
inline constexpr std::uint16_t packetDeltaCount = 2;
inline constexpr std::uint16_t protocolIdentifier = 4;
inline constexpr std::uint16_t ipClassOfService = 5;
inline constexpr std::uint16_t tcpControlBits = 6;
inline constexpr std::uint16_t sourceTransportPort = 7;
inline constexpr std::uint16_t sourceIPv4Address = 8;
inline constexpr std::uint16_t ingressInterface = 10;
inline constexpr std::uint16_t destinationTransportPort = 11;
inline constexpr std::uint16_t destinationIPv4Address = 12;
inline constexpr std::uint16_t egressInterface = 14;
inline constexpr std::uint16_t flowEndSysUpTime = 21;
inline constexpr std::uint16_t flowStartSysUpTime = 22;
inline constexpr std::uint16_t postOctetDeltaCount = 23;
inline constexpr std::uint16_t postPacketDeltaCount = 24;
inline constexpr std::uint16_t sourceIPv6Address = 27;
inline constexpr std::uint16_t destinationIPv6Address = 28;
inline constexpr std::uint16_t icmpTypeCodeIPv4 = 32;
inline constexpr std::uint16_t samplingInterval = 34;
inline constexpr std::uint16_t samplingAlgorithm = 35;
inline constexpr std::uint16_t samplerId = 48;
inline constexpr std::uint16_t samplerMode = 49;
inline constexpr std::uint16_t samplerRandomInterval = 50;
inline constexpr std::uint16_t ipVersion = 60;
inline constexpr std::uint16_t flowDirection = 61;
inline constexpr std::uint16_t octetTotalCount = 85;
inline constexpr std::uint16_t packetTotalCount = 86;
inline constexpr std::uint16_t exporterIPv4Address = 130;
inline constexpr std::uint16_t exporterIPv6Address = 131;
inline constexpr std::uint16_t icmpTypeCodeIPv6 = 139;
inline constexpr std::uint16_t flowStartSeconds = 150;
inline constexpr std::uint16_t flowEndSeconds = 151;
inline constexpr std::uint16_t flowStartMilliseconds = 152;
inline constexpr std::uint16_t flowEndMilliseconds = 153;
inline constexpr std::uint16_t flowStartMicroseconds = 154;
inline constexpr std::uint16_t flowEndMicroseconds = 155;
inline constexpr std::uint16_t flowStartNanoseconds = 156;
inline constexpr std::uint16_t flowEndNanoseconds = 157;
inline constexpr std::uint16_t flowStartDeltaMicroseconds = 158;
inline constexpr std::uint16_t flowEndDeltaMicroseconds = 159;
inline constexpr std::uint16_t systemInitTimeMilliseconds = 160;
inline constexpr std::uint16_t icmpTypeIPv4 = 176;
inline constexpr std::uint16_t icmpCodeIPv4 = 177;
inline constexpr std::uint16_t icmpTypeIPv6 = 178;
inline constexpr std::uint16_t icmpCodeIPv6 = 179;
inline constexpr std::uint16_t ingressPhysicalInterface = 252;
inline constexpr std::uint16_t egressPhysicalInterface = 253;
inline constexpr std::uint16_t selectorId = 302;
inline constexpr std::uint16_t samplingPacketInterval = 305;
inline constexpr std::uint16_t samplingPacketSpace = 306;
inline constexpr std::uint16_t dataLinkFrameSize = 312;
inline constexpr std::uint16_t observationTimeMilliseconds = 323;
inline constexpr std::uint16_t ipHeaderPacketSection = 313;
inline constexpr std::uint16_t dataLinkFrameSection = 315;

// RFC 5103 reverse elements are these numbers under this private enterprise.
inline constexpr std::uint32_t kReversePen = 29305;

}  // namespace mamori::flow::ie

#include "mamori/select/special_ranges.hpp"

namespace mamori::select {

namespace {
// iana-ipv4-special-registry and iana-ipv6-special-registry (2024), multicast, reserved.
constexpr SpecialRange kRanges[] = {
    {"0.0.0.0/8", "this network"},
    {"10.0.0.0/8", "private-use"},
    {"100.64.0.0/10", "shared address space (CGNAT)"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link local"},
    {"172.16.0.0/12", "private-use"},
    {"192.0.0.0/24", "IETF protocol assignments"},
    {"192.0.2.0/24", "documentation (TEST-NET-1)"},
    {"192.31.196.0/24", "AS112-v4"},
    {"192.52.193.0/24", "AMT"},
    {"192.88.99.0/24", "deprecated 6to4 relay anycast"},
    {"192.168.0.0/16", "private-use"},
    {"192.175.48.0/24", "direct delegation AS112"},
    {"198.18.0.0/15", "benchmarking"},
    {"198.51.100.0/24", "documentation (TEST-NET-2)"},
    {"203.0.113.0/24", "documentation (TEST-NET-3)"},
    {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved"},
    {"255.255.255.255/32", "limited broadcast"},
    {"::/128", "unspecified"},
    {"::1/128", "loopback"},
    {"64:ff9b::/96", "IPv4-IPv6 translation"},
    {"64:ff9b:1::/48", "local-use IPv4/IPv6 translation"},
    {"100::/64", "discard-only"},
    {"2001::/23", "IETF protocol assignments"},
    {"2001:db8::/32", "documentation"},
    {"3fff::/20", "documentation"},
    {"5f00::/16", "segment routing SIDs"},
    {"fc00::/7", "unique local"},
    {"fe80::/10", "link-local unicast"},
    {"ff00::/8", "multicast"},
};
}  // namespace

std::span<const SpecialRange> special_purpose_ranges() noexcept { return kRanges; }

}  // namespace mamori::select

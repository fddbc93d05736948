#include "mamori/detect/flow_event.hpp"

#include "mamori/detect/sketch/hash.hpp"

namespace mamori::detect {

namespace {

constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kAck = 0x10;

// Services whose port alone says which side serves, even above 1023.
bool is_service_port(std::uint16_t port) noexcept {
  switch (port) {
    case 1194:
    case 1433:
    case 1521:
    case 1723:
    case 1883:
    case 1900:
    case 2049:
    case 3128:
    case 3306:
    case 3389:
    case 3478:
    case 4443:
    case 4500:
    case 5060:
    case 5061:
    case 5222:
    case 5223:
    case 5228:
    case 5353:
    case 5432:
    case 5683:
    case 5900:
    case 6379:
    case 6443:
    case 8000:
    case 8008:
    case 8080:
    case 8081:
    case 8443:
    case 8883:
    case 8888:
    case 9000:
    case 9090:
    case 9200:
    case 9443:
    case 11211:
    case 27017:
      return true;
    default:
      return false;
  }
}

// True when the record's source is the initiator.
bool source_initiates(const flow::FlowRecord& f) noexcept {
  if (flow::is_icmp(f.proto)) {
    // Requests (echo, timestamp, information, address mask, router solicitation) come from the initiator.
    const unsigned type = f.dst_port >> 8;
    if (f.proto == flow::kProtoIcmp) return type == 8 || type == 13 || type == 15 || type == 17 || type == 10;
    return type == 128 || type == 133 || type == 135;
  }
  if (f.proto == flow::kProtoTcp) {
    // A bare SYN opens; SYN+ACK answers. Cumulative flags of a whole flow keep both bits
    // only on the initiator's side when the handshake completed, so they decide only here.
    if ((f.tcp_flags & (kSyn | kAck)) == kSyn) return true;
  }
  const bool src_low = f.src_port < 1024, dst_low = f.dst_port < 1024;
  if (src_low != dst_low) return dst_low;
  const bool src_service = is_service_port(f.src_port), dst_service = is_service_port(f.dst_port);
  if (src_service != dst_service) return dst_service;
  // Both ephemeral or both services: the lower port is more likely the service.
  if (f.src_port != f.dst_port) return f.dst_port < f.src_port;
  return true;
}

}  // namespace

std::uint64_t pair_hash_of(std::uint64_t initiator_hash, std::uint64_t responder_hash, std::uint16_t port,
                           std::uint8_t proto) noexcept {
  return sketch::hash_combine(sketch::hash_combine(initiator_hash, responder_hash),
                              (std::uint64_t{port} << 8) | proto);
}

FlowEvent orient(const flow::FlowRecord& f, const LocalityClassifier* classifier) noexcept {
  FlowEvent e;
  e.flow = &f;
  e.initiator_is_src = source_initiates(f);
  e.orientation_guessed = f.src_port == f.dst_port && !flow::is_icmp(f.proto) &&
                          !(f.proto == flow::kProtoTcp && (f.tcp_flags & (kSyn | kAck)) == kSyn);
  e.initiator = e.initiator_is_src ? f.src_addr : f.dst_addr;
  e.responder = e.initiator_is_src ? f.dst_addr : f.src_addr;
  e.initiator_port = e.initiator_is_src ? f.src_port : f.dst_port;
  e.responder_port = e.initiator_is_src ? f.dst_port : f.src_port;
  if (flow::is_icmp(f.proto)) {
    e.initiator_port = 0;
    e.responder_port = f.dst_port;  // type/code
  }
  bool src_foreign = false, dst_foreign = false;
  e.locality_known = f.locality != flow::Locality::unknown;
  switch (f.locality) {
    case flow::Locality::domestic_to_foreign:
      dst_foreign = true;
      break;
    case flow::Locality::foreign_to_domestic:
      src_foreign = true;
      break;
    case flow::Locality::foreign_to_foreign:
      src_foreign = dst_foreign = true;
      break;
    case flow::Locality::domestic_to_domestic:
      break;
    case flow::Locality::unknown:
      if (classifier != nullptr) {
        e.locality_known = true;
        src_foreign = !classifier->is_domestic(f.src_addr);
        dst_foreign = !classifier->is_domestic(f.dst_addr);
      }
      break;
  }
  e.initiator_foreign = e.initiator_is_src ? src_foreign : dst_foreign;
  e.responder_foreign = e.initiator_is_src ? dst_foreign : src_foreign;
  e.shard_key = e.initiator_foreign && !e.responder_foreign ? e.initiator : e.responder;
  e.initiator_hash = sketch::hash_address(e.initiator);
  e.responder_hash = sketch::hash_address(e.responder);
  e.pair_hash = pair_hash_of(e.initiator_hash, e.responder_hash, e.responder_port, f.proto);
  return e;
}

}  // namespace mamori::detect

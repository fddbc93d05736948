#pragma once
// Builds synthetic frames for parser, sFlow and assembler tests: every byte
// is chosen by the test, so expected values are known exactly.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/core/ip_address.hpp"

namespace mamori::test {

using Frame = std::vector<std::byte>;

inline void put8(Frame& f, unsigned v) { f.push_back(static_cast<std::byte>(v & 0xff)); }
inline void put16(Frame& f, unsigned v) {
  put8(f, v >> 8);
  put8(f, v);
}
inline void put32(Frame& f, std::uint32_t v) {
  put16(f, v >> 16);
  put16(f, v & 0xffff);
}
inline void append(Frame& f, const Frame& g) { f.insert(f.end(), g.begin(), g.end()); }
inline void put_addr(Frame& f, const IpAddress& a) {
  if (a.is_v4()) {
    put32(f, a.v4_value());
  } else {
    for (auto b : a.bytes()) put8(f, b);
  }
}
inline IpAddress ip(const char* text) { return *IpAddress::parse(text); }

inline Frame tcp(std::uint16_t sp, std::uint16_t dp, std::uint8_t flags, std::size_t payload = 0) {
  Frame f;
  put16(f, sp);
  put16(f, dp);
  put32(f, 1000);
  put32(f, 0);
  put8(f, 0x50);
  put8(f, flags);
  put16(f, 8192);
  put16(f, 0);
  put16(f, 0);
  f.resize(f.size() + payload, std::byte{'t'});
  return f;
}

inline Frame udp(std::uint16_t sp, std::uint16_t dp, std::size_t payload = 10) {
  Frame f;
  put16(f, sp);
  put16(f, dp);
  put16(f, static_cast<unsigned>(8 + payload));
  put16(f, 0);
  f.resize(f.size() + payload, std::byte{'u'});
  return f;
}

inline Frame icmp(std::uint8_t type, std::uint8_t code) {
  Frame f;
  put8(f, type);
  put8(f, code);
  put16(f, 0);
  put32(f, 0x00010001);
  return f;
}

// IPv4 header (no options) + payload. `frag` is the flags/offset word.
inline Frame ipv4(const char* src, const char* dst, std::uint8_t proto, const Frame& l4, std::uint16_t frag = 0,
                  std::uint8_t tos = 0) {
  Frame f;
  put8(f, 0x45);
  put8(f, tos);
  put16(f, static_cast<unsigned>(20 + l4.size()));
  put16(f, 0x1234);
  put16(f, frag);
  put8(f, 64);
  put8(f, proto);
  put16(f, 0);
  put_addr(f, ip(src));
  put_addr(f, ip(dst));
  append(f, l4);
  return f;
}

// IPv6 header + optional raw extension bytes (`ext` starts with the header
// that `first_next` names) + payload.
inline Frame ipv6(const char* src, const char* dst, std::uint8_t first_next, const Frame& rest,
                  std::uint8_t traffic_class = 0) {
  Frame f;
  put32(f, 0x60000000u | (std::uint32_t{traffic_class} << 20));
  put16(f, static_cast<unsigned>(rest.size()));
  put8(f, first_next);
  put8(f, 64);
  put_addr(f, ip(src));
  put_addr(f, ip(dst));
  append(f, rest);
  return f;
}

// An 8-byte IPv6 extension header (hop-by-hop, destination options, routing).
inline Frame ext8(std::uint8_t next) {
  Frame f;
  put8(f, next);
  put8(f, 0);
  f.resize(8, std::byte{0});
  return f;
}

inline Frame frag6(std::uint8_t next, std::uint16_t offset_words, bool more) {
  Frame f;
  put8(f, next);
  put8(f, 0);
  put16(f, static_cast<unsigned>(offset_words << 3 | (more ? 1 : 0)));
  put32(f, 0xabcdef01);
  return f;
}

inline Frame ethernet(const Frame& l3, std::uint16_t ethertype = 0x0800, std::initializer_list<std::uint32_t> tags = {},
                      std::size_t pad_to = 60) {
  Frame f;
  for (int i = 0; i < 6; ++i) put8(f, 0x02);
  for (int i = 0; i < 6; ++i) put8(f, 0x04);
  for (std::uint32_t tag : tags) put32(f, tag);  // TPID << 16 | TCI
  put16(f, ethertype);
  append(f, l3);
  if (f.size() < pad_to) f.resize(pad_to, std::byte{0});
  return f;
}

inline Bytes bytes(const Frame& f) { return Bytes(f.data(), f.size()); }

}  // namespace mamori::test

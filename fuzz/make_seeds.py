#!/usr/bin/env python3
"""Writes the small synthetic seeds in fuzz/corpus/{sflow,packet,export_decoder}/.

Every byte is built here (no shared captures are copied): sFlow datagrams with
compact and expanded flow samples, raw Ethernet/IPv4/IPv6 headers, sampled
IPv4/IPv6 records, counter and enterprise samples; packet-fuzzer inputs in the
packet_fuzz.cpp framing (link byte, then [length, time step, frame]...).
Run from the repository root: python3 fuzz/make_seeds.py
"""
import ipaddress
import os
import struct

ROOT = os.path.join(os.path.dirname(__file__), "corpus")


def u32(*vs):
    return b"".join(struct.pack("!I", v) for v in vs)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def ip4(s, d, proto, l4, frag=0):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, frag, 64, proto, 0,
                       ipaddress.IPv4Address(s).packed, ipaddress.IPv4Address(d).packed) + l4


def ip6(s, d, nxt, rest):
    return struct.pack("!IHBB16s16s", 0x60000000, len(rest), nxt, 64,
                       ipaddress.IPv6Address(s).packed, ipaddress.IPv6Address(d).packed) + rest


def tcp(sp, dp, flags):
    return struct.pack("!HHIIBBHHH", sp, dp, 1, 0, 0x50, flags, 512, 0, 0)


def udp(sp, dp, n=8):
    return struct.pack("!HHHH", sp, dp, 8 + n, 0) + b"u" * n


def eth(l3, et=0x0800, tags=()):
    head = b"\x02" * 6 + b"\x04" * 6 + b"".join(struct.pack("!I", t) for t in tags)
    f = head + struct.pack("!H", et) + l3
    return f + b"\0" * max(0, 60 - len(f))


def record(fmt, body):
    return u32(fmt, len(body)) + pad4(body)


def raw_header(proto, frame_len, hdr):
    return record(1, u32(proto, frame_len, 4, len(hdr)) + pad4(hdr))


def sampled4():
    return record(3, u32(1000, 17) + ipaddress.IPv4Address("192.0.2.1").packed +
                  ipaddress.IPv4Address("192.0.2.2").packed + u32(5000, 53, 0, 0))


def sampled6():
    return record(4, u32(1280, 6) + ipaddress.IPv6Address("2001:db8::1").packed +
                  ipaddress.IPv6Address("2001:db8::2").packed + u32(443, 50000, 0x12, 0))


def flow_sample(records, rate=256):
    body = u32(1, 0x00000003, rate, 100000, 0, 7, 0x40000001, len(records)) + b"".join(records)
    return u32(1, len(body)) + body


def expanded_sample(records, rate=1000):
    body = u32(2, 0, 9, rate, 500000, 1, 0, 29001, 2, 3, len(records)) + b"".join(records)
    return u32(3, len(body)) + body


def counters():
    return u32(2, 12, 1, 5, 0)


def datagram(samples, v6_agent=False):
    agent = u32(2) + ipaddress.IPv6Address("2001:db8::99").packed if v6_agent else u32(1, 0xC0000263)
    return u32(5) + agent + u32(3, 77, 123456, len(samples)) + b"".join(samples)


def ipfix_message(sets, domain=1, seq=0):
    body = b"".join(struct.pack("!HH", set_id, 4 + len(data)) + data for set_id, data in sets)
    return struct.pack("!HHIII", 10, 16 + len(body), 1700000000, seq, domain) + body


def v9_message(sets, source_id=0, uptime=600000):
    body = b"".join(struct.pack("!HH", set_id, 4 + len(pad4(data))) + pad4(data) for set_id, data in sets)
    return struct.pack("!HHIIII", 9, len(sets), uptime, 1700000000, 0, source_id) + body


def export_decoder_seeds(sflow):
    """One datagram each (first byte 0: the fuzzer does not split the input)."""
    fields = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (2, 4), (1, 8), (152, 8), (153, 8)]
    template = struct.pack("!HH", 256, len(fields)) + b"".join(struct.pack("!HH", *f) for f in fields)
    record = (ipaddress.IPv4Address("198.51.100.1").packed + ipaddress.IPv4Address("203.0.113.9").packed +
              struct.pack("!HHBBIQQQ", 51000, 443, 6, 0x1b, 12, 3400, 1699999995000, 1699999999990))
    varlen = struct.pack("!HHHHHHIHH", 257, 3, 8, 4, 0x8000 | 12, 4, 9, 82, 0xFFFF)
    varrec = ipaddress.IPv4Address("10.0.0.1").packed + b"\0\0\0\1" + b"\x03eth"
    options = struct.pack("!HHH", 258, 3, 1) + struct.pack("!HHHHHH", 302, 8, 305, 4, 306, 4)
    options_data = struct.pack("!QII", 42, 1, 999)
    v9_fields = [(8, 4), (12, 4), (22, 4), (21, 4), (2, 4), (1, 4), (48, 1)]
    v9_template = struct.pack("!HH", 260, len(v9_fields)) + b"".join(struct.pack("!HH", *f) for f in v9_fields)
    v9_record = (ipaddress.IPv4Address("10.1.1.1").packed + ipaddress.IPv4Address("10.2.2.2").packed +
                 struct.pack("!IIIIB", 590000, 599000, 4, 400, 1))
    v9_options = struct.pack("!HHHHHHH", 261, 4, 8, 1, 4, 48, 1) + struct.pack("!HH", 34, 4)
    v5 = struct.pack("!HHIIIIBBH", 5, 2, 600000, 1700000000, 0, 100, 1, 2, 0x4000 | 64) + b"".join(
        ipaddress.IPv4Address("198.51.100.7").packed + ipaddress.IPv4Address("192.0.2.8").packed + b"\0" * 4 +
        struct.pack("!HHIIIIHHBBBBHHBBH", 3, 4, 10, 1500, 590000, 599000, 53, 40000, 0, 0, 17, 0, 0, 0, 0, 0, 0)
        for _ in range(2))
    return {
        "ipfix_template_data": b"\0" + ipfix_message([(2, template), (256, record * 2 + b"\0\0")]),
        "ipfix_varlen_enterprise": b"\0" + ipfix_message([(2, varlen), (257, varrec)]),
        "ipfix_options_sampling": b"\0" + ipfix_message([(3, options), (258, options_data), (2, template),
                                                        (256, record)]),
        "ipfix_withdrawal": b"\0" + ipfix_message([(2, template), (2, struct.pack("!HH", 256, 0)), (256, record)]),
        "v9_template_options_data": b"\0" + v9_message([(1, v9_options), (261, struct.pack("!IBI", 0, 1, 512)),
                                                        (0, v9_template), (260, v9_record)]),
        "v5_two_records": b"\0" + v5,
        "sflow_datagram": b"\0" + sflow["compact_ethernet"],
    }


def main():
    sflow = {
        "compact_ethernet": datagram([flow_sample([record(1001, u32(10, 0, 20, 0)),
                                                   raw_header(1, 1518, eth(ip4("10.0.0.1", "10.0.0.2", 6, tcp(1, 2, 2)),
                                                                           tags=(0x81000064,)))])]),
        "expanded_vxlan_like": datagram([expanded_sample([raw_header(1, 200, eth(ip4("10.0.0.1", "10.0.0.2", 17,
                                                                                     udp(40000, 4789, 50))))])]),
        "sampled_ip": datagram([flow_sample([sampled4()]), flow_sample([sampled6()])], v6_agent=True),
        "raw_ip_headers": datagram([flow_sample([raw_header(11, 60, ip4("10.1.1.1", "10.1.1.2", 1, b"\x08\0\0\0"))]),
                                    flow_sample([raw_header(12, 90, ip6("::1", "::2", 58, b"\x80\0\0\0"))])]),
        "counters_and_enterprise": datagram([counters(), u32((4413 << 12) | 1, 4, 0), flow_sample([sampled4()])]),
    }
    packet = {
        "ethernet_mix": bytes([0]) + b"".join(bytes([len(f), step]) + f for f, step in [
            (eth(ip4("10.0.0.1", "10.0.0.2", 6, tcp(1000, 80, 2))), 0),
            (eth(ip4("10.0.0.2", "10.0.0.1", 6, tcp(80, 1000, 0x12))), 1),
            (eth(ip4("10.0.0.1", "10.0.0.2", 6, tcp(1000, 80, 0x11))), 1),
            (eth(ip4("10.0.0.2", "10.0.0.1", 6, tcp(80, 1000, 0x14))), 40),
            (eth(ip6("2001:db8::1", "2001:db8::2", 17, udp(5, 6)), 0x86DD), 3),
            (eth(ip4("10.0.0.3", "10.0.0.4", 17, udp(7, 8), frag=0x2000), 0x0800, (0x88A80001, 0x81000002)), 1),
            (eth(b"\x00\x01\x00\x40\x00\x02\x01\x40" + ip4("10.9.0.1", "10.9.0.2", 1, b"\x08\x00\0\0"), 0x8847), 200),
        ]),
        "raw_ip": bytes([1]) + b"".join(bytes([len(f), 2]) + f for f in [
            ip4("192.0.2.1", "192.0.2.2", 17, udp(53, 53)),
            ip6("2001:db8::1", "2001:db8::2", 44, struct.pack("!BBHI", 6, 0, 1, 1) + tcp(1, 2, 0x10)),
            ip6("2001:db8::1", "2001:db8::2", 0, struct.pack("!BB6x", 60, 0) + struct.pack("!BB6x", 6, 0) +
                tcp(3, 4, 0x02)),
        ]),
        "sll2": bytes([3]) + bytes([20 + 28, 0]) + struct.pack("!HHIHBB8x", 0x0800, 0, 2, 1, 0, 6) +
        ip4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, 0)),
    }
    export = export_decoder_seeds(sflow)
    for sub, seeds in (("sflow", sflow), ("packet", packet), ("export_decoder", export)):
        os.makedirs(os.path.join(ROOT, sub), exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(ROOT, sub, name + ".bin"), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()

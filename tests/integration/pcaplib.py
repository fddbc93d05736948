"""Building small synthetic captures byte by byte for tests (no shared capture is copied)."""
import ipaddress
import struct


def write_pcap(path, packets, linktype=1):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for ts_us, frame in packets:
            f.write(struct.pack("<IIII", ts_us // 1_000_000, ts_us % 1_000_000, len(frame), len(frame)))
            f.write(frame)


def ipv4(src, dst, proto, payload, frag=0, tos=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), 7, frag, 64, proto, 0,
                      ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    return hdr + payload


def ipv6(src, dst, nxt, payload):
    hdr = struct.pack("!IHBB16s16s", 0x60000000, len(payload), nxt, 64,
                      ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed)
    return hdr + payload


def udp(sp, dp, data=b"d" * 12):
    return struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data


def tcp(sp, dp, flags, data=b""):
    return struct.pack("!HHIIBBHHH", sp, dp, 1, 0, 0x50, flags, 1024, 0, 0) + data


def icmp(t, c):
    return struct.pack("!BBHI", t, c, 0, 0) + b"p" * 8


def ether(l3, ethertype=0x0800, vlan=None, pad_to=60):
    head = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"
    if vlan is not None:
        head += struct.pack("!HH", 0x8100, vlan)
    frame = head + struct.pack("!H", ethertype) + l3
    return frame + b"\x00" * max(0, pad_to - len(frame))

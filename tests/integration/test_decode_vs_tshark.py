"""Every NetFlow/IPFIX capture in shared/data/netflow-pcaps decodes, field by field,
to what tshark decodes from it (R-FLOW 5). Templates come from the matching
*-template(s).pcap where the data file has none."""
import datetime
import glob
import json
import os
import re
import tempfile
import unittest

from mamori_testlib import SHARED_DATA, mamori_csv, require_tool, run

CAPTURES = os.path.join(SHARED_DATA, "netflow-pcaps")


def capture_groups():
    """Groups each data capture with the captures that must be read before it."""
    files = sorted(os.path.basename(f) for f in glob.glob(os.path.join(CAPTURES, "netflow-*.pcap")))
    groups = {}
    for name in files:
        m = re.match(r"(netflow-.+?)-(options-template|options-data|templates?|data)\.pcap$", name)
        if m and "+" not in name:
            groups.setdefault(m.group(1), []).append(name)
        else:
            groups[name[:-5]] = [name]
    order = {"options-template": 0, "options-data": 1, "template": 2, "templates": 2, "data": 3}

    def rank(name):
        m = re.search(r"-(options-template|options-data|templates?|data)\.pcap$", name)
        return order[m.group(1)] if m else 0

    return {k: [os.path.join(CAPTURES, n) for n in sorted(v, key=rank)] for k, v in groups.items()}


def pairs_hook(pairs):
    """Keeps repeated keys (RFC 5103 reverse fields repeat the forward names)."""
    out = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def first(d, key):
    v = d.get(key)
    return v[0] if v else None


def parse_abs_time(text):
    # "Oct  5, 2009 06:06:07.492059999 UTC" -> ns since epoch
    m = re.match(r"(\w+)\s+(\d+), (\d+) (\d+):(\d+):(\d+)\.(\d+) UTC", text)
    month = datetime.datetime.strptime(m.group(1), "%b").month
    dt = datetime.datetime(int(m.group(3)), month, int(m.group(2)), int(m.group(4)), int(m.group(5)),
                           int(m.group(6)), tzinfo=datetime.timezone.utc)
    frac = (m.group(7) + "000000000")[:9]
    return int(dt.timestamp()) * 10**9 + int(frac)


def find_layer(tree, names):
    """Depth-first search for the first nested dissector layer among `names`."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k in names:
                return v[0] if isinstance(v, list) else v
            for item in (v if isinstance(v, list) else [v]):
                found = find_layer(item, names)
                if found is not None:
                    return found
    return None


def tshark_flows(path):
    """Returns (flows, undecoded_sets) as tshark sees them."""
    ports = run(["tshark", "-r", path, "-T", "fields", "-E", "occurrence=f", "-e", "udp.dstport"]).stdout.split()
    decode_as = []
    for p in sorted(set(ports)):
        decode_as += ["-d", f"udp.port=={p},cflow"]
    proc = run(["tshark", "-r", path, "-T", "json", *decode_as])
    packets = json.loads(proc.stdout, object_pairs_hook=pairs_hook)
    flows, undecoded = [], 0
    for pkt in packets:
        layers = first(first(pkt, "_source"), "layers")
        cflow = first(layers, "cflow")
        if cflow is None:
            continue
        version = int(first(cflow, "cflow.version"))
        header = {"version": version}
        ts = first(cflow, "cflow.timestamp_tree") or {}
        if version in (5, 9):
            header["unix_ms"] = int(first(ts, "cflow.unix_secs")) * 1000 + int(first(ts, "cflow.unix_nsecs") or 0) // 10**6
            header["uptime_s"] = float(first(cflow, "cflow.sysuptime"))
        for key, values in cflow.items():
            for value in values:
                if not isinstance(value, dict):
                    continue
                if key.startswith("pdu "):
                    flows.append((header, value))
                elif key.startswith("FlowSet") or key.startswith("Set "):
                    if "no template found" in json.dumps(value):
                        undecoded += 1
                    for fk, fvs in value.items():
                        if fk.startswith("Flow "):
                            for fv in fvs:
                                flows.append((header, fv))
    return flows, undecoded


def expected_records(header, f):
    """One tshark flow as the unidirectional records mamori must produce."""
    src = first(f, "cflow.srcaddr") or first(f, "cflow.srcaddrv6")
    dst = first(f, "cflow.dstaddr") or first(f, "cflow.dstaddrv6")
    sport, dport = first(f, "cflow.srcport"), first(f, "cflow.dstport")
    proto = first(f, "cflow.protocol")
    frame_bytes = None
    if src is None:  # packet-sampling records: addresses come from the sampled frame
        frame = first(f, "cflow.data_link_frame_section_tree")
        if frame is None:
            return []  # a record without a flow (options, events without addresses)
        ip = find_layer(frame, ("ip", "ipv6"))
        if ip is None:
            return []
        src = first(ip, "ip.src") or first(ip, "ipv6.src")
        dst = first(ip, "ip.dst") or first(ip, "ipv6.dst")
        proto = first(ip, "ip.proto") or first(ip, "ipv6.nxt")
        l4 = find_layer(frame, ("udp", "tcp"))
        if l4 is not None:
            sport = first(l4, "udp.srcport") or first(l4, "tcp.srcport")
            dport = first(l4, "udp.dstport") or first(l4, "tcp.dstport")
        frame_bytes = first(f, "cflow.data_link_frame_size")
    if dst is None:
        return []
    packets = f.get("cflow.packets") or f.get("cflow.packets64") or []
    octets = f.get("cflow.octets") or f.get("cflow.octets64") or []
    rec = {"src_addr": src, "dst_addr": dst, "proto": int(proto)}
    if proto is not None and int(proto) in (6, 17):
        rec["src_port"] = int(sport or 0)
        rec["dst_port"] = int(dport or 0)
    if packets:
        rec["raw_packets"] = int(packets[0])
    elif frame_bytes is not None:
        rec["raw_packets"] = 1
    if octets:
        rec["raw_bytes"] = int(octets[0])
    elif frame_bytes is not None:
        rec["raw_bytes"] = int(frame_bytes)
    for name, key in (("cflow.inputint", "input_if"), ("cflow.outputint", "output_if")):
        if first(f, name) is not None:
            rec[key] = int(first(f, name))
    delta = first(f, "cflow.timedelta_tree") or {}
    if first(delta, "cflow.abstimestart"):
        rec["start_ns"] = parse_abs_time(first(delta, "cflow.abstimestart"))
        rec["end_ns"] = parse_abs_time(first(delta, "cflow.abstimeend"))
    elif first(delta, "cflow.timestart") and "uptime_s" in header:
        for k, name in (("start_ns", "cflow.timestart"), ("end_ns", "cflow.timeend")):
            offset_ms = round((float(first(delta, name)) - header["uptime_s"]) * 1000)
            rec[k] = (header["unix_ms"] + offset_ms) * 10**6
    out = [rec]
    if len(packets) > 1 and (int(packets[1]) or int(octets[1] if len(octets) > 1 else 0)):
        rev = dict(rec, src_addr=dst, dst_addr=src, raw_packets=int(packets[1]), raw_bytes=int(octets[1]))
        if "src_port" in rec:
            rev["src_port"], rev["dst_port"] = rec["dst_port"], rec["src_port"]
        if "input_if" in rec or "output_if" in rec:
            rev["input_if"], rev["output_if"] = rec.get("output_if", 0), rec.get("input_if", 0)
        out.append(rev)
    return out


def sampling_tables(flows):
    """Sampler ID -> rate, and the exporter-wide rate, from options data records."""
    samplers, default_rate = {}, None
    for _, f in flows:
        if first(f, "cflow.srcaddr") or first(f, "cflow.srcaddrv6") or first(f, "cflow.data_link_frame_section"):
            continue
        rate = first(f, "cflow.sampler_random_interval") or first(f, "cflow.sampling_interval")
        if rate is None:
            continue
        sampler = first(f, "cflow.sampler_id") or first(f, "cflow.selector_id")
        if sampler is not None:
            samplers[int(sampler)] = int(rate)
        else:
            default_rate = int(rate)
    return samplers, default_rate


def expected_sampling_rate(f, samplers, default_rate):
    own = first(f, "cflow.sampling_interval") or first(f, "cflow.sampler_random_interval")
    if own is not None and int(own) > 0:
        return int(own)
    interval, space = first(f, "cflow.sampling_packet_interval"), first(f, "cflow.sampling_packet_space")
    if interval is not None and int(interval) > 0:
        return (int(interval) + int(space or 0)) // int(interval)
    sampler = first(f, "cflow.sampler_id") or first(f, "cflow.selector_id")
    if sampler is not None and int(sampler) in samplers:
        return samplers[int(sampler)]
    return default_rate


def matches(expected, row):
    for k, v in expected.items():
        got = row[k]
        if k in ("start_ns", "end_ns"):
            # NTP fractions (IPFIX micro/nanosecond fields) round differently by a few ns.
            if abs(int(got) - v) > 1000:
                return False
        elif k in ("src_addr", "dst_addr"):
            if got != v:
                return False
        elif int(got) != v:
            return False
    return True


class DecodeVsTshark(unittest.TestCase):
    def test_every_capture_matches_tshark(self):
        require_tool(self, "tshark")
        require_tool(self, "mergecap")
        groups = capture_groups()
        self.assertGreaterEqual(len(groups), 10, "expected the shared NetFlow/IPFIX captures")
        compared = sampled = 0
        for name, files in sorted(groups.items()):
            with self.subTest(capture=name), tempfile.TemporaryDirectory() as tmp:
                merged = os.path.join(tmp, "merged.pcap")
                run(["mergecap", "-a", "-F", "pcap", "-w", merged, *files])
                flows, undecoded = tshark_flows(merged)
                expected, unresolved = [], 0
                samplers, default_rate = sampling_tables(flows)
                for header, f in flows:
                    records = expected_records(header, f)
                    rate = expected_sampling_rate(f, samplers, default_rate)
                    if rate is not None:
                        for r in records:
                            r["sampling_rate"] = rate
                            sampled += 1
                    expected += records
                    # A sampled frame tshark could not dissect down to IP (e.g. a pseudowire
                    # it misreads) may still be decoded by mamori.
                    if not records and first(f, "cflow.data_link_frame_section") is not None:
                        unresolved += 1
                rows = mamori_csv("flows", "read", *files)
                unmatched = list(rows)
                for exp in expected:
                    hit = next((i for i, row in enumerate(unmatched) if matches(exp, row)), None)
                    self.assertIsNotNone(hit, f"{name}: tshark record {exp} not in mamori output {unmatched[:3]}")
                    unmatched.pop(hit)
                    compared += 1
                if undecoded == 0:
                    self.assertLessEqual(len(unmatched), unresolved,
                                         f"{name}: mamori produced records tshark does not show: {unmatched[:3]}")
        self.assertGreater(compared, 50)
        self.assertGreater(sampled, 10, "sampling rates from options data were not exercised")


if __name__ == "__main__":
    unittest.main()

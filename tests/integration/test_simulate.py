"""`mamori simulate traffic` against real decoders.

Export captures (IPFIX, NetFlow v9, v5) and raw-traffic pcaps are written by
the CLI, decoded by tshark, and compared record by record with the CSV the
simulator writes for the same seed. Live IPFIX/v9/v5 goes over UDP on
127.0.0.1 to a real nfcapd and is read back with nfdump. Nothing here is a
hard-coded expectation: both sides come from the same seed.
"""
import calendar
import collections
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
MAMORI = os.environ.get("MAMORI_BIN") or os.path.join(HERE, "..", "..", "build", "src", "mamori", "mamori")

TCP_FLAG_LETTERS = "CEUAPRSF"  # nfdump's order, most significant bit first


def run(*args, **kwargs):
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=300, **kwargs)


def mamori(*args):
    return run(MAMORI, "simulate", "traffic", *args)


def read_flows_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def csv_key(row):
    """The fields every decoder can reproduce: 5-tuple, counters, flags, times in ms."""
    return (row["src_addr"], row["dst_addr"], int(row["src_port"]), int(row["dst_port"]), int(row["proto"]),
            int(row["packets"]), int(row["bytes"]), int(row["tcp_flags"]),
            int(row["start_ns"]) // 1_000_000, int(row["end_ns"]) // 1_000_000)


def epoch_ns(text):
    """'1748862000.001000000' -> ns, without float rounding."""
    whole, _, frac = text.partition(".")
    return int(whole) * 1_000_000_000 + int((frac + "000000000")[:9])


def tshark_date_ms(text):
    """tshark's 'Jun  2, 2025 11:00:00.212000000 UTC' -> epoch milliseconds."""
    text = text.replace(" UTC", "")
    main, _, frac = text.partition(".")
    secs = calendar.timegm(time.strptime(main, "%b %d, %Y %H:%M:%S"))
    return secs * 1000 + int((frac + "000")[:3])


def pairs_hook(pairs):
    return pairs  # keep duplicate keys ("Flow 1" in every set) and their order


def tshark_json(path, port):
    out = run("tshark", "-r", path, "-d", "udp.port==%d,cflow" % port, "-T", "json").stdout
    return json.loads(out, object_pairs_hook=pairs_hook)


def find(pairs, key):
    for k, v in pairs:
        if k == key:
            return v
    return None


def flatten(pairs, into):
    for k, v in pairs:
        if isinstance(v, list) and v and isinstance(v[0], tuple):
            flatten(v, into)
        else:
            into.setdefault(k, v)
    return into


def records_in(pairs):
    """Yields the field dict of every flow record ('Flow N' in v9/IPFIX sets, 'pdu N/M' in v5)."""
    for k, v in pairs:
        if not isinstance(v, list) or not v or not isinstance(v[0], tuple):
            continue
        if k.startswith("Flow ") or k.startswith("pdu "):
            yield flatten(v, {})
        else:
            yield from records_in(v)


def tshark_export_datagrams(path, port):
    """Every datagram tshark decodes in an export capture: its UDP payload size, header
    sequence number, set IDs in order, and its flow records as csv_key tuples."""
    datagrams = []
    for packet in tshark_json(path, port):
        layers = find(find(packet, "_source"), "layers")
        cflow = find(layers, "cflow")
        header = flatten([(k, v) for k, v in cflow if not isinstance(v, list) or k.endswith("_tree")], {})
        version = int(header["cflow.version"])
        boot_ms = None
        if version in (5, 9):
            boot_ms = int(header["cflow.unix_secs"]) * 1000 - round(float(header["cflow.sysuptime"]) * 1000)
        records = []
        for r in records_in(cflow):
            if version == 10:
                start, end = tshark_date_ms(r["cflow.abstimestart"]), tshark_date_ms(r["cflow.abstimeend"])
            else:
                start = boot_ms + round(float(r["cflow.timestart"]) * 1000)
                end = boot_ms + round(float(r["cflow.timeend"]) * 1000)
            records.append((
                r.get("cflow.srcaddr") or r["cflow.srcaddrv6"],
                r.get("cflow.dstaddr") or r["cflow.dstaddrv6"],
                int(r["cflow.srcport"]), int(r["cflow.dstport"]), int(r["cflow.protocol"]),
                int(r.get("cflow.packets") or r["cflow.packets64"]),
                int(r.get("cflow.octets") or r["cflow.octets64"]),
                int(r["cflow.tcpflags"], 16), start, end))
        set_ids = [int(find(v, "cflow.flowset_id")) for k, v in cflow
                   if k.startswith("Set ") or k.startswith("FlowSet ")]
        datagrams.append({
            "size": int(flatten(find(layers, "udp"), {})["udp.length"]) - 8,
            "sequence": int(header["cflow.sequence"]),
            "set_ids": set_ids,
            "records": records,
        })
    return datagrams


def tshark_export_records(path, port):
    datagrams = tshark_export_datagrams(path, port)
    return [r for d in datagrams for r in d["records"]], [d["size"] for d in datagrams]


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



def require_tools(testcase, *names):
    """The test command installs the real peers; a missing one fails the test, never skips it."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        testcase.fail("not installed: %s (run scripts/test.sh)" % ", ".join(missing))

class ExportCapturesDecodeInTshark(unittest.TestCase):
    """IPFIX, NetFlow v9 and v5 captures: tshark sees exactly the simulator's flows."""

    def setUp(self):
        require_tools(self, "tshark")
        self.dir = tempfile.mkdtemp(prefix="mamori_sim_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def check_format(self, out, port, seed, mtu):
        common = ["--seed", str(seed), "--flows", "3000", "--rate", "1500", "--subscribers", "800", "--servers", "150"]
        flows_csv = os.path.join(self.dir, "flows.csv")
        mamori("--out", "csv", "-o", flows_csv, *common)
        capture = os.path.join(self.dir, out + ".pcap")
        truth = os.path.join(self.dir, out + "-truth.csv")
        result = mamori("--out", out, "-o", capture, "--mtu", str(mtu), "--truth", truth, *common)
        self.assertIn("3000 flows", result.stderr)

        expected = [csv_key(r) for r in read_flows_csv(flows_csv)]
        if out == "netflow5":
            expected = [k for k in expected if ":" not in k[0]]
        self.assertGreater(len(expected), 2000)
        self.assertEqual(sorted(expected), sorted(csv_key(r) for r in read_flows_csv(truth)))

        seen, sizes = tshark_export_records(capture, port)
        self.assertTrue(sizes)
        self.assertLessEqual(max(sizes), mtu, "a datagram exceeds --mtu")
        self.assertEqual(len(seen), len(expected))
        self.assertEqual(collections.Counter(seen), collections.Counter(expected))

    def test_ipfix(self):
        self.check_format("ipfix", 4739, seed=21, mtu=1400)

    def test_netflow9(self):
        self.check_format("netflow9", 2055, seed=22, mtu=1000)

    def test_netflow5(self):
        self.check_format("netflow5", 2055, seed=23, mtu=1400)

    def test_ipfix_templates_precede_data_and_sequence_counts_records(self):
        capture = os.path.join(self.dir, "seq.pcap")
        mamori("--out", "ipfix", "-o", capture, "--seed", "4", "--flows", "2000", "--template-refresh", "10")
        datagrams = tshark_export_datagrams(capture, 4739)
        self.assertGreater(len(datagrams), 20)
        sequence = 0
        since_templates = None
        for d in datagrams:
            self.assertEqual(d["sequence"], sequence, "IPFIX sequence numbers count data records")
            sequence += len(d["records"])
            # Templates (set 2) open the first datagram and come back at least every tenth
            # (sooner when 60 s of export time have passed).
            if d["set_ids"][0] == 2:
                since_templates = 0
            else:
                self.assertIsNotNone(since_templates, "data before any template")
                since_templates += 1
                self.assertLess(since_templates, 10)
            self.assertTrue(all(s in (2, 256, 257) for s in d["set_ids"]), d["set_ids"])
        self.assertEqual(sequence, 2000)


class RawCaptureDecodesInTshark(unittest.TestCase):
    """A raw-traffic pcap: packets tshark sees add up to the flows the simulator reports."""

    def setUp(self):
        require_tools(self, "tshark")
        self.dir = tempfile.mkdtemp(prefix="mamori_sim_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def check(self, link, cap):
        common = ["--seed", "31", "--flows", "1500", "--rate", "300", "--subscribers", "300", "--servers", "100"]
        flows_csv = os.path.join(self.dir, "flows.csv")
        mamori("--out", "csv", "-o", flows_csv, *common)
        pcap = os.path.join(self.dir, "traffic.pcap")
        truth = os.path.join(self.dir, "truth.csv")
        mamori("--out", "pcap", "-o", pcap, "--link", link, "--max-packets-per-flow", str(cap), "--truth", truth,
               *common)

        flows = read_flows_csv(flows_csv)
        carried = read_flows_csv(truth)
        self.assertEqual(len(flows), len(carried))
        thinned = 0
        for f, c in zip(sorted(flows, key=csv_key), sorted(carried, key=csv_key)):
            if int(f["packets"]) <= cap:
                self.assertEqual(csv_key(f), csv_key(c))
            else:
                thinned += 1
                self.assertEqual(int(c["packets"]), cap)
        self.assertGreater(thinned, 0, "the test should exercise thinning")

        expected = collections.defaultdict(lambda: [0, 0, 0, None, None])
        for r in carried:
            k = (r["src_addr"], r["dst_addr"], int(r["src_port"]), int(r["dst_port"]), int(r["proto"]))
            e = expected[k]
            e[0] += int(r["packets"])
            e[1] += int(r["bytes"])
            e[2] |= int(r["tcp_flags"])
            start, end = int(r["start_ns"]), int(r["end_ns"])
            e[3] = start if e[3] is None else min(e[3], start)
            e[4] = end if e[4] is None else max(e[4], end)

        out = run("tshark", "-r", pcap, "-T", "fields", "-E", "occurrence=f",
                  "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                  "-e", "ip.proto", "-e", "ipv6.nxt", "-e", "tcp.srcport", "-e", "tcp.dstport",
                  "-e", "udp.srcport", "-e", "udp.dstport", "-e", "icmp.type", "-e", "icmp.code",
                  "-e", "icmpv6.type", "-e", "icmpv6.code", "-e", "ip.len", "-e", "ipv6.plen",
                  "-e", "tcp.flags").stdout.splitlines()
        seen = collections.defaultdict(lambda: [0, 0, 0, None, None])
        for line in out:
            (t, s4, s6, d4, d6, p4, p6, tsp, tdp, usp, udp_, it, ic, i6t, i6c, len4, plen6, flags) = line.split("\t")
            proto = int(p4 or p6)
            if proto == 6:
                sport, dport = int(tsp), int(tdp)
            elif proto == 17:
                sport, dport = int(usp), int(udp_)
            elif proto == 1:
                sport, dport = 0, int(it) * 256 + int(ic)
            else:
                sport, dport = 0, int(i6t) * 256 + int(i6c)
            k = (s4 or s6, d4 or d6, sport, dport, proto)
            e = seen[k]
            e[0] += 1
            e[1] += int(len4) if len4 else int(plen6) + 40
            e[2] |= int(flags, 16) if flags else 0
            ns = epoch_ns(t)
            e[3] = ns if e[3] is None else min(e[3], ns)
            e[4] = ns if e[4] is None else max(e[4], ns)
        self.assertEqual(sum(v[0] for v in seen.values()), sum(v[0] for v in expected.values()))
        self.assertEqual(dict(seen), dict(expected))

    def test_ethernet(self):
        self.check("ethernet", 24)

    def test_raw_ip(self):
        self.check("raw", 8)


class LiveExportReachesNfcapd(unittest.TestCase):
    """Export over UDP on 127.0.0.1 to a real nfcapd; nfdump reads back the same flows."""

    def setUp(self):
        require_tools(self, "nfcapd", "nfdump")
        self.dir = tempfile.mkdtemp(prefix="mamori_nfcapd_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def start_nfcapd(self, flowdir):
        for _ in range(5):
            port = free_udp_port()
            log = open(os.path.join(self.dir, "nfcapd-%d.log" % port), "w+")
            proc = subprocess.Popen(["nfcapd", "-b", "127.0.0.1", "-p", str(port), "-w", flowdir],
                                    stdout=log, stderr=subprocess.STDOUT)
            deadline = time.time() + 10
            while time.time() < deadline and proc.poll() is None:
                log.seek(0)
                if "Startup" in log.read():
                    time.sleep(0.2)
                    return proc, port, log
                time.sleep(0.05)
            proc.kill()
            proc.wait()
            log.close()
        self.fail("nfcapd did not start")

    def stop_nfcapd(self, proc, log):
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            self.fail("nfcapd did not stop")
        log.seek(0)
        text = log.read()
        log.close()
        return text

    def check_format(self, out, seed):
        flowdir = os.path.join(self.dir, out)
        os.makedirs(flowdir)
        proc, port, log = self.start_nfcapd(flowdir)
        try:
            common = ["--seed", str(seed), "--flows", "2500", "--subscribers", "600", "--servers", "120"]
            result = mamori("--out", out, "--to", "udp://127.0.0.1:%d" % port, *common)
        finally:
            nfcapd_log = self.stop_nfcapd(proc, log)
        self.assertIn("sent to udp://127.0.0.1:%d" % port, result.stderr)
        self.assertNotIn("failed", result.stderr)
        self.assertIn("Sequence Errors: 0", nfcapd_log)

        flows_csv = os.path.join(self.dir, out + ".csv")
        mamori("--out", "csv", "-o", flows_csv, *common)
        expected = [csv_key(r) for r in read_flows_csv(flows_csv)]
        if out == "netflow5":
            expected = [k for k in expected if ":" not in k[0]]

        env = dict(os.environ, TZ="UTC")
        lines = run("nfdump", "-R", flowdir, "-q", "-N", "-6", "-o",
                    "fmt:%ts|%te|%sa|%da|%sp|%dp|%pr|%pkt|%byt|%flg", env=env).stdout.splitlines()
        seen = []
        for line in lines:
            if not line.strip():
                continue
            ts, te, sa, da, sp, dp, pr, pkt, byt, flg = [x.strip() for x in line.split("|")]
            if "." in dp:  # ICMP: type.code
                icmp_type, icmp_code = dp.split(".")
                dp = int(icmp_type) * 256 + int(icmp_code)
            flags = sum(1 << (7 - i) for i, c in enumerate(flg) if c != ".")

            def ms(text):
                main, _, frac = text.partition(".")
                return calendar.timegm(time.strptime(main, "%Y-%m-%d %H:%M:%S")) * 1000 + int(frac or 0)

            seen.append((sa, da, int(sp), int(dp), int(pr), int(pkt), int(byt), flags, ms(ts), ms(te)))
        self.assertEqual(len(seen), len(expected))
        self.assertEqual(collections.Counter(seen), collections.Counter(expected))

    def test_ipfix(self):
        self.check_format("ipfix", 41)

    def test_netflow9(self):
        self.check_format("netflow9", 42)

    def test_netflow5(self):
        self.check_format("netflow5", 43)


class CommandLine(unittest.TestCase):
    def test_same_seed_same_output_and_summary(self):
        a = mamori("--out", "csv", "--flows", "500", "--seed", "9")
        b = mamori("--out", "csv", "--flows", "500", "--seed", "9")
        c = mamori("--out", "csv", "--flows", "500", "--seed", "10")
        self.assertEqual(a.stdout, b.stdout)
        self.assertNotEqual(a.stdout, c.stdout)
        self.assertEqual(len(a.stdout.splitlines()), 501)
        self.assertRegex(a.stderr, r"simulated 500 flows .* in [0-9.]+ s")

    def test_jsonl(self):
        out = mamori("--out", "jsonl", "--flows", "50").stdout.splitlines()
        self.assertEqual(len(out), 50)
        self.assertEqual(json.loads(out[0])["source"], "simulated")

    def test_errors_are_clear(self):
        for args, message in [
            (["--out", "bogus"], "unknown --out"),
            (["--out", "pcap"], "needs -o FILE"),
            (["--out", "ipfix"], "needs -o FILE"),
            (["--out", "csv", "--to", "udp://127.0.0.1:9"], "--to"),
            (["--out", "ipfix", "--to", "tcp://127.0.0.1:9"], "udp://HOST:PORT"),
            (["--out", "csv", "-o", "/nonexistent-dir/x.csv"], "cannot open"),
            (["--out", "csv", "--start", "yesterday"], "--start"),
            (["--out", "csv", "--servers", "3"], "at least 16 servers"),
            (["--out", "ipfix", "-o", "x.pcap", "--mtu", "50"], "datagram size"),
        ]:
            result = subprocess.run([MAMORI, "simulate", "traffic", *args], capture_output=True, text=True,
                                    timeout=60, cwd=tempfile.gettempdir())
            self.assertNotEqual(result.returncode, 0, args)
            self.assertIn(message, result.stderr, args)

    def test_help_explains_the_outputs(self):
        out = run(MAMORI, "simulate", "traffic", "--help").stdout
        for word in ("--out", "ipfix", "netflow9", "netflow5", "pcap", "--to", "--pace", "--seed", "--mtu"):
            self.assertIn(word, out)


if __name__ == "__main__":
    unittest.main()

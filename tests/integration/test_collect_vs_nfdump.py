"""softflowd exports real captures as NetFlow v9 and IPFIX over loopback UDP to
`mamori flows collect`; a second softflowd run exports the same capture to a
real nfcapd; mamori's records and `nfdump -r`'s agree on the 5-tuple, packets,
bytes and start/end (R-FLOW 5)."""
import calendar
import glob
import os
import signal
import subprocess
import tempfile
import time
import unittest

from mamori_testlib import MAMORI, SHARED_DATA, free_udp_port, read_port_file, require_tool, run

PROTOCOLS = {"TCP": 6, "UDP": 17, "ICMP": 1, "ICMP6": 58, "GRE": 47, "ESP": 50}


def softflowd_export(pcap, version, port, workdir):
    # -a -A milli: absolute millisecond timestamps taken from the capture, so two
    # runs export identical records. (softflowd's sysUpTime-relative mode sends 0
    # for flows that start at its "boot", which nfdump reads as "no time"; the
    # uptime path is checked against tshark in test_decode_vs_tshark.)
    # -c none: no control socket (softflowd would otherwise wait on it).
    run(["softflowd", "-r", pcap, "-n", f"127.0.0.1:{port}", "-v", str(version), "-a", "-A", "milli", "-d",
         "-p", os.path.join(workdir, "softflowd.pid"), "-c", "none"], timeout=120)


def stop(proc):
    time.sleep(0.3)  # let the last datagrams reach the socket
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    return out, err


def mamori_collect(pcap, version, workdir):
    port_file = os.path.join(workdir, "port")
    out_csv = os.path.join(workdir, "mamori.csv")
    proc = subprocess.Popen([MAMORI, "flows", "collect", "--listen", "udp://127.0.0.1:0", "--port-file", port_file,
                             "-o", out_csv, "--fields", "start_ns,end_ns,src_addr,dst_addr,src_port,dst_port,proto,"
                             "packets,bytes"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = read_port_file(port_file)
        softflowd_export(pcap, version, port, workdir)
    finally:
        _, err = stop(proc)
    if proc.returncode != 0:
        raise AssertionError(f"mamori flows collect exited {proc.returncode}: {err}")
    rows = []
    with open(out_csv) as f:
        next(f)
        for line in f:
            s, e, sa, da, sp, dp, pr, pk, by = line.strip().split(",")
            rows.append((sa, da, int(sp), int(dp), int(pr), int(pk), int(by), int(s) // 10**6, int(e) // 10**6))
    return rows, err


def nfcapd_collect(pcap, version, workdir):
    flowdir = os.path.join(workdir, "nfcapd")
    os.makedirs(flowdir)
    port = free_udp_port()
    proc = subprocess.Popen(["nfcapd", "-b", "127.0.0.1", "-p", str(port), "-w", flowdir],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        softflowd_export(pcap, version, port, workdir)
    finally:
        stop(proc)
    env = dict(os.environ, TZ="UTC")
    out = run(["nfdump", "-R", flowdir, "-q", "-N", "-o", "fmt:%ts|%te|%sa|%da|%sp|%dp|%pr|%pkt|%byt"], env=env).stdout
    rows = []
    for line in out.splitlines():
        if not line.strip():
            continue
        ts, te, sa, da, sp, dp, pr, pk, by = [x.strip() for x in line.split("|")]
        proto = PROTOCOLS.get(pr.upper(), None)
        rows.append((sa, da, int(sp), int(dp), proto if proto is not None else int(pr), int(pk), int(by),
                     to_ms(ts), to_ms(te)))
    return rows


def to_ms(text):
    # "2024-02-13 14:34:38.797" in UTC
    date, clock = text.split(" ")
    hms, ms = clock.split(".")
    t = time.strptime(f"{date} {hms}", "%Y-%m-%d %H:%M:%S")
    return calendar.timegm(t) * 1000 + int(ms)


class CollectVsNfdump(unittest.TestCase):
    def test_softflowd_export_agrees_with_nfdump(self):
        for tool in ("softflowd", "nfcapd", "nfdump"):
            require_tool(self, tool)
        captures = sorted(glob.glob(os.path.join(SHARED_DATA, "c2-pcaps", "*.pcap")))
        self.assertTrue(captures, "no captures in shared/data/c2-pcaps")
        total = 0
        for pcap in captures:
            for version in (9, 10):
                with self.subTest(capture=os.path.basename(pcap), version=version), \
                        tempfile.TemporaryDirectory() as tmp:
                    os.makedirs(os.path.join(tmp, "a"))
                    os.makedirs(os.path.join(tmp, "b"))
                    ours, stderr = mamori_collect(pcap, version, os.path.join(tmp, "a"))
                    theirs = nfcapd_collect(pcap, version, os.path.join(tmp, "b"))
                    self.assertGreater(len(theirs), 10)
                    self.assertIn("kernel drops 0", stderr)
                    self.assertEqual(sorted(ours), sorted(theirs))
                    total += len(ours)
        self.assertGreater(total, 100)


if __name__ == "__main__":
    unittest.main()

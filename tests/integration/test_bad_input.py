"""Bad input never crashes or stalls mamori: a truncated or corrupt file gives a
clear error naming the byte offset and keeps every record decoded before it;
malformed datagrams are counted by reason (R-FLOW 3)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from mamori_testlib import MAMORI, mamori, read_port_file


class BadInput(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mamori_bad_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def count_rows(self, csv_path):
        with open(csv_path) as f:
            return sum(1 for _ in f) - 1

    def test_truncated_export_capture_keeps_what_came_before(self):
        capture = self.path("export.pcap")
        mamori("simulate", "traffic", "--seed", "3", "--flows", "20000", "--out", "ipfix", "-o", capture)
        full = self.path("full.csv")
        mamori("flows", "read", capture, "-o", full)
        total = self.count_rows(full)
        self.assertGreaterEqual(total, 20000)
        size = os.path.getsize(capture)
        cut = self.path("cut.pcap")
        with open(capture, "rb") as src, open(cut, "wb") as dst:
            dst.write(src.read(size * 6 // 10 + 7))  # mid-packet
        out = self.path("cut.csv")
        proc = mamori("flows", "read", cut, "-o", out, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertRegex(proc.stderr, r"offset \d+")
        self.assertIn("truncated", proc.stderr)
        kept = self.count_rows(out)
        # Everything before the damage is kept, and it is the same as in the full read.
        self.assertGreater(kept, total // 2)
        self.assertLess(kept, total)
        with open(full) as a, open(out) as b:
            self.assertEqual(a.readlines()[:kept + 1], b.readlines())

    def test_truncated_mflow_keeps_complete_blocks(self):
        mflow = self.path("flows.mflow")
        mamori("simulate", "traffic", "--seed", "4", "--flows", "300000", "--out", "mflow", "-o", mflow)
        total = int(mamori("flows", "stats", mflow, "--json").stdout.split('"flows":')[1].split(",")[0])
        self.assertEqual(total, 300000)
        cut = self.path("cut.mflow")
        with open(mflow, "rb") as src, open(cut, "wb") as dst:
            dst.write(src.read(os.path.getsize(mflow) * 7 // 10))
        out = self.path("cut.csv")
        proc = mamori("flows", "read", cut, "-o", out, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertRegex(proc.stderr, r"byte \d+")
        self.assertEqual(proc.stderr.count(cut), 1, proc.stderr)
        kept = self.count_rows(out)
        self.assertGreater(kept, 0)
        self.assertLess(kept, total)
        self.assertEqual(kept % 65536, 0, "only whole blocks are delivered")

    def test_not_a_flow_file(self):
        junk = self.path("junk.bin")
        with open(junk, "wb") as f:
            f.write(os.urandom(4096))
        proc = mamori("flows", "read", junk, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("neither a pcap/pcapng capture nor an .mflow file", proc.stderr)
        self.assertEqual(proc.stderr.count("\n"), 1, "one line on error")

    def test_malformed_datagrams_are_counted_and_the_collector_keeps_going(self):
        port_file = self.path("port")
        out = self.path("collected.csv")
        proc = subprocess.Popen([MAMORI, "flows", "collect", "--listen", "udp://127.0.0.1:0", "--port-file", port_file,
                                 "-o", out, "--seconds", "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            port = read_port_file(port_file)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for payload in (b"", b"\x00", b"\x00\x0a\xff\xff" + b"\x00" * 12, os.urandom(1400),
                                b"\x00\x09\x00\x01" + b"\x00" * 16 + b"\x01\x00\x00\x02"):
                    s.sendto(payload, ("127.0.0.1", port))
            # Then a real export: the collector must still decode it.
            mamori("simulate", "traffic", "--seed", "5", "--flows", "500", "--out", "ipfix", "--to",
                   f"udp://127.0.0.1:{port}")
            time.sleep(0.5)
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertGreaterEqual(self.count_rows(out), 500)
        self.assertRegex(err, r"anomalies [1-9]")
        self.assertIn("export_too_short", err)


if __name__ == "__main__":
    unittest.main()

"""The privacy properties of automated selection (R-SEL), proven end to end with
the CLI: payload bytes never reach any output, store or log; no domestic
address is kept in clear; no domestic-to-domestic flow survives; the ledger's
counts equal the records written; a policy edited after signing, unsigned,
expired or not yet valid is refused; a policy expiring mid-run stops selection."""
import csv
import datetime
import io
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from mamori_testlib import MAMORI, mamori, read_port_file
from pcaplib import ether, ipv4, ipv6, tcp, udp, write_pcap

MARKER = b"MAMORI-PAYLOAD-MARKER-7f3a9c"
# Real allocations: 126.0.0.0/8 and 2400:4050::/32 are Japanese; 8.8.8.0/24 and 2001:4860::/32 are not.
JP = ["126.10.20.%d" % i for i in range(1, 21)] + ["133.1.1.%d" % i for i in range(1, 6)]
JP6 = ["2400:4050:1::%x" % i for i in range(1, 6)]
FOREIGN = ["8.8.8.%d" % i for i in range(1, 11)] + ["147.32.80.%d" % i for i in range(1, 6)]
FOREIGN6 = ["2001:4860:4860::%x" % i for i in range(1, 4)]
PRIVATE = ["10.1.2.3", "192.168.7.7"]


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class SelectionPrivacy(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mamori_sel_")
        mamori("keys", "generate", "--role", "overseer", "--out", self.path("overseer.key"), "--name", "overseer-test")
        mamori("pseudo", "keygen", "--id", "carrier-k1", "-o", self.path("carrier.pan"))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def policy(self, name="policy.toml", valid_from=None, valid_until=None, directions=None, sign=True):
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        valid_from = valid_from or now - datetime.timedelta(days=1)
        valid_until = valid_until or now + datetime.timedelta(days=30)
        directions = directions or ["foreign_to_domestic", "domestic_to_foreign", "foreign_to_foreign"]
        text = f"""[selection_policy]
id = "test/{name}"
version = 1
home_countries = ["JP"]
directions = [{", ".join('"%s"' % d for d in directions)}]
fields = ["start_ns", "end_ns", "src_addr", "dst_addr", "src_port", "dst_port", "proto", "packets", "bytes", "tcp_flags"]
pseudonymisation_key_id = "carrier-k1"
time_granularity = "1s"
valid_from = "{iso(valid_from)}"
valid_until = "{iso(valid_until)}"
retention = "730d"
legal_basis = "test"
"""
        path = self.path(name)
        with open(path, "w") as f:
            f.write(text)
        if sign:
            mamori("policy", "sign", "--key", self.path("overseer.key"), path)
        return path

    def select(self, policy, inputs, out, fmt="mflow", check=True):
        return mamori("select", "--policy", policy, "--overseer-pubkey", self.path("overseer.key.pub"),
                      "--pseudo-key", self.path("carrier.pan"), "--ledger", self.path("ledger.db"),
                      "--format", fmt, "--batch-records", "7", *inputs, out, check=check)

    def capture(self):
        """Every pairing of domestic, foreign and private hosts, with the marker in every payload."""
        packets, t = [], 1_700_000_000_000_000
        hosts4 = JP + FOREIGN + PRIVATE
        pairs = [(a, b) for a in hosts4[::3] for b in hosts4[1::4] if a != b]
        port = 40000
        for a, b in pairs:
            port += 1
            t += 1000
            packets.append((t, ether(ipv4(a, b, 6, tcp(port, 443, 0x18, MARKER * 3)))))
            packets.append((t + 10, ether(ipv4(b, a, 17, udp(53, port, MARKER)))))
        for a in JP6 + FOREIGN6:
            for b in JP6 + FOREIGN6:
                if a != b:
                    t += 1000
                    packets.append((t, ether(ipv6(a, b, 17, udp(5000, 443, MARKER * 2)), 0x86DD)))
        path = self.path("traffic.pcap")
        write_pcap(path, packets)
        with open(path, "rb") as f:
            self.assertIn(MARKER, f.read())  # the test input really carries the marker
        return path

    def read_csv(self, path):
        return list(csv.DictReader(io.StringIO(mamori("flows", "read", path).stdout)))

    def test_privacy_properties_hold_end_to_end(self):
        policy = self.policy()
        capture = self.capture()
        results = {}
        for fmt in ("mflow", "jsonl", "csv"):
            out = self.path("selected." + fmt)
            proc = self.select(policy, [capture], out, fmt=fmt)
            results[fmt] = (out, proc.stdout + proc.stderr)
        inputs = self.read_csv(capture)
        selected = self.read_csv(results["mflow"][0])
        domestic = set(JP + JP6 + PRIVATE)
        foreign = set(FOREIGN + FOREIGN6)

        # 1. The payload marker is in no output, no store, no log.
        for name in os.listdir(self.dir):
            if name.endswith(".pcap"):
                continue
            with open(self.path(name), "rb") as f:
                self.assertNotIn(MARKER, f.read(), name)
        for out, log in results.values():
            self.assertNotIn(MARKER.decode(), log)
        self.assertNotIn(MARKER.decode(), mamori("flows", "read", results["mflow"][0]).stdout)
        self.assertNotIn(MARKER.decode(), mamori("ledger", "show", "--db", self.path("ledger.db")).stdout)

        # 2. No domestic address in clear; every kept flow has a foreign end, in clear.
        expected = [r for r in inputs if r["src_addr"] in foreign or r["dst_addr"] in foreign]
        self.assertGreater(len(expected), 20)
        self.assertEqual(len(selected), len(expected))
        for r in selected:
            self.assertNotIn(r["src_addr"], domestic)
            self.assertNotIn(r["dst_addr"], domestic)
            self.assertTrue(r["src_addr"] in foreign or r["dst_addr"] in foreign, r)

        # 3. No domestic-to-domestic flow survives: re-identify every pseudonym with the key.
        pseudonyms = sorted({a for r in selected for a in (r["src_addr"], r["dst_addr"]) if a not in foreign})
        reverse = mamori("pseudo", "reverse", "--key", self.path("carrier.pan"), "--ledger", self.path("ledger.db"),
                         "--actor", "carrier-noc", "--purpose", "test", *pseudonyms).stdout
        original = dict(line.split() for line in reverse.splitlines())
        for r in selected:
            ends = [original.get(r["src_addr"], r["src_addr"]), original.get(r["dst_addr"], r["dst_addr"])]
            self.assertFalse(all(e in domestic for e in ends), r)
            self.assertTrue(all(e in domestic or e in foreign for e in ends), ends)
        # Fields outside the policy are gone.
        self.assertTrue(all(r["exporter"] == "::" and r["input_if"] == "0" for r in selected))

        # 4. The ledger's counts equal the records actually written, batch by batch.
        audit = mamori("sensor", "audit", "--ledger", self.path("ledger.db"), "--policy", policy,
                       results["mflow"][0])
        self.assertIn("OK:", audit.stdout)
        batches = [line for line in mamori("ledger", "show", "--db", self.path("ledger.db")).stdout.splitlines()
                   if " selection.batch " in line]
        kept = sum(int(line.split('"kept":')[1].split(",")[0]) for line in batches)
        self.assertEqual(kept, 3 * len(selected))  # three runs, one per output format
        self.assertIn("pseudonym.reidentified", mamori("ledger", "show", "--db", self.path("ledger.db")).stdout)

    def test_audit_detects_an_output_that_differs_from_the_ledger(self):
        policy = self.policy()
        out = self.path("selected.mflow")
        self.select(policy, [self.capture()], out)
        other = self.path("other.mflow")
        mamori("simulate", "traffic", "--seed", "9", "--flows", "50", "--out", "mflow", "-o", other)
        proc = mamori("sensor", "audit", "--ledger", self.path("ledger.db"), other, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("MISMATCH", proc.stdout)

    def test_edited_unsigned_expired_and_future_policies_are_refused(self):
        capture = self.capture()
        policy = self.policy()
        with open(policy, "a") as f:
            f.write("# edited after approval\n")
        proc = self.select(policy, [capture], self.path("a.mflow"), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("does not match this document", proc.stderr)

        unsigned = self.policy("unsigned.toml", sign=False)
        proc = self.select(unsigned, [capture], self.path("b.mflow"), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("not approved", proc.stderr)

        now = datetime.datetime.now(datetime.timezone.utc)
        expired = self.policy("expired.toml", valid_from=now - datetime.timedelta(days=10),
                              valid_until=now - datetime.timedelta(days=1))
        proc = self.select(expired, [capture], self.path("c.mflow"), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("expired", proc.stderr)

        future = self.policy("future.toml", valid_from=now + datetime.timedelta(days=1),
                             valid_until=now + datetime.timedelta(days=10))
        proc = self.select(future, [capture], self.path("d.mflow"), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("not valid yet", proc.stderr)

        # Signed by a key that is not the overseer's: refused too.
        mamori("keys", "generate", "--role", "overseer", "--out", self.path("rogue.key"), "--name", "overseer-test")
        rogue = self.policy("rogue.toml", sign=False)
        mamori("policy", "sign", "--key", self.path("rogue.key"), rogue)
        proc = self.select(rogue, [capture], self.path("e.mflow"), check=False)
        self.assertNotEqual(proc.returncode, 0)
        for name in ("a.mflow", "b.mflow", "c.mflow", "d.mflow", "e.mflow"):
            self.assertFalse(os.path.exists(self.path(name)) and os.path.getsize(self.path(name)) > 0, name)

    def test_sensor_stops_when_its_policy_expires_mid_run(self):
        # The policy lives 15 s: long enough for a slow (sanitizer) build to start and select,
        # short enough that the 40 s export outlives it.
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        policy = self.policy("short.toml", valid_from=now - datetime.timedelta(days=1),
                             valid_until=now + datetime.timedelta(seconds=15))
        port_file = self.path("port")
        out = self.path("live.mflow")
        sensor = subprocess.Popen([MAMORI, "sensor", "run", "--policy", policy, "--overseer-pubkey",
                                   self.path("overseer.key.pub"), "--pseudo-key", self.path("carrier.pan"),
                                   "--ledger", self.path("ledger.db"), "--listen", "udp://127.0.0.1:0",
                                   "--port-file", port_file, "--out", out, "--batch-seconds", "1",
                                   "--seconds", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            port = read_port_file(port_file)
            sender = subprocess.Popen([MAMORI, "simulate", "traffic", "--seed", "2", "--rate", "2000",
                                       "--duration", "40s", "--pace", "--out", "ipfix", "--to",
                                       f"udp://127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            _, err = sensor.communicate(timeout=90)
            sender.send_signal(signal.SIGTERM)
            sender.wait(timeout=10)
        finally:
            if sensor.poll() is None:
                sensor.kill()
        self.assertEqual(sensor.returncode, 3, err)
        self.assertIn("stopped selecting", err)
        ledger = mamori("ledger", "show", "--db", self.path("ledger.db")).stdout
        self.assertIn("selection.stopped", ledger)
        self.assertIn("policy_expired", ledger)
        # What was selected before expiry is complete and accounted for.
        self.assertIn("OK:", mamori("sensor", "audit", "--ledger", self.path("ledger.db"), out).stdout)
        stats = mamori("flows", "stats", out, "--json").stdout
        self.assertGreater(int(stats.split('"flows":')[1].split(",")[0]), 100)


if __name__ == "__main__":
    unittest.main()

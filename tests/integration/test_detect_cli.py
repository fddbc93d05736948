"""`mamori detect` end to end (R-DET, R-CTI 1).

A simulated carrier day slice (`mamori simulate traffic --out mflow`) gets a
planted indicator: a foreign (US, 52.0.0.0/11) server picked from the
simulator's own output. Its findings must come out as JSON lines that match
docs/schemas/finding.schema.json and as a STIX 2.1 bundle that validates
against the OASIS JSON schemas (their $refs resolved from the local copy).
An unselected packet capture with one long, quiet session checks that --home
decides which end is foreign. Selected data from `mamori select` and the
sensor's --detect hook run the same engine on flows whose locality is known.
"""
import collections
import csv
import datetime
import io
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import jsonschema

from mamori_testlib import MAMORI, SHARED_DATA, mamori
from pcaplib import ether, ipv4, tcp, write_pcap

HERE = os.path.dirname(os.path.abspath(__file__))
FINDING_SCHEMA = os.path.join(HERE, "..", "..", "docs", "schemas", "finding.schema.json")
STIX_SCHEMAS = os.path.join(SHARED_DATA, "stix2-schemas", "schemas")
AMAZON_US = ipaddress.ip_network("52.0.0.0/11")
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"


def stix_schemas():
    """Every OASIS schema, by path and by $id (so that $refs resolve without the network)."""
    by_path, by_id = {}, {}
    for folder, _, files in os.walk(STIX_SCHEMAS):
        for name in files:
            if name.endswith(".json"):
                with open(os.path.join(folder, name)) as f:
                    schema = json.load(f)
                by_path[os.path.relpath(os.path.join(folder, name), STIX_SCHEMAS)] = schema
                by_id[schema["$id"]] = schema
    if not by_path:
        raise AssertionError(f"no STIX schemas under {STIX_SCHEMAS}")
    return by_path, by_id


def validator(schema, by_id):
    """A validator resolving $refs locally: `referencing` on jsonschema >= 4.18, RefResolver before it (Debian 12)."""
    cls = jsonschema.validators.validator_for(schema)
    try:
        from referencing import Registry, Resource
    except ImportError:
        return cls(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=by_id))
    registry = Registry().with_resources([(i, Resource.from_contents(s)) for i, s in by_id.items()])
    return cls(schema, registry=registry)


def read_jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class DetectCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="mamori_detect_")
        cls.sim = os.path.join(cls.dir, "sim.mflow")
        mamori("simulate", "traffic", "--out", "mflow", "-o", cls.sim, "--duration", "2h", "--rate", "20",
               "--seed", "11", "--servers", "400", "--subscribers", "2000")
        rows = list(csv.DictReader(io.StringIO(
            mamori("flows", "read", cls.sim, "--format", "csv", "--fields", "src_addr,dst_addr,dst_port").stdout)))
        cls.flow_count = len(rows)
        contacts = collections.Counter()
        for r in rows:
            for address in (r["src_addr"], r["dst_addr"]):
                if ":" not in address and ipaddress.ip_address(address) in AMAZON_US:
                    contacts[address] += 1
        if not contacts:
            raise AssertionError("the simulation has no US (Amazon) server to plant as an indicator")
        cls.planted, cls.planted_flows = contacts.most_common(1)[0]
        cls.indicators = os.path.join(cls.dir, "feed.json")
        with open(cls.indicators, "w") as f:
            json.dump({"type": "bundle", "id": "bundle--0c6b3f6e-8a8b-4d40-9d5c-1f0e2d3c4b5a", "objects": [
                {"type": "indicator", "spec_version": "2.1", "id": "indicator--7a1e1b8e-4a2b-4c3d-8e9f-0a1b2c3d4e5f",
                 "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z",
                 "name": "planted C2", "pattern": f"[ipv4-addr:value = '{cls.planted}'] OR [domain-name:value = 'c2.example']",
                 "pattern_type": "stix", "valid_from": "2025-01-01T00:00:00Z", "object_marking_refs": [TLP_AMBER]},
                {"type": "indicator", "spec_version": "2.1", "id": "indicator--7a1e1b8e-4a2b-4c3d-8e9f-0a1b2c3d4e60",
                 "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z",
                 "pattern": "[url:value = 'http://c2.example/x']", "pattern_type": "stix",
                 "valid_from": "2025-01-01T00:00:00Z"},
            ]}, f)
        with open(FINDING_SCHEMA) as f:
            cls.finding_schema = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def detect(self, *args, check=True):
        return mamori("detect", *args, check=check)

    def check_jsonl(self, text):
        findings = read_jsonl(text)
        for f in findings:
            jsonschema.validate(f, self.finding_schema)
            self.assertLessEqual(f["first_seen_ns"], f["last_seen_ns"])
        return findings

    def test_list_shows_detectors_and_parameters(self):
        out = self.detect("--list").stdout
        for text in ("indicator", "long_connection", "long_connection.min_duration = 1h", "indicator.files"):
            self.assertIn(text, out)

    def test_planted_indicator_is_found_with_its_evidence(self):
        proc = self.detect(self.sim, "--indicators", self.indicators, "--detectors", "indicator")
        findings = self.check_jsonl(proc.stdout)
        self.assertEqual([f["endpoint"] for f in findings], [self.planted])
        f = findings[0]
        self.assertEqual(f["kind"], "indicator")
        self.assertEqual(f["flows"], self.planted_flows, "every flow to or from the server counts")
        self.assertEqual(f["attributes"]["indicator_id"], "indicator--7a1e1b8e-4a2b-4c3d-8e9f-0a1b2c3d4e5f")
        self.assertEqual(f["attributes"]["indicator_name"], "planted C2")
        self.assertEqual(f["attributes"]["tlp"], "amber")
        self.assertGreater(f["peers"], 0)
        self.assertIn(f"{self.flow_count} flows", proc.stderr)
        self.assertIn("1 indicators (1 addresses, 0 prefixes)", proc.stderr)
        self.assertIn("1 not an address pattern", proc.stderr, "the url indicator is counted, not used")

    def test_stix_bundle_is_valid_against_the_oasis_schemas(self):
        out = self.path("findings.stix.json")
        self.detect(self.sim, "--indicators", self.indicators, "--format", "stix", "-o", out,
                    "--set", "long_connection.min_duration=30m", "--quiet")
        with open(out) as f:
            bundle = json.load(f)
        schemas, by_id = stix_schemas()
        validator(schemas["common/bundle.json"], by_id).validate(bundle)
        # Each object against its own type's schema too (the bundle's anyOf accepts custom objects).
        by_type = {os.path.splitext(os.path.basename(k))[0]: v for k, v in schemas.items()}
        ids = set()
        for o in bundle["objects"]:
            self.assertIn(o["type"], by_type, o["type"])
            validator(by_type[o["type"]], by_id).validate(o)
            self.assertNotIn(o["id"], ids, "ids are unique")
            ids.add(o["id"])
            if o["type"] != "marking-definition":
                self.assertEqual(o.get("object_marking_refs"), [TLP_AMBER], o["type"])
        for o in bundle["objects"]:
            if o["type"] == "relationship":
                self.assertIn(o["source_ref"], ids)
                self.assertIn(o["target_ref"], ids)
            if o["type"] == "observed-data":
                for ref in o["object_refs"]:
                    self.assertIn(ref, ids)
        types = collections.Counter(o["type"] for o in bundle["objects"])
        self.assertGreaterEqual(types["infrastructure"], 2, "the indicator and at least one long connection")
        self.assertEqual(types["infrastructure"], types["indicator"])
        self.assertEqual(types["relationship"], 3 * types["infrastructure"])
        patterns = [o["pattern"] for o in bundle["objects"] if o["type"] == "indicator"]
        self.assertIn(f"[ipv4-addr:value = '{self.planted}']", patterns)
        # Deterministic ids: a second run gives the same bundle.
        again = self.path("again.stix.json")
        self.detect(self.sim, "--indicators", self.indicators, "--format", "stix", "-o", again,
                    "--set", "long_connection.min_duration=30m", "--quiet")
        with open(again) as f:
            self.assertEqual(json.load(f), bundle)

    def test_workers_give_the_same_findings(self):
        args = (self.sim, "--indicators", self.indicators, "--set", "long_connection.min_duration=30m", "--quiet")
        one = self.detect(*args).stdout
        self.assertGreater(len(read_jsonl(one)), 1)
        self.assertEqual(self.detect(*args, "--workers", "3").stdout, one)

    def test_allow_list_suppresses_and_counts(self):
        listed = self.path("resolvers.txt")
        with open(listed, "w") as f:
            f.write("# the public resolvers the simulated subscribers use\n8.8.8.8\n1.1.1.1\n9.9.9.9\n")
        proc = self.detect(self.sim, "--indicators", listed, "--detectors", "indicator")
        self.assertEqual(read_jsonl(proc.stdout), [], "the default allow-list covers resolvers on DNS ports")
        self.assertIn("suppressed by the allow-list", proc.stderr)
        self.assertIn("Google Public DNS", proc.stderr)
        shown = read_jsonl(self.detect(self.sim, "--indicators", listed, "--detectors", "indicator",
                                       "--no-default-allow").stdout)
        self.assertTrue({"8.8.8.8", "1.1.1.1", "9.9.9.9"} & {f["endpoint"] for f in shown})
        mine = self.path("mine.txt")
        with open(mine, "w") as f:
            f.write(f"{self.planted}/32 * vetted partner\n")
        suppressed = self.detect(self.sim, "--indicators", self.indicators, "--detectors", "indicator", "--allow", mine)
        self.assertEqual(read_jsonl(suppressed.stdout), [])
        self.assertIn("vetted partner", suppressed.stderr)

    def test_config_file_and_set(self):
        config = self.path("detect.toml")
        with open(config, "w") as f:
            f.write('[engine]\nemit_interval = "10m"\n[detectors.long_connection]\nmin_duration = "30m"\n'
                    'max_bytes_per_second = 5000\n[detectors.indicator]\nenabled = false\n')
        relaxed = read_jsonl(self.detect(self.sim, "--config", config, "--quiet").stdout)
        default = read_jsonl(self.detect(self.sim, "--quiet").stdout)
        self.assertGreater(len(relaxed), len(default))
        self.assertTrue(all(f["detector"] == "long_connection" for f in relaxed))
        # --set overrides the file.
        strict = read_jsonl(self.detect(self.sim, "--config", config, "--set", "long_connection.min_duration=100h",
                                        "--quiet").stdout)
        self.assertEqual(strict, [])

    def test_bad_settings_and_inputs_fail_clearly(self):
        proc = self.detect(self.sim, "--set", "beacon.min_connections=3", check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("unknown detector 'beacon'", proc.stderr)
        proc = self.detect(self.sim, "--set", "long_connection.min_durration=2h", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("min_durration", proc.stderr)
        bad = self.path("bad.txt")
        with open(bad, "w") as f:
            f.write("198.51.100.7\n# comment\nnot-an-address\n")
        proc = self.detect(self.sim, "--indicators", bad, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("bad.txt:3", proc.stderr)
        config = self.path("bad.toml")
        with open(config, "w") as f:
            f.write("[engine]\nworkers = 2\nturbo = true\n")
        proc = self.detect(self.sim, "--config", config, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("bad.toml:3", proc.stderr)

    def quiet_session_capture(self):
        """A JP subscriber holding a 2-hour, low-volume TCP session to a US server, among other traffic."""
        client, server = "126.10.20.1", "8.8.8.5"
        t = 1_748_862_000_000_000  # microseconds
        packets = [(t, ether(ipv4(client, server, 6, tcp(50123, 8443, 0x02))))]
        packets.append((t + 100_000, ether(ipv4(server, client, 6, tcp(8443, 50123, 0x12)))))
        for i in range(1, 121):  # a keepalive each way every minute for two hours
            at = t + i * 60_000_000
            packets.append((at, ether(ipv4(client, server, 6, tcp(50123, 8443, 0x18, b"k" * 40)))))
            packets.append((at + 150_000, ether(ipv4(server, client, 6, tcp(8443, 50123, 0x18, b"a" * 40)))))
        for i in range(50):  # short web visits
            at = t + i * 100_000_000
            packets.append((at, ether(ipv4("126.10.20.%d" % (2 + i % 5), "147.32.80.%d" % (1 + i % 3), 6,
                                           tcp(40000 + i, 443, 0x18, b"x" * 200)))))
        packets.sort(key=lambda p: p[0])
        path = self.path("unselected.pcap")
        write_pcap(path, packets)
        return path, client, server

    def test_unselected_capture_with_home(self):
        path, client, server = self.quiet_session_capture()
        jp = self.check_jsonl(self.detect(path, "--home", "JP", "--detectors", "long_connection").stdout)
        self.assertEqual([(f["endpoint"], f["role"]) for f in jp], [(server, "c2_server")])
        self.assertEqual(jp[0]["ports"], [8443])
        self.assertEqual(jp[0]["sample_peers"], [client])
        self.assertGreaterEqual(jp[0]["metrics"]["duration_s"], 7000)
        # Seen from the US, the Japanese client is the foreign end.
        us = self.check_jsonl(self.detect(path, "--home", "US", "--detectors", "long_connection").stdout)
        self.assertEqual([(f["endpoint"], f["role"]) for f in us], [(client, "remote_client")])
        # Both ends at home: nothing foreign, nothing to report.
        both = self.check_jsonl(self.detect(path, "--home", "JP", "--home", "US", "--detectors",
                                            "long_connection").stdout)
        self.assertEqual(both, [])

    def test_listen_on_live_ipfix(self):
        port_file = self.path("port")
        proc = subprocess.Popen([MAMORI, "detect", "--listen", "udp://127.0.0.1:0", "--port-file", port_file,
                                 "--indicators", self.indicators, "--detectors", "indicator", "--seconds", "120"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 30
            while not (os.path.exists(port_file) and os.path.getsize(port_file) > 0):
                self.assertLess(time.time(), deadline, "detect did not start listening")
                self.assertIsNone(proc.poll(), "detect exited early")
                time.sleep(0.05)
            with open(port_file) as f:
                port = int(f.read().split()[0])
            # The same traffic as the .mflow file, as IPFIX export datagrams.
            mamori("simulate", "traffic", "--out", "ipfix", "--to", f"udp://127.0.0.1:{port}", "--duration", "2h",
                   "--rate", "20", "--seed", "11", "--servers", "400", "--subscribers", "2000")
            time.sleep(1)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        self.assertEqual(proc.returncode, 0, err)
        findings = self.check_jsonl(out)
        self.assertEqual([f["endpoint"] for f in findings], [self.planted], err)
        self.assertGreater(findings[0]["flows"], 0)

    def approved_policy(self):
        mamori("keys", "generate", "--role", "overseer", "--out", self.path("overseer.key"), "--name", "overseer-test")
        mamori("pseudo", "keygen", "--id", "carrier-k1", "-o", self.path("carrier.pan"))
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
        policy = self.path("policy.toml")
        with open(policy, "w") as f:
            f.write(f"""[selection_policy]
id = "test/detect"
version = 1
home_countries = ["JP"]
directions = ["foreign_to_domestic", "domestic_to_foreign", "foreign_to_foreign"]
fields = ["start_ns", "end_ns", "src_addr", "dst_addr", "src_port", "dst_port", "proto", "packets", "bytes", "tcp_flags"]
pseudonymisation_key_id = "carrier-k1"
time_granularity = "1s"
valid_from = "{iso(now - datetime.timedelta(days=1))}"
valid_until = "{iso(now + datetime.timedelta(days=30))}"
retention = "730d"
legal_basis = "test"
""")
        mamori("policy", "sign", "--key", self.path("overseer.key"), policy)
        return ["--policy", policy, "--overseer-pubkey", self.path("overseer.key.pub"),
                "--pseudo-key", self.path("carrier.pan"), "--ledger", self.path("ledger.db")]

    def test_selected_data_and_the_sensor_hook(self):
        path, client, server = self.quiet_session_capture()
        policy = self.approved_policy()
        selected = self.path("selected.mflow")
        mamori("select", *policy, path, selected)
        # Locality comes from the selection: --home has no say any more.
        for home in ("JP", "US"):
            found = self.check_jsonl(self.detect(selected, "--home", home, "--detectors", "long_connection").stdout)
            self.assertEqual([(f["endpoint"], f["role"]) for f in found], [(server, "c2_server")], home)
            self.assertNotEqual(found[0]["sample_peers"], [client], "the domestic peer is pseudonymised")
        findings = self.path("sensor-findings.jsonl")
        proc = mamori("sensor", "run", *policy, "--read", path, "--out", self.path("sensor.mflow"), "--detect",
                      "--findings", findings)
        self.assertIn("mamori: detect:", proc.stderr)
        with open(findings) as f:
            from_sensor = self.check_jsonl(f.read())
        self.assertIn((server, "long_connection"), [(f["endpoint"], f["kind"]) for f in from_sensor])


if __name__ == "__main__":
    unittest.main()

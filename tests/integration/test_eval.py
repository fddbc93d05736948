"""The evaluation harness end to end: the standard scenario, the detectors, the scores.

`mamori simulate traffic --scenario standard` plants every attack kind and the
benign look-alikes into an hour of carrier traffic and writes the labels;
`mamori detect` runs the detectors over the flows; `mamori eval` scores the
findings against the labels. Beaconing, scanning and reflection must reach
precision and recall of at least 0.95 (R-DET 3).

Also checks the parts that do not need the detectors: the labels file of the
standard scenario, determinism, and `mamori eval` on hand-made findings.
"""
import csv
import json
import os
import subprocess
import tempfile
import unittest

from mamori_testlib import mamori

REQUIRED = ("beaconing", "scanning", "reflection")
THRESHOLD = 0.95
LABEL_COLUMNS = ["attack", "endpoint", "role", "ports", "proto", "start", "end", "label", "peers"]


def read_labels(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


class StandardScenario(unittest.TestCase):
    """One simulation shared by the tests below (it takes a few seconds)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="mamori-eval-")
        cls.flows = os.path.join(cls.tmp.name, "standard.mflow")
        cls.labels = os.path.join(cls.tmp.name, "labels.csv")
        cls.sim = mamori("simulate", "traffic", "--scenario", "standard", "--out", "mflow", "-o", cls.flows,
                         "--labels", cls.labels, timeout=300)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_labels_list_every_attack_kind_and_lookalike(self):
        columns, rows = read_labels(self.labels)
        self.assertEqual(columns, LABEL_COLUMNS)
        by_attack = {}
        for r in rows:
            by_attack.setdefault(r["attack"], []).append(r)
        for attack, role in (("beacon", "c2_server"), ("fanin", "c2_server"), ("scan", "scanner"),
                             ("bruteforce", "brute_forcer"), ("reflection", "reflector"),
                             ("controller", "controller")):
            self.assertIn(attack, by_attack)
            self.assertEqual({r["role"] for r in by_attack[attack]}, {role}, attack)
        for benign in ("benign_ntp", "benign_update", "benign_cdn", "benign_push", "benign_dns"):
            self.assertEqual(len(by_attack.get(benign, [])), 1, benign)
        self.assertEqual(len(by_attack["beacon"]), 20)
        self.assertEqual(len(by_attack["scan"]), 21)
        self.assertGreaterEqual(len(by_attack["reflection"]), 200)  # one row per reflector
        endpoints = [r["endpoint"] for r in rows]
        self.assertEqual(len(endpoints), len(set(endpoints)), "no address serves two campaigns")
        for r in rows:
            self.assertTrue(r["start"].startswith("2025-06-02T1") and r["end"] >= r["start"], r)
            self.assertGreater(int(r["peers"]), 0, r)

    def test_summary_counts_planted_flows(self):
        self.assertIn("planted flows", self.sim.stderr)

    def test_scenario_fixes_its_parameters(self):
        proc = mamori("simulate", "traffic", "--scenario", "standard", "--rate", "10", "--out", "csv", "-o",
                      os.devnull, check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--scenario standard fixes --rate", proc.stderr)

    def test_eval_scores_handmade_findings(self):
        _, rows = read_labels(self.labels)
        beacons = [r["endpoint"] for r in rows if r["attack"] == "beacon"]
        ntp = [r["endpoint"] for r in rows if r["attack"] == "benign_ntp"]
        findings = os.path.join(self.tmp.name, "handmade.jsonl")
        with open(findings, "w") as f:
            for e in beacons[:-1] + ntp:
                f.write(json.dumps({"kind": "beaconing", "detector": "beacon", "endpoint": e, "score": 90}) + "\n")
        out = json.loads(mamori("eval", "--labels", self.labels, findings, "--format", "json").stdout)
        beaconing = out["kinds"]["beaconing"]
        n = len(beacons)
        self.assertEqual(beaconing["true_positives"], n - 1)
        self.assertAlmostEqual(beaconing["precision"], (n - 1) / n)
        self.assertAlmostEqual(beaconing["recall"], (n - 1) / n)
        self.assertEqual([fp["cause"] for fp in out["false_positives"]], ["lookalike"])
        text = mamori("eval", "--labels", self.labels, findings).stdout
        self.assertIn("benign_ntp", text)

    def test_eval_refuses_malformed_findings_with_line_numbers(self):
        findings = os.path.join(self.tmp.name, "broken.jsonl")
        with open(findings, "w") as f:
            f.write('{"kind":"scanning","endpoint":"1.2.3.4"}\n{"kind":\n')
        proc = mamori("eval", "--labels", self.labels, findings, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(f"{findings}:2:", proc.stderr)

    def test_detectors_reach_the_required_precision_and_recall(self):
        help_proc = mamori("--help", check=False)
        has_detect = any(line.strip().startswith("detect") for line in help_proc.stdout.splitlines())
        if not has_detect:
            self.fail("`mamori detect` does not exist in this build: the detection engine "
                      "(mamori detect FILE... [--home CC] [-o OUT] [--format jsonl]) must be merged "
                      "before the evaluation can score it")
        findings = os.path.join(self.tmp.name, "findings.jsonl")
        proc = mamori("detect", self.flows, "--home", "JP", "-o", findings, "--format", "jsonl", "--progress",
                      timeout=540)
        # Millions of flows take seconds: --progress reports at least once (a line each, stderr is no
        # terminal), and the statistics give each detector's time.
        self.assertRegex(proc.stderr, r"(?m)^\d+ flows, flow clock \d{4}-\d\d-\d\dT[^,]+, \d+ flows/s$")
        self.assertRegex(proc.stderr, r"(?m)^mamori: detect: beaconing .*, reports \d+, \d+\.\d{3} s$")
        report = json.loads(mamori("eval", "--labels", self.labels, findings, "--format", "json").stdout)
        text = mamori("eval", "--labels", self.labels, findings).stdout
        problems = []
        for kind in REQUIRED:
            k = report["kinds"][kind]
            for metric in ("precision", "recall"):
                value = k[metric]
                if value is None or value < THRESHOLD:
                    problems.append(f"{kind} {metric} = {value} (needs >= {THRESHOLD}; "
                                    f"TP {k['true_positives']}, FP {k['false_positives']}, FN {k['false_negatives']})")
        self.assertFalse(problems, "\n".join(problems) + "\n\n" + text)


class Determinism(unittest.TestCase):
    def test_same_seed_same_labels_and_flows(self):
        with tempfile.TemporaryDirectory(prefix="mamori-eval-") as tmp:
            outputs = []
            for run in ("a", "b"):
                flows, labels = os.path.join(tmp, run + ".csv"), os.path.join(tmp, run + ".labels")
                mamori("simulate", "traffic", "--attacks", "all", "--duration", "10m", "--rate", "200",
                       "--subscribers", "2000", "--servers", "200", "--seed", "7", "--out", "csv", "-o", flows,
                       "--labels", labels)
                with open(flows, "rb") as f1, open(labels, "rb") as f2:
                    outputs.append((f1.read(), f2.read()))
            self.assertEqual(outputs[0], outputs[1])
            self.assertGreater(outputs[0][1].count(b"\n"), 100)


if __name__ == "__main__":
    unittest.main()

"""End-to-end: the `mamori keys` and `mamori ledger` CLI, checked with an independent
Python transcription of RFC 9162 proof verification and of the documented leaf format."""
import base64
import calendar
import hashlib
import json
import os
import sqlite3
import stat
import struct
import tempfile
import unittest

from mamori_testlib import mamori

BASE_TIME = calendar.timegm((2024, 4, 1, 0, 0, 0)) * 10**9


def h(data):
    return hashlib.sha256(data).digest()


def leaf_hash(index, time_ns, kind, actor, body):
    """docs/ledger.md: leaf data = 0x01 ‖ u64 index ‖ u64 time ‖ (u32 len ‖ bytes) × kind, actor, body."""
    data = b"\x01" + struct.pack(">QQ", index, time_ns)
    for field in (kind, actor, body):
        raw = field.encode()
        data += struct.pack(">I", len(raw)) + raw
    return h(b"\x00" + data)


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 §2.1.3.2, as written there."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = h(b"\x01" + p + r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = h(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, proof, first_hash, second_hash):
    """RFC 9162 §2.1.4.2, as written there."""
    if first == second:
        return not proof and first_hash == second_hash
    if first == 0 or first > second or not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_hash] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = h(b"\x01" + c + fr)
            sr = h(b"\x01" + c + sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = h(b"\x01" + sr + c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


def time_arg(i):
    return f"2024-04-01T00:00:{i:02d}.000000{i:03d}Z"


def time_ns(i):
    return BASE_TIME + i * 10**9 + i


class LedgerCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.db = os.path.join(self.dir, "ledger.db")
        self.outputs = []

    def tearDown(self):
        self.tmp.cleanup()

    def run_mamori(self, *args, check=True):
        proc = mamori(*args, check=check)
        self.outputs.append(proc.stdout + proc.stderr)
        return proc

    def secret_of(self, key_file):
        with open(key_file) as f:
            line = next(l for l in f if l.startswith("PRIVATE+KEY+"))
        return line.strip().split("+", 4)[4]

    def generate(self, role, name):
        path = os.path.join(self.dir, f"{role}.key")
        proc = self.run_mamori("keys", "generate", "--role", role, "--out", path, "--name", name)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path + ".pub") as f:
            pub = f.read()
        for line in pub.splitlines():
            self.assertIn(line, proc.stdout)
        return path

    def test_end_to_end(self):
        hub = self.generate("hub", "hub.mamori.example/ledger")
        overseer = self.generate("overseer", "overseer.mamori.example/witness")
        secrets = [self.secret_of(hub), self.secret_of(overseer)]

        refused = self.run_mamori("keys", "generate", "--role", "hub", "--out", hub, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("refusing to overwrite", refused.stderr)

        kinds = ["policy.approved", "selection.batch", "report.access", "action.executed"]
        leaves = []
        for i in range(13):
            kind = kinds[i % len(kinds)]
            body = {"batch": i, "flows_in": 100 + i, "output_sha256": hashlib.sha256(bytes([i])).hexdigest()}
            out = self.run_mamori("ledger", "append", "--db", self.db, "--kind", kind, "--actor", "carrier:c1",
                                  "--body", json.dumps(body), "--time", time_arg(i)).stdout
            fields = dict(f.split("=", 1) for f in out.split())
            self.assertEqual(int(fields["index"]), i)
            canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
            expect = leaf_hash(i, time_ns(i), kind, "carrier:c1", canonical)
            self.assertEqual(base64.b64decode(fields["leaf_hash"]), expect, "leaf format differs from docs/ledger.md")
            leaves.append(expect)
            if i == 6:
                note1 = self.run_mamori("ledger", "checkpoint", "--db", self.db, "--key", hub).stdout
                self.assertEqual(note1.splitlines()[:2], ["hub.mamori.example/ledger", "7"])
                self.run_mamori("ledger", "witness", "--db", self.db, "--key", overseer)

        note2 = self.run_mamori("ledger", "checkpoint", "--db", self.db, "--key", hub).stdout
        cosigned = self.run_mamori("ledger", "witness", "--db", self.db, "--key", overseer).stdout
        self.assertTrue(cosigned.startswith(note2.split("\n\n")[0] + "\n\n"))
        sig_lines = [l for l in cosigned.splitlines() if l.startswith("\u2014 ")]
        self.assertEqual([l.split()[1] for l in sig_lines],
                         ["hub.mamori.example/ledger", "overseer.mamori.example/witness"])
        root13 = base64.b64decode(note2.splitlines()[2])

        for index in (0, 5, 12):
            proof = json.loads(self.run_mamori("ledger", "prove", "--db", self.db, "--index", index).stdout)
            self.assertEqual((proof["leafIdx"], proof["treeSize"]), (index, 13))
            self.assertEqual(base64.b64decode(proof["leafHash"]), leaves[index])
            self.assertEqual(base64.b64decode(proof["root"]), root13)
            self.assertTrue(verify_inclusion(index, 13, leaves[index], [base64.b64decode(p) for p in proof["proof"]],
                                             root13))
        proof = json.loads(self.run_mamori("ledger", "prove", "--db", self.db, "--index", 3, "--size", 7).stdout)
        root7 = base64.b64decode(note1.splitlines()[2])
        self.assertTrue(verify_inclusion(3, 7, leaves[3], [base64.b64decode(p) for p in proof["proof"]], root7))
        cons = json.loads(self.run_mamori("ledger", "prove", "--db", self.db, "--from", 7, "--to", 13).stdout)
        self.assertTrue(verify_consistency(7, 13, [base64.b64decode(p) for p in cons["proof"]], root7, root13))

        shown = [json.loads(l) for l in self.run_mamori("ledger", "show", "--db", self.db, "--json").stdout.splitlines()]
        self.assertEqual(len(shown), 13)
        self.assertEqual(base64.b64decode(shown[4]["leaf_hash"]), leaves[4])

        ok = self.run_mamori("ledger", "verify", "--db", self.db, "--pubkey", hub + ".pub",
                             "--witness-pubkey", overseer + ".pub")
        self.assertTrue(ok.stdout.startswith("ledger OK: 13 entries"), ok.stdout)
        self.assertIn("2 checkpoints verified; 2 cosignatures verified", ok.stdout)

        # Tamper with entry 5 as someone with write access to the file would.
        con = sqlite3.connect(self.db)
        con.execute("DROP TRIGGER entries_no_update")
        con.execute("""UPDATE entries SET body = '{"batch":5,"flows_in":0}' WHERE seq = 5""")
        con.commit()
        con.close()
        bad = self.run_mamori("ledger", "verify", "--db", self.db, "--pubkey", hub + ".pub",
                              "--witness-pubkey", overseer + ".pub", check=False)
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertTrue(bad.stdout.startswith("ledger verification FAILED"), bad.stdout)
        self.assertIn("entry_modified 5:", bad.stdout)
        self.assertIn("first divergence at index 5", bad.stdout)

        # The witness audits entries appended since its last cosignature: a
        # tampered new entry makes it refuse.
        self.run_mamori("ledger", "append", "--db", self.db, "--kind", "selection.batch", "--actor", "carrier:c1",
                        "--body", '{"batch":13}')
        con = sqlite3.connect(self.db)
        con.execute("""UPDATE entries SET body = '{"batch":14}' WHERE seq = 13""")
        con.commit()
        con.close()
        self.run_mamori("ledger", "checkpoint", "--db", self.db, "--key", hub)
        refused = self.run_mamori("ledger", "witness", "--db", self.db, "--key", overseer, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("entry 13 does not match its leaf hash", refused.stderr)

        for secret in secrets:
            for text in self.outputs:
                self.assertNotIn(secret, text, "a private key appeared in CLI output")

    def test_key_file_permissions_are_enforced(self):
        hub = self.generate("hub", "hub.example")
        self.run_mamori("ledger", "append", "--db", self.db, "--kind", "policy.approved", "--actor", "overseer:o",
                        "--body", "{}")
        os.chmod(hub, 0o644)
        proc = self.run_mamori("ledger", "checkpoint", "--db", self.db, "--key", hub, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("chmod 600", proc.stderr)
        self.assertNotIn(self.secret_of(hub), proc.stdout + proc.stderr)
        os.chmod(hub, 0o600)
        self.run_mamori("ledger", "checkpoint", "--db", self.db, "--key", hub)
        # Only the overseer's key may witness.
        proc = self.run_mamori("ledger", "witness", "--db", self.db, "--key", hub, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("overseer", proc.stderr)

    def test_misuse_is_reported_in_one_line(self):
        for args in (["ledger", "append", "--kind", "a.b"],
                     ["ledger", "prove", "--db", self.db],
                     ["keys", "generate", "--role", "king", "--out", os.path.join(self.dir, "k")]):
            proc = self.run_mamori(*args, check=False)
            self.assertNotEqual(proc.returncode, 0, args)
            self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        proc = self.run_mamori("ledger", "append", "--db", self.db, "--kind", "report.access", "--actor", "analyst:a",
                               "--body", '{"client":"198.51.100.7"}', check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("personal data", proc.stderr)
        for verb in ("append", "checkpoint", "prove", "verify", "witness", "show"):
            self.assertIn("--db", self.run_mamori("ledger", verb, "--help").stdout)
        self.assertIn("--role", self.run_mamori("keys", "generate", "--help").stdout)


if __name__ == "__main__":
    unittest.main()

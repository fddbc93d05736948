"""Incident reports through a real `mamori hub serve`, on SQLite and on
PostgreSQL: the report CLI end to end, 401/403 rules (an operator never sees
another organisation's reports or who filed them), invalid submissions
storing nothing, SQL injection strings kept as text, purpose-bound reads on
the ledger, and `mamori ledger verify` on the hub's ledger afterwards."""
import hashlib
import json
import os
import subprocess
import unittest
import urllib.parse

from hub_testlib import Hub
from mamori_testlib import MAMORI

INJECTIONS = ["'; DROP TABLE reports; --", "x' OR '1'='1", "\"); DELETE FROM incidents; --",
              "1; UPDATE report_access SET allowed = true", "$$; DROP SCHEMA public CASCADE; $$"]


class ReportTests:
    backend = None

    def setUp(self):
        self.hub = Hub(self, self.backend)
        self.hub.init()
        self.hub.start()
        self.hub.create_org("kansai-grid", sector="electricity", tier=1)
        self.hub.create_org("other-gas", sector="gas")
        for agency in ("jp.ncs", "jp.meti", "jp.npa"):
            self.hub.create_org(agency, sector="government_services", clearance=2)
        self.op = self.hub.create_key("operator", "kansai-grid")
        self.other = self.hub.create_key("operator", "other-gas")
        self.meti = self.hub.create_key("analyst", "jp.meti")
        self.carrier = self.hub.create_key("carrier", "other-gas")

    def tearDown(self):
        self.hub.drop()

    def quick(self, key=None, **fields):
        body = {"incident_type": "ransomware", "aware_at": "2025-03-01T02:10:00+09:00", "contact": "CSIRT desk"}
        body.update(fields)
        return self.hub.request("POST", "/v1/reports", key or self.op, body)

    def all_reports(self):
        status, _, page = self.hub.request("GET", "/v1/reports?limit=1000", self.hub.admin_key)
        self.assertEqual(status, 200, page)
        return page["items"]

    def test_cli_files_a_chain_and_the_reporter_sees_who_read_it(self):
        out = self.hub.cli("report", "quick", "--type", "ddos", "--contact", "NOC +81-3-0000-0000",
                           "--asset", "web front ends; attack from 203.0.113.50", "--impact", "degraded", "--json",
                           key=self.op).stdout
        accepted = json.loads(out)
        rid = accepted["id"]
        self.assertEqual({r["recipient"] for r in accepted["receipts"]}, {"jp.ncs", "jp.meti"})
        self.assertEqual(hashlib.sha256(json.dumps(accepted["document"], separators=(",", ":"),
                                                   ensure_ascii=False).encode()).hexdigest(),
                         accepted["document_sha256"])
        self.hub.cli("report", "update", rid, "--changes", "mitigated upstream", key=self.op)
        self.hub.cli("report", "final", rid, "--description", "volumetric flood", "--root-cause", "botnet",
                     "--remediation", "scrubbing contract", key=self.op)
        refused = self.hub.cli("report", "update", rid, "--changes", "more", key=self.op, check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("final report has been filed", refused.stderr)
        self.assertEqual(len(refused.stderr.strip().splitlines()), 1, refused.stderr)

        listed = self.hub.cli("report", "list", key=self.op).stdout
        self.assertEqual(sum(1 for line in listed.splitlines() if line.startswith("rpt-")), 3, listed)
        # The ministry reads with a purpose; a refused purpose is recorded too.
        no = self.hub.cli("report", "show", rid, "--purpose", "sanctions_against_reporter", key=self.meti, check=False)
        self.assertEqual(no.returncode, 1)
        self.assertIn("403", no.stderr)
        shown = json.loads(self.hub.cli("report", "show", rid, "--purpose", "cybersecurity_analysis",
                                        key=self.meti).stdout)
        self.assertEqual(shown["reporter"], {"anonymous": True, "sector": "electricity"})
        self.assertNotIn("contact", shown)
        log = json.loads(self.hub.cli("report", "access-log", rid, "--json", key=self.op).stdout)["reads"]
        self.assertEqual([(r["reader_organisation"], r["purpose"], r["decision"]) for r in log],
                         [("jp.meti", "sanctions_against_reporter", "refused"),
                          ("jp.meti", "cybersecurity_analysis", "allowed")])
        self.assertNotEqual(self.hub.cli("report", "access-log", rid, key=self.meti, check=False).returncode, 0)

        # Every read decision is on the hub's ledger, and the ledger verifies.
        self.hub.stop()
        ledger = os.path.join(self.hub.dir, "hub.ledger")
        key = ledger + ".receipt-key"
        subprocess.run([MAMORI, "ledger", "checkpoint", "--db", ledger, "--key", key, "--origin", "mamori.test/hub"],
                       check=True, capture_output=True, timeout=60)
        verify = subprocess.run([MAMORI, "ledger", "verify", "--db", ledger, "--pubkey", key + ".pub"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(verify.returncode, 0, verify.stderr + verify.stdout)
        show = subprocess.run([MAMORI, "ledger", "show", "--db", ledger], capture_output=True, text=True, timeout=60)
        self.assertEqual(show.stdout.count("report.access"), 2, show.stdout)
        self.assertNotIn(self.meti.split("_")[1], show.stdout)  # no key ids in the ledger, only their hash

    def test_keys_roles_and_organisations(self):
        status, _, rep = self.quick()
        self.assertEqual(status, 201, rep)
        rid = rep["id"]
        for key in (None, "mk_0000000000000000_" + "0" * 64, "garbage"):
            for path in ("/v1/reports", "/v1/reports/" + rid, "/v1/reports/" + rid + "/access-log"):
                self.assertEqual(self.hub.request("GET", path, key)[0], 401, (key, path))
            self.assertEqual(self.hub.request("POST", "/v1/reports", key, {"incident_type": "ddos"})[0], 401)
        self.assertEqual(self.quick(key=self.meti)[0], 403)      # analysts do not file
        self.assertEqual(self.quick(key=self.carrier)[0], 403)   # carrier keys are for sensors
        # The other operator: no read, whatever purpose, no list entry, no receipts, no access log.
        for purpose in ("", "cybersecurity_analysis", "oversight"):
            status, _, body = self.hub.request("GET", "/v1/reports/" + rid, self.other,
                                               headers={"X-Request-Purpose": purpose} if purpose else None)
            self.assertEqual(status, 403)
            self.assertNotIn("kansai-grid", json.dumps(body))
        for suffix in ("/receipts", "/access-log", "/deadlines"):
            status, _, body = self.hub.request("GET", "/v1/reports/" + rid + suffix, self.other)
            self.assertEqual(status, 403, suffix)
            self.assertNotIn("kansai-grid", json.dumps(body))
        status, _, page = self.hub.request("GET", "/v1/reports", self.other)
        self.assertEqual((status, page["items"]), (200, []))
        status, _, page = self.hub.request("GET", "/v1/reports/overdue", self.other)
        self.assertEqual(status, 200)
        self.assertNotIn("kansai-grid", json.dumps(page))
        # Analysts list it without the reporter's identity.
        status, _, page = self.hub.request("GET", "/v1/reports", self.meti)
        self.assertEqual(len(page["items"]), 1)
        self.assertNotIn("kansai-grid", json.dumps(page))
        status, _, page = self.hub.request("GET", "/v1/reports/overdue", self.meti)
        self.assertEqual(status, 200)
        self.assertNotIn("kansai-grid", json.dumps(page))

    def test_invalid_submissions_are_400_and_store_nothing(self):
        bodies = [
            b"{", b"null", b"[]", b"\xff\xfe", b'{"incident_type": "ransomware"',
            json.dumps({"incident_type": "ransomware", "aware_at": "2025-03-01T00:00:00Z"}),  # no contact
            json.dumps({"incident_type": "ransomware", "aware_at": "not a time", "contact": "x"}),
            json.dumps({"incident_type": "ransomware", "aware_at": "2025-03-01T00:00:00Z", "contact": "x",
                        "id": "rpt-mine"}),
            json.dumps({"incident_type": "ransomware", "aware_at": "2025-03-01T00:00:00Z", "contact": "x",
                        "handling": {"tlp": "PURPLE"}}),
            json.dumps({"incident_type": "ransomware", "aware_at": "2025-03-01T00:00:00Z", "contact": "x",
                        "ransomware": {"wallet_addresses": ["1BoatSLRHtKNngkdXEeobR76b53LETtpyX"]}}),
            json.dumps({"incident_type": "ransomware", "aware_at": "2025-03-01T00:00:00Z", "contact": "x" * 600}),
            json.dumps({"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}),
        ]
        for body in bodies:
            status, _, payload = self.hub.request("POST", "/v1/reports", self.op, body)
            self.assertEqual(status, 400, (body[:80], payload))
            self.assertTrue(payload["error"]["message"], payload)
        status, _, _ = self.hub.request("POST", "/v1/reports", self.op, "{\"contact\":\"" + "a" * (2 << 20) + "\"}")
        self.assertEqual(status, 413)
        self.assertEqual(self.all_reports(), [])

    def test_injection_strings_are_stored_as_text(self):
        ids = []
        for s in INJECTIONS:
            status, _, rep = self.quick(contact=s, affected_asset=s,
                                        handling={"permitted_purposes": ["cybersecurity_analysis"]})
            self.assertEqual(status, 201, rep)
            ids.append(rep["id"])
            status, _, doc = self.hub.request("GET", "/v1/reports/" + rep["id"], self.op)
            self.assertEqual((doc["contact"], doc["affected_asset"]), (s, s))
            status, _, body = self.hub.request("GET", "/v1/reports/" + rep["id"], self.meti,
                                               headers={"X-Request-Purpose": s})
            self.assertEqual(status, 403)
            status, _, log = self.hub.request("GET", "/v1/reports/" + rep["id"] + "/access-log", self.op)
            self.assertEqual([r["purpose"] for r in log["reads"]], [s[:64]])
        status, _, page = self.hub.request("GET", "/v1/reports?after=" + urllib.parse.quote("x' OR '1'='1"), self.op)
        self.assertEqual((status, page["items"]), (200, []))
        status, _, page = self.hub.request("GET", "/v1/reports/" + urllib.parse.quote("' OR '1'='1"), self.op)
        self.assertEqual(status, 404)
        self.assertEqual(sorted(r["id"] for r in self.all_reports()), sorted(ids))
        status, _, orgs = self.hub.request("GET", "/v1/organisations", self.hub.admin_key)
        self.assertEqual(len(orgs["items"]), 5)


class SqliteReports(ReportTests, unittest.TestCase):
    backend = "sqlite"


class PostgresReports(ReportTests, unittest.TestCase):
    backend = "postgres"


if __name__ == "__main__":
    unittest.main()

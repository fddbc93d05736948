"""The hub as a user drives it, on both backends: the CLI (org, apikey),
authentication and authorisation, organisation isolation, malformed and
hostile input, request logs that never hold a key, and HTTPS."""
import json
import os
import subprocess
import unittest

from hub_testlib import Hub

# Strings that would change a statement if it were built by concatenation.
HOSTILE = [
    "x'); DROP TABLE organisations;--",
    "\" OR 1=1 --",
    "'; DELETE FROM api_keys; SELECT '",
    "Robert'); DROP TABLE findings; --",
    "$1 $$ ; COMMIT; BEGIN; \\",
    "' UNION SELECT secret_hash FROM api_keys --",
]


class HubApiTests:
    backend = None

    def setUp(self):
        self.hub = Hub(self, self.backend)
        self.hub.init()
        self.hub.start()

    def tearDown(self):
        self.hub.drop()

    def test_cli_organisations_and_keys(self):
        h = self.hub
        out = h.cli("org", "create", "--id", "tepco-pg", "--name", "東京電力パワーグリッド", "--sector", "電力",
                    "--tier", "1", "--contact", "name=CSIRT;email=csirt@example.jp;phone=+81-3-0000-0000;role=CSIRT",
                    "--ip-range", "198.51.100.0/24", "--ip-range", "2001:db8:100::/48", "--asn", "64500",
                    "--domain", "Grid.Example.JP", key=h.admin_key)
        org = json.loads(out.stdout)
        self.assertEqual(org["sector"], "electricity")
        self.assertEqual(org["ministry"], "METI")
        self.assertEqual(org["domains"], ["grid.example.jp"])
        # The same command again with an idempotency key registers once.
        for _ in range(2):
            h.cli("org", "create", "--name", "Bank", "--sector", "finance", "--idempotency-key", "bank-1",
                  key=h.admin_key)
        listing = h.cli("org", "list", "--json", key=h.admin_key)
        names = [o["name"] for o in json.loads(listing.stdout)["items"]]
        self.assertEqual(sorted(names), ["Bank", "東京電力パワーグリッド"])
        self.assertIn("tepco-pg", h.cli("org", "list", key=h.admin_key).stdout)

        created = h.cli("apikey", "create", "--role", "operator", "--org", "tepco-pg", "--name", "soc",
                        key=h.admin_key)
        op_key = created.stdout.strip()
        self.assertTrue(op_key.startswith("mk_"))
        self.assertNotIn(op_key, created.stderr)
        key_id = op_key[3:19]
        listed = h.cli("apikey", "list", key=h.admin_key)
        self.assertIn(key_id, listed.stdout)
        self.assertNotIn(op_key[20:], listed.stdout + listed.stderr)

        # The operator reads and updates its own organisation only.
        shown = json.loads(h.cli("org", "show", "tepco-pg", key=op_key).stdout)
        self.assertEqual(shown["id"], "tepco-pg")
        updated = json.loads(h.cli("org", "update", "tepco-pg", "--domain", "tepco.example.jp",
                                   "--version", shown["version"], key=op_key).stdout)
        self.assertEqual(updated["domains"], ["tepco.example.jp"])
        self.assertEqual(updated["version"], shown["version"] + 1)
        stale = h.cli("org", "update", "tepco-pg", "--name", "x", "--version", shown["version"], key=op_key,
                      check=False)
        self.assertNotEqual(stale.returncode, 0)
        self.assertIn("409 version_conflict", stale.stderr)
        bank_id = [o["id"] for o in json.loads(listing.stdout)["items"] if o["name"] == "Bank"][0]
        denied = h.cli("org", "show", bank_id, key=op_key, check=False)
        self.assertNotEqual(denied.returncode, 0)
        self.assertIn("403 forbidden", denied.stderr)
        own_list = json.loads(h.cli("org", "list", "--json", key=op_key).stdout)["items"]
        self.assertEqual([o["id"] for o in own_list], ["tepco-pg"])

        # Revocation; clear errors without a key or with a bad one.
        h.cli("apikey", "revoke", key_id, key=h.admin_key)
        gone = h.cli("org", "show", "tepco-pg", key=op_key, check=False)
        self.assertIn("401 unauthorized", gone.stderr)
        nokey = h.cli("org", "list", key="", check=False)
        self.assertEqual(nokey.returncode, 2)
        self.assertIn("MAMORI_KEY", nokey.stderr)
        wrong_url = subprocess.run([os.environ["MAMORI_BIN"], "org", "list", "--url", "http://127.0.0.1:1"],
                                   capture_output=True, text=True, env={**os.environ, "MAMORI_KEY": h.admin_key})
        self.assertNotEqual(wrong_url.returncode, 0)
        self.assertIn("cannot connect", wrong_url.stderr)
        self.assertNotIn(h.admin_key, wrong_url.stderr)

        # A second bootstrap on a store with keys is refused.
        again = subprocess.run([os.environ["MAMORI_BIN"], "apikey", "create", "--role", "admin", "--bootstrap",
                                *h.db_args()], capture_output=True, text=True)
        self.assertNotEqual(again.returncode, 0)
        self.assertEqual(again.stdout, "")

    def test_security_matrix(self):
        h = self.hub
        h.create_org("acme")
        h.create_org("other")
        h.create_org("carrier-x", sector="information_communication")
        op = h.create_key("operator", "acme")
        carrier = h.create_key("carrier", "carrier-x")
        analyst = h.create_key("analyst")
        overseer = h.create_key("overseer")
        cases = [
            # (method, path, key, body, status)
            ("GET", "/v1/organisations", None, None, 401),
            ("GET", "/v1/organisations", "mk_" + "0" * 16 + "_" + "0" * 64, None, 401),
            ("GET", "/v1/organisations", "garbage", None, 401),
            ("GET", "/v1/organisations/other", op, None, 403),
            ("PATCH", "/v1/organisations/other", op, {"name": "x"}, 403),
            ("GET", "/v1/organisations/other/access-log", op, None, 403),
            ("POST", "/v1/organisations", op, {"name": "x", "sector": "gas"}, 403),
            ("POST", "/v1/organisations", analyst, {"name": "x", "sector": "gas"}, 403),
            ("POST", "/v1/api-keys", op, {"role": "admin"}, 403),
            ("POST", "/v1/api-keys", overseer, {"role": "admin"}, 403),
            ("DELETE", "/v1/api-keys/0000000000000000", carrier, None, 403),
            ("GET", "/v1/findings", op, None, 403),
            ("POST", "/v1/findings", analyst, {}, 403),
            ("POST", "/v1/findings", op, {}, 403),
            ("PATCH", "/v1/findings/1", carrier, {"status": "closed"}, 403),
            ("PATCH", "/v1/findings/1", overseer, {"status": "closed"}, 403),
            ("GET", "/v1/organisations/acme", op, None, 200),
            ("GET", "/v1/organisations/acme", overseer, None, 200),
            ("GET", "/v1/findings", overseer, None, 200),
            ("GET", "/v1/findings", carrier, None, 200),
        ]
        for method, path, key, body, want in cases:
            with self.subTest(method=method, path=path, want=want):
                status, _, payload = h.request(method, path, key, body)
                self.assertEqual(status, want, payload)
                if want >= 400:
                    self.assertEqual(set(payload), {"error"})
                    self.assertEqual(set(payload["error"]), {"code", "message"})

    def test_bad_input_is_refused_and_stores_nothing(self):
        h = self.hub
        h.create_org("carrier-x", sector="information_communication")
        carrier = h.create_key("carrier", "carrier-x")
        bad_orgs = [
            b"{", b"null", b"[]", b'{"name": 5, "sector": "gas"}', b'{"name": "x"}',
            b'{"name": "x", "sector": "casino"}', b'{"name": "x", "sector": "gas", "tier": 9}',
            b'{"name": "x", "sector": "gas", "ip_ranges": ["999.0.0.0/8"]}',
            b'{"name": "x", "sector": "gas", "extra": true}', b'\xff\xfe{"name": "x"}',
            b'{"name": "x", "sector": "gas", "contacts": [{"name": "a", "email": "no-at-sign"}]}',
        ]
        for body in bad_orgs:
            with self.subTest(body=body):
                status, _, payload = h.request("POST", "/v1/organisations", h.admin_key, body)
                self.assertEqual(status, 400, payload)
                self.assertIn(payload["error"]["code"], ("invalid_json", "invalid_request"))
                self.assertTrue(payload["error"]["message"])
        status, _, payload = h.request("POST", "/v1/organisations", h.admin_key, b"a" * (2 * 1024 * 1024))
        self.assertEqual(status, 413, payload)
        status, _, payload = h.request("POST", "/v1/organisations", h.admin_key, '{"name":"x","sector":"gas"}',
                                       headers={"Content-Type": "text/xml"})
        self.assertEqual(status, 415, payload)
        good = {"kind": "scanning", "detector": "trw", "endpoint": "192.0.2.9", "score": 70,
                "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-01T00:10:00Z"}
        bad_findings = [
            [good, dict(good, endpoint="not-an-ip")],
            [dict(good, kind="mining")],
            [dict(good, score="high")],
            [dict(good, first_seen="yesterday")],
            [dict(good, ports=[70000])],
            [dict(good, last_seen="2026-10-01T00:00:00Z")],
            [dict(good, metrics={"x": "y"})],
            [dict(good, unexpected=1)],
        ]
        for body in bad_findings:
            with self.subTest(findings=body):
                status, _, payload = h.request("POST", "/v1/findings", carrier, body)
                self.assertEqual(status, 400, payload)
        status, _, listing = h.request("GET", "/v1/findings", h.admin_key)
        self.assertEqual(listing["items"], [])
        status, _, orgs = h.request("GET", "/v1/organisations", h.admin_key)
        self.assertEqual([o["id"] for o in orgs["items"]], ["carrier-x"])

    def test_injection_strings_are_stored_as_text(self):
        h = self.hub
        h.create_org("carrier-x", sector="information_communication")
        carrier = h.create_key("carrier", "carrier-x")
        analyst = h.create_key("analyst")
        for i, s in enumerate(HOSTILE):
            org = {"id": "inj-%d" % i, "name": s, "sector": "gas", "ministry": s,
                   "contacts": [{"name": s, "email": "a@" + s, "phone": s, "role": s}]}
            status, _, created = h.request("POST", "/v1/organisations", h.admin_key, org)
            self.assertEqual(status, 201, created)
            status, _, got = h.request("GET", "/v1/organisations/inj-%d" % i, h.admin_key)
            self.assertEqual(got["name"], s)
            self.assertEqual(got["contacts"][0], {"name": s, "email": "a@" + s, "phone": s, "role": s})
            finding = {"kind": "beaconing", "detector": s[:60], "endpoint": "203.0.113.%d" % (i + 1), "role": s[:60],
                       "score": 50, "first_seen": 1, "last_seen": 2, "summary": s, "sample_peers": [s[:60]],
                       "metrics": {s[:60]: 1.5}}
            status, _, receipt = h.request("POST", "/v1/findings", carrier, finding)
            self.assertEqual(status, 201, receipt)
            fid = receipt["ids"][0]
            status, _, triaged = h.request("PATCH", "/v1/findings/%d" % fid, analyst, {"status": "closed", "notes": s})
            self.assertEqual(status, 200, triaged)
            self.assertEqual(triaged["notes"], s)
            self.assertEqual(triaged["summary"], s)
            self.assertEqual(triaged["detector"], s[:60])
            # Hostile text in query parameters and paths is a value, never SQL.
            status, _, none = h.request("GET", "/v1/findings?carrier=" + __import__("urllib.parse").parse.quote(s),
                                        analyst)
            self.assertEqual((status, none["items"]), (200, []))
            status, _, _ = h.request("GET", "/v1/organisations/" + __import__("urllib.parse").parse.quote(s, safe=""),
                                     h.admin_key)
            self.assertEqual(status, 404)
        status, _, orgs = h.request("GET", "/v1/organisations", h.admin_key)
        self.assertEqual(len(orgs["items"]), len(HOSTILE) + 1)
        status, _, findings = h.request("GET", "/v1/findings", analyst)
        self.assertEqual(len(findings["items"]), len(HOSTILE))
        status, _, keys = h.request("GET", "/v1/api-keys", h.admin_key)
        self.assertEqual(len(keys["items"]), 3)
        status, _, health = h.request("GET", "/healthz")
        self.assertEqual(health["schema_version"], 2)

    def test_request_log_has_key_ids_never_keys(self):
        h = self.hub
        h.request("GET", "/v1/organisations", h.admin_key)
        # A wrong secret: the last character changed (never to itself, or the key would be right).
        wrong = h.admin_key[:-1] + ("1" if h.admin_key.endswith("0") else "0")
        h.request("GET", "/v1/organisations", wrong)
        h.stop()
        lines = [json.loads(l) for l in h.log().splitlines() if l.startswith("{")]
        requests = [l for l in lines if "route" in l]
        self.assertGreaterEqual(len(requests), 2)
        for l in requests:
            self.assertEqual(set(l), {"time", "method", "route", "path", "status", "latency_ms", "key_id"})
        self.assertEqual(requests[0]["key_id"], h.admin_key[3:19])
        self.assertEqual(requests[1]["status"], 401)
        self.assertNotIn(h.admin_key[20:], h.log())
        self.assertNotIn(h.admin_key[20:-1], h.log())
        self.assertEqual(lines[-1]["event"], "stopped")


class SqliteHubApi(HubApiTests, unittest.TestCase):
    backend = "sqlite"


class PostgresHubApi(HubApiTests, unittest.TestCase):
    backend = "postgres"


class HubTls(unittest.TestCase):
    """HTTPS with a self-signed certificate: the CLI verifies it against --ca-file."""

    def test_https_with_ca_file(self):
        hub = Hub(self, "sqlite")
        try:
            cert = os.path.join(hub.dir, "cert.pem")
            key = os.path.join(hub.dir, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                            "-keyout", key, "-out", cert], check=True, capture_output=True)
            hub.init()
            hub.start(["--tls-cert", cert, "--tls-key", key])
            hub.scheme = "https"
            hub.ca_file = cert
            status, _, health = hub.request("GET", "/healthz")
            self.assertEqual(status, 200, health)
            out = hub.cli("org", "list", "--json", key=hub.admin_key)
            self.assertEqual(json.loads(out.stdout)["items"], [])
            # Without trusting the certificate the client refuses to talk.
            hub.ca_file = None
            refused = hub.cli("org", "list", key=hub.admin_key, check=False)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("TLS", refused.stderr)
        finally:
            hub.drop()


if __name__ == "__main__":
    unittest.main()

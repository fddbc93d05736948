"""Durability under a crash, on both backends: writers keep creating
organisations, submitting findings and filing incident reports with a
follow-up each (each with an Idempotency-Key, retried until acknowledged) while the hub is killed with SIGKILL and restarted on the
same database. Afterwards every write that got a 2xx is present, and none is
duplicated."""
import http.client
import random
import threading
import time
import unittest

from hub_testlib import Hub, wait_until

WRITERS = 4
WRITES_PER_WRITER = 30


class CrashRestartTests:
    backend = None

    def test_acknowledged_writes_survive_sigkill_once_each(self):
        hub = Hub(self, self.backend)
        try:
            hub.init()
            hub.start()
            hub.create_org("carrier-x", sector="information_communication")
            carrier = hub.create_key("carrier", "carrier-x")
            hub.create_org("grid-y", sector="electricity")
            operator = hub.create_key("operator", "grid-y")
            acked_reports = {}   # idempotency key -> report id from the 2xx
            acked_orgs = {}      # idempotency key -> org id from the 2xx
            acked_findings = {}  # endpoint -> finding id from the 2xx
            retries = [0]
            errors = []
            lock = threading.Lock()
            deadline = time.time() + 120

            def send(method, path, key, body, idem):
                # Retries the same logical write (same Idempotency-Key) until
                # it is acknowledged: connection refused/reset while the hub is
                # down or restarting is expected.
                while time.time() < deadline:
                    try:
                        status, _, payload = hub.request(method, path, key, body,
                                                         headers={"Idempotency-Key": idem}, timeout=10)
                    except (OSError, http.client.HTTPException):
                        with lock:
                            retries[0] += 1
                        time.sleep(0.05)
                        continue
                    if status in (200, 201):
                        return payload
                    if status >= 500:
                        time.sleep(0.05)
                        continue
                    raise AssertionError("%s %s -> %d %s" % (method, path, status, payload))
                raise AssertionError("write not acknowledged before the deadline")

            def writer(n):
                try:
                    for i in range(WRITES_PER_WRITER):
                        idem = "org-%d-%d" % (n, i)
                        org = send("POST", "/v1/organisations", hub.admin_key,
                                   {"name": "Org %d/%d" % (n, i), "sector": "water"}, idem)
                        with lock:
                            acked_orgs[idem] = org["id"]
                        endpoint = "198.51.%d.%d" % (n, i + 1)
                        finding = {"kind": "scanning", "detector": "trw", "endpoint": endpoint, "score": 60,
                                   "first_seen": 1000 + i, "last_seen": 2000 + i}
                        receipt = send("POST", "/v1/findings", carrier, finding, "finding-%d-%d" % (n, i))
                        with lock:
                            acked_findings[endpoint] = receipt["ids"][0]
                        quick = {"incident_type": "ddos", "aware_at": "2025-03-01T00:00:00Z",
                                 "contact": "NOC %d/%d" % (n, i)}
                        accepted = send("POST", "/v1/reports", operator, quick, "quick-%d-%d" % (n, i))
                        with lock:
                            acked_reports["quick-%d-%d" % (n, i)] = accepted["id"]
                        if i % 3 == 0:
                            follow = {"stage": "follow_up", "incident": accepted["id"], "sequence": 1,
                                      "changes": "update %d/%d" % (n, i)}
                            update = send("POST", "/v1/reports", operator, follow, "follow-%d-%d" % (n, i))
                            with lock:
                                acked_reports["follow-%d-%d" % (n, i)] = update["id"]
                except Exception as e:  # reported by the main thread
                    errors.append(e)

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
            for t in threads:
                t.start()
            # Kill the hub while writes are in flight (a quarter and two thirds of
            # the way through), and restart it on the same database.
            total = WRITERS * WRITES_PER_WRITER
            for fraction in (0.25, 0.66):
                self.assertTrue(wait_until(lambda: len(acked_findings) >= fraction * total, timeout=60))
                time.sleep(random.uniform(0, 0.05))
                hub.kill()
                time.sleep(0.3)
                hub.start()
            for t in threads:
                t.join(timeout=150)
            self.assertFalse(errors, errors)
            self.assertGreater(retries[0], 0, "the kills did not interrupt any write")
            self.assertEqual(len(acked_orgs), WRITERS * WRITES_PER_WRITER)
            self.assertEqual(len(acked_findings), WRITERS * WRITES_PER_WRITER)

            hub.stop()
            hub.start()
            stored_orgs, after = [], ""
            while True:
                status, _, page = hub.request("GET", "/v1/organisations?limit=1000&after=" + after, hub.admin_key)
                self.assertEqual(status, 200, page)
                stored_orgs += page["items"]
                if not page["next"]:
                    break
                after = page["next"]
            ids = [o["id"] for o in stored_orgs if o["id"] not in ("carrier-x", "grid-y")]
            self.assertEqual(len(ids), len(set(ids)))
            self.assertEqual(sorted(ids), sorted(acked_orgs.values()))  # present, and nothing unacknowledged extra
            status, _, page = hub.request("GET", "/v1/findings?limit=1000", hub.admin_key)
            findings = {f["endpoint"]: f for f in page["items"]}
            self.assertEqual(len(page["items"]), len(findings))
            self.assertEqual(set(findings), set(acked_findings))
            for endpoint, fid in acked_findings.items():
                self.assertEqual(findings[endpoint]["id"], fid)
                self.assertEqual(findings[endpoint]["reports"], 1, endpoint)  # retries were replays, not repeats
            # Every acknowledged report is there once, with its receipts, and nothing else is.
            stored_reports, after = [], ""
            while True:
                status, _, page = hub.request("GET", "/v1/reports?limit=1000&after=" + after, operator)
                self.assertEqual(status, 200, page)
                stored_reports += page["items"]
                if not page["next"]:
                    break
                after = page["next"]
            report_ids = [r["id"] for r in stored_reports]
            self.assertEqual(len(report_ids), len(set(report_ids)))
            self.assertEqual(sorted(report_ids), sorted(acked_reports.values()))
            incidents = [r["incident"] for r in stored_reports if r["stage"] == "quick"]
            self.assertEqual(len(incidents), WRITERS * WRITES_PER_WRITER)
            for rid in list(acked_reports.values())[:10]:
                status, _, rec = hub.request("GET", "/v1/reports/%s/receipts" % rid, operator)
                self.assertEqual(status, 200, rec)
                self.assertEqual({r["recipient"] for r in rec["receipts"]}, {"jp.ncs", "jp.meti"})
        finally:
            hub.drop()


class SqliteCrashRestart(CrashRestartTests, unittest.TestCase):
    backend = "sqlite"


class PostgresCrashRestart(CrashRestartTests, unittest.TestCase):
    backend = "postgres"


if __name__ == "__main__":
    unittest.main()

"""Runs a real `mamori hub serve` for integration tests, on SQLite or on the
PostgreSQL that scripts/test.sh starts (MAMORI_TEST_PG). Never skips: a
missing PostgreSQL is a failure."""
import http.client
import json
import os
import random
import shutil
import signal
import ssl
import subprocess
import tempfile
import time

from mamori_testlib import MAMORI, read_port_file

BACKENDS = ("sqlite", "postgres")


def pg_url(testcase):
    url = os.environ.get("MAMORI_TEST_PG", "")
    if not url:
        testcase.fail("MAMORI_TEST_PG is not set: run scripts/test.sh, which starts PostgreSQL 15 and exports it")
    return url


class Hub:
    """One hub process; its database survives restarts until drop()."""

    def __init__(self, testcase, backend, extra_args=()):
        if not MAMORI:
            testcase.fail("MAMORI_BIN is not set (CTest sets it)")
        self.testcase = testcase
        self.backend = backend
        self.dir = tempfile.mkdtemp(prefix="mamori-hub-it-")
        self.extra_args = list(extra_args)
        self.schema = None
        if backend == "sqlite":
            self.db = os.path.join(self.dir, "hub.db")
        else:
            self.db = pg_url(testcase)
            self.schema = "it_%d_%06d" % (os.getpid(), random.randrange(1_000_000))
        self.proc = None
        self.port = None
        self.scheme = "http"
        self.ca_file = None
        self.log_path = os.path.join(self.dir, "serve.log")

    def db_args(self):
        args = ["--db", self.db]
        if self.schema:
            args += ["--db-schema", self.schema]
        return args

    def init(self):
        proc = subprocess.run([MAMORI, "hub", "init", *self.db_args()], capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise AssertionError("hub init failed: " + proc.stderr)
        self.admin_key = proc.stdout.strip()
        return self.admin_key

    def start(self, extra_args=()):
        port_file = os.path.join(self.dir, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        log = open(self.log_path, "a")
        args = [MAMORI, "hub", "serve", "--listen", "127.0.0.1:0", "--port-file", port_file,
                "--ledger", os.path.join(self.dir, "hub.ledger"), *self.db_args(), *self.extra_args, *extra_args]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        self.port = read_port_file(port_file, timeout=30)
        return self

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.port)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else None
        self.proc = None
        return code

    def kill(self):
        return self.stop(signal.SIGKILL)

    def drop(self):
        self.stop()
        if self.schema:
            subprocess.run(["psql", self.db, "-q", "-c", 'DROP SCHEMA IF EXISTS "%s" CASCADE' % self.schema],
                           capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def request(self, method, path, key=None, body=None, headers=None, timeout=30):
        """Returns (status, headers dict lower-cased, parsed JSON or text)."""
        if self.scheme == "https":
            ctx = ssl.create_default_context(cafile=self.ca_file)
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if key:
            h["Authorization"] = "Bearer " + key
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            raw = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()
        text = raw.decode("utf-8", "replace")
        try:
            payload = json.loads(text) if text else None
        except ValueError:
            payload = text
        return resp.status, hdrs, payload

    def cli(self, *args, key=None, check=True, stdin=None):
        env = dict(os.environ)
        env["MAMORI_URL"] = self.url
        if key is not None:
            env["MAMORI_KEY"] = key
        else:
            env.pop("MAMORI_KEY", None)
        extra = ["--ca-file", self.ca_file] if self.ca_file and args and args[0] in ("org", "apikey") else []
        proc = subprocess.run([MAMORI, *map(str, args), *extra], capture_output=True, text=True, env=env,
                              timeout=60, input=stdin)
        if check and proc.returncode != 0:
            raise AssertionError("mamori %s exited %d: %s" % (" ".join(map(str, args)), proc.returncode, proc.stderr))
        return proc

    def create_org(self, org_id, sector="gas", **fields):
        body = {"id": org_id, "name": "Org " + org_id, "sector": sector, **fields}
        status, _, payload = self.request("POST", "/v1/organisations", self.admin_key, body)
        self.testcase.assertEqual(status, 201, payload)
        return payload

    def create_key(self, role, org=None):
        body = {"role": role}
        if org:
            body["org_id"] = org
        status, _, payload = self.request("POST", "/v1/api-keys", self.admin_key, body)
        self.testcase.assertEqual(status, 201, payload)
        return payload["key"]


def wait_until(predicate, timeout=10.0, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False

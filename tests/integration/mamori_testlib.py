"""Shared helpers for integration tests that drive the mamori binary against real tools."""
import csv
import io
import os
import shutil
import socket
import subprocess
import time

MAMORI = os.environ.get("MAMORI_BIN", "")
SHARED_DATA = os.environ.get("MAMORI_SHARED_DATA", os.path.join(os.path.dirname(__file__), "../../../shared/data"))


def require_tool(testcase, name):
    """Fail (never skip) when a real peer tool is missing: the test command installs them."""
    path = shutil.which(name)
    if path is None:
        testcase.fail(f"{name} is not installed; run scripts/test.sh, which installs it")
    return path


def run(args, timeout=300, check=True, **kwargs):
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    return proc


def mamori(*args, timeout=300, check=True):
    if not MAMORI:
        raise AssertionError("MAMORI_BIN is not set (CTest sets it)")
    return run([MAMORI, *map(str, args)], timeout=timeout, check=check)


def mamori_csv(*args):
    """Runs mamori with CSV on stdout and returns a list of dict rows."""
    out = mamori(*args).stdout
    return list(csv.DictReader(io.StringIO(out)))


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_port_file(path, timeout=10):
    """Waits for a --port-file written by mamori (port 0 resolved) and returns the first port."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                return int(f.read().split()[0])
        time.sleep(0.02)
    raise AssertionError(f"{path} did not appear: the server did not start")

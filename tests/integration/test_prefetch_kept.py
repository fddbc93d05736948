"""The detectors' software prefetches survive compilation (docs/performance.md, "Detection").

Every detector walks its batch with its tables' index slots and entries
requested ahead (sketch::for_each_prefetched). GCC 12 at -O2 once deleted
every one of those requests without a warning: its interprocedural analysis
found the small prefetch functions free of side effects and dropped the
calls (core/prefetch.hpp). Nothing else fails when that happens, only the
warm engine runs at half speed, so this test reads the built binary's
machine code: each detector's observe path and the engine's pair filter
must contain prefetch instructions, or call functions that do.
"""
import re
import shutil
import subprocess
import unittest

from mamori_testlib import MAMORI

# Where each batch of lookups is requested ahead, by the functions' demangled names.
PREFETCHING = {
    "beaconing": "BeaconingDetector::observe",
    "fan_in": "FanInDetector::observe",
    "long_connection": "LongConnectionDetector::observe",
    "brute_force": "BruteForceDetector::observe",
    "scanning": "ScanningDetector::observe",
    "rare_server": "RareServerDetector::observe",
    "ddos": "DdosDetector::observe",
    "indicator": "IndicatorDetector::observe",
    "pair filter": "Shard::mark_pairs_seen",
}

FUNCTION = re.compile(r"^([0-9a-f]+) <(.*)>:$")
PREFETCH = re.compile(r"\tprefetch(t0|t1|t2|nta|w)?\s")
CALL = re.compile(r"\tcall\s+([0-9a-f]+) <")


def disassemble(binary):
    """Per function (by address): its name, its prefetch instructions and the addresses it calls."""
    objdump = shutil.which("objdump")
    if objdump is None:
        raise AssertionError("objdump is not installed (binutils); run scripts/test.sh, which installs it")
    out = subprocess.run([objdump, "-d", "-C", "--no-show-raw-insn", binary], capture_output=True, text=True,
                         check=True, timeout=300).stdout
    functions = {}
    current = None
    for line in out.splitlines():
        m = FUNCTION.match(line)
        if m:
            current = {"name": m.group(2), "prefetches": 0, "calls": []}
            functions[int(m.group(1), 16)] = current
        elif current is not None:
            if PREFETCH.search(line):
                current["prefetches"] += 1
            c = CALL.search(line)
            if c:
                current["calls"].append(int(c.group(1), 16))
    return functions


class PrefetchKept(unittest.TestCase):
    def test_each_detector_requests_its_lookups_ahead(self):
        self.assertTrue(MAMORI, "MAMORI_BIN is not set (run through ctest)")
        functions = disassemble(MAMORI)
        self.assertTrue(any("BeaconingDetector" in f["name"] for f in functions.values()),
                        "the binary has no symbols to find the detectors by (stripped?)")
        for detector, where in PREFETCHING.items():
            path = [f for f in functions.values() if where in f["name"]]
            self.assertTrue(path, f"{detector}: no function named *{where}* in the binary")
            # GCC inlines the table's prefetch functions into the observe path;
            # the sanitizer build (clang, ASan) calls them out of line.
            inline = sum(f["prefetches"] for f in path)
            called = sum(1 for f in path for target in f["calls"]
                         if target in functions and functions[target]["prefetches"] > 0)
            self.assertGreater(inline + called, 0,
                               f"{detector}: no prefetch instruction in, or called from, any function named "
                               f"*{where}*; the compiler dropped its batch prefetching (see core/prefetch.hpp)")


if __name__ == "__main__":
    unittest.main()

"""The detectors' software prefetches survive compilation (docs/performance.md, "Detection").

Every detector walks its batch with its tables' index slots and entries
requested ahead (sketch::for_each_prefetched). GCC 12 at -O2 once deleted
every one of those requests without a warning: its interprocedural analysis
found the small prefetch functions free of side effects and dropped the
calls (core/prefetch.hpp). Nothing else fails when that happens, only the
warm engine runs at half speed, so this test reads the built binary's
machine code: each detector's observe path and the engine's pair filter
must contain prefetch instructions.
"""
import collections
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

FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")
PREFETCH = re.compile(r"\tprefetch(t0|t1|t2|nta|w)?\s")


def prefetches_by_function(binary):
    objdump = shutil.which("objdump")
    if objdump is None:
        raise AssertionError("objdump is not installed (binutils); run scripts/test.sh, which installs it")
    out = subprocess.run([objdump, "-d", "-C", "--no-show-raw-insn", binary], capture_output=True, text=True,
                         check=True, timeout=300).stdout
    counts = collections.Counter()
    names = set()
    name = None
    for line in out.splitlines():
        m = FUNCTION.match(line)
        if m:
            name = m.group(1)
            names.add(name)
        elif name is not None and PREFETCH.search(line):
            counts[name] += 1
    return counts, names


class PrefetchKept(unittest.TestCase):
    def test_each_detector_requests_its_lookups_ahead(self):
        self.assertTrue(MAMORI, "MAMORI_BIN is not set (run through ctest)")
        counts, names = prefetches_by_function(MAMORI)
        self.assertTrue(any("BeaconingDetector" in n for n in names),
                        "the binary has no symbols to find the detectors by (stripped?)")
        for detector, where in PREFETCHING.items():
            found = sum(c for n, c in counts.items() if where in n)
            self.assertGreater(found, 0, f"{detector}: no prefetch instruction in any function named *{where}*; "
                                         "the compiler dropped its batch prefetching (see core/prefetch.hpp)")


if __name__ == "__main__":
    unittest.main()

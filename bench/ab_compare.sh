#!/usr/bin/env bash
# Compares two (or more) builds of one Google Benchmark binary on a shared,
# noisy machine: runs them alternately, N rounds, so that a slow spell of the
# host hits both alike, and prints each benchmark's per-run wall times with
# their median and minimum per binary. Counters ending in _ns (per-flow time
# of each detector in detect_bench) are averaged alongside.
#
#   bench/ab_compare.sh [-n ROUNDS] [-f FILTER] BINARY_A BINARY_B [...]
#
# Example (the binary before a change against the one after it):
#   cp build/bench/detect_bench /tmp/detect_bench.before   # at the old commit
#   ninja -C build detect_bench
#   bench/ab_compare.sh -n 5 -f 'BM_Engine/1|BM_EngineSustained/' /tmp/detect_bench.before build/bench/detect_bench
set -euo pipefail

rounds=5
filter='.'
usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}
while getopts "n:f:h" opt; do
  case $opt in
    n) rounds=$OPTARG ;;
    f) filter=$OPTARG ;;
    h) usage 0 ;;
    *) usage 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { echo "ab_compare.sh: give at least two benchmark binaries (-h for help)" >&2; exit 2; }
for b in "$@"; do
  [ -x "$b" ] || { echo "ab_compare.sh: $b is not an executable" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "ab_compare.sh: needs python3" >&2; exit 2; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq "$rounds"); do
  for b in "$@"; do
    echo "ab_compare.sh: round $round/$rounds: $b" >&2
    "$b" --benchmark_filter="$filter" --benchmark_format=json 2>/dev/null |
      BINARY="$b" python3 -c '
import json, os, sys
for x in json.load(sys.stdin)["benchmarks"]:
    if x.get("run_type") == "aggregate":
        continue
    name = x["name"].split("/min_time")[0]
    ns = {k[:-3]: v for k, v in x.items() if k.endswith("_ns")}
    print(json.dumps({"binary": os.environ["BINARY"], "name": name, "time": x["real_time"], "unit": x["time_unit"], "ns": ns}))
' >>"$results"
  done
done

python3 - "$results" <<'EOF'
import collections, json, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs[(r["name"], r["binary"])].append(r)
for (name, binary) in sorted(runs):
    rs = runs[(name, binary)]
    times = [r["time"] for r in rs]
    unit = rs[0]["unit"]
    print(f"{name}  {binary}")
    print(f"    median {statistics.median(times):.1f} {unit}, min {min(times):.1f} {unit}, runs "
          + ", ".join(f"{t:.1f}" for t in times))
    keys = sorted({k for r in rs for k in r["ns"]})
    if keys:
        print("    ns/flow: " + ", ".join(f"{k} {statistics.mean(r['ns'][k] for r in rs if k in r['ns']):.0f}" for k in keys))
EOF

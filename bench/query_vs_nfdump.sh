#!/usr/bin/env bash
# Side by side: mamori's .mflow queries vs nfdump 1.7 on the same flows.
#
# The flows come from bench/query_bench's seeded generator (IPv4 only, as
# NetFlow v5 carries no IPv6): it writes them to an .mflow file and exports
# them as NetFlow v5 over loopback to a real nfcapd, which writes the nfcapd
# file nfdump reads. Both tools are pinned to one CPU (taskset) and each
# query runs several times; the best wall-clock time is reported.
#
# Usage: bench/query_vs_nfdump.sh [build-dir]
#   N=2000000 SEED=1 PORT=39601 RUNS=3 CPU=0 KEEP=1 (keep the work directory)
#
# The mamori side uses the CLI (`mamori flows read ... --filter`, `mamori
# flows top ...`) when the binary has those commands, and otherwise the
# equivalent helper modes of query_bench (same library code paths).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${N:-2000000}
SEED=${SEED:-1}
PORT=${PORT:-39601}
RUNS=${RUNS:-3}
CPU=${CPU:-0}
qb=$build/bench/query_bench
mamori=$build/src/mamori/mamori

for tool in nfcapd nfdump taskset; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 2; }
done
[ -x "$qb" ] || { echo "build query_bench first (ninja -C $build query_bench)" >&2; exit 2; }

work=$(mktemp -d /tmp/mamori-vs-nfdump.XXXXXX)
nfcapd_pid=
cleanup() {
  [ -n "$nfcapd_pid" ] && kill "$nfcapd_pid" 2> /dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

echo "== generating $N flows (seed $SEED), exporting NetFlow v5 to nfcapd on 127.0.0.1:$PORT"
mkdir "$work/nfcapd"
nfcapd -w "$work/nfcapd" -b 127.0.0.1 -p "$PORT" -t 3600 -B 33554432 > "$work/nfcapd.log" 2>&1 &
nfcapd_pid=$!
sleep 1
"$qb" --generate="$N" --seed="$SEED" --v4-only --mflow="$work/flows.mflow" --v5-port="$PORT"
"$qb" --generate="$N" --seed="$SEED" --v4-only --mflow="$work/flows-lz4.mflow" --codec=lz4
sleep 2
kill -TERM "$nfcapd_pid"
wait "$nfcapd_pid" || true
nfcapd_pid=
nf_raw=$(ls "$work"/nfcapd/nfcapd.2* | head -1)
received=$(nfdump -r "$nf_raw" -q -N -o 'fmt:%pr' | wc -l)
echo "nfcapd received $received of $N flows"
[ "$received" -eq "$N" ] || echo "WARNING: nfcapd lost flows; the comparison is approximate" >&2

nfdump -r "$nf_raw" -y -w "$work/flows.nf-lz4"
nfdump -r "$nf_raw" -z -w "$work/flows.nf-lzo"
nfdump -r "$nf_raw" -j -w "$work/flows.nf-bz2"
nfdump -r "$nf_raw" -w "$work/flows.nf-raw"

size() { stat -c %s "$1"; }
echo
echo "== file sizes for $N flows"
printf '%-36s %12s %10s\n' file bytes bytes/flow
for f in flows.nf-raw flows.nf-lzo flows.nf-lz4 flows.nf-bz2 flows-lz4.mflow flows.mflow; do
  s=$(size "$work/$f")
  printf '%-36s %12d %10.2f\n' "$f" "$s" "$(echo "$s / $N" | bc -l)"
done
ratio=$(echo "$(size "$work/flows.mflow") / $(size "$work/flows.nf-lz4")" | bc -l)
printf 'mflow (zstd) / nfdump -y (LZ4) = %.3f  (target <= 1)\n' "$ratio"

# best_of CMD...: the fastest wall-clock time in seconds over $RUNS runs
# (nanosecond clock; includes process start-up for both tools).
best_of() {
  local best= t t0 t1
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    taskset -c "$CPU" "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    t=$(echo "scale=4; ($t1 - $t0) / 1000000000" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

have_cli=0
if [ -x "$mamori" ] && "$mamori" flows --help 2>&1 | grep -qE '^ +read( |$)' &&
   "$mamori" flows --help 2>&1 | grep -qE '^ +top( |$)'; then
  have_cli=1
fi
mamori_filter() {
  if [ $have_cli = 1 ]; then
    best_of "$mamori" flows read "$work/flows.mflow" --filter "$1" --format csv -o /dev/null
  else
    best_of "$qb" --scan="$work/flows.mflow" --filter="$1"
  fi
}
mamori_top() {
  if [ $have_cli = 1 ]; then
    best_of "$mamori" flows top "$work/flows.mflow" --by "$1" --order "$2" -n 10
  else
    best_of "$qb" --top="$work/flows.mflow" --by="$1" --order="$2" -n=10
  fi
}
nfdump_filter() { best_of nfdump -r "$2" -q "$1"; }
nfdump_top() { best_of nfdump -r "$3" -q -s "$1/$2" -n 10; }

echo
echo "== query times (best of $RUNS, one CPU; mamori via $([ $have_cli = 1 ] && echo "the CLI" || echo "query_bench helper modes"))"
printf '%-44s %10s %10s %10s %10s %10s %9s\n' query nfdump-raw nfdump-lz4 "nf Mrec/s" mamori "Mrec/s" speedup
report() {
  local name=$1 raw=$2 lz4=$3 ours=$4
  local best_nf
  best_nf=$(echo "if ($raw < $lz4) $raw else $lz4" | bc -l)
  printf '%-44s %9.3fs %9.3fs %10.1f %9.3fs %10.1f %8.1fx\n' "$name" "$raw" "$lz4" \
    "$(echo "$N / $best_nf / 1000000" | bc -l)" "$ours" "$(echo "$N / $ours / 1000000" | bc -l)" \
    "$(echo "$best_nf / $ours" | bc -l)"
}
for expr in 'proto 99' 'src ip 203.0.113.9' 'proto udp and dst port 53' 'dst port 22 and proto tcp' \
            'net 100.64.0.0/16 and bytes > 100000'; do
  report "filter '$expr'" "$(nfdump_filter "$expr" "$work/flows.nf-raw")" \
    "$(nfdump_filter "$expr" "$work/flows.nf-lz4")" "$(mamori_filter "$expr")"
done
for stat in srcip/bytes dstip/flows dstport/packets; do
  key=${stat%/*} order=${stat#*/}
  report "top 10 $stat" "$(nfdump_top "$key" "$order" "$work/flows.nf-raw")" \
    "$(nfdump_top "$key" "$order" "$work/flows.nf-lz4")" "$(mamori_top "$key" "$order")"
done

echo
echo "== top 10 srcip/bytes, both tools (should list the same addresses and byte counts)"
nfdump -r "$work/flows.nf-lz4" -q -N -s srcip/bytes -n 10 | head -12
if [ $have_cli = 1 ]; then
  "$mamori" flows top "$work/flows.mflow" --by srcip --order bytes -n 10
else
  "$qb" --top="$work/flows.mflow" --by=srcip --order=bytes -n=10
fi

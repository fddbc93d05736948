#!/usr/bin/env bash
# Issue 2's flow-pipeline figures, each side by side with nfdump 1.7 in one run.
#
# The same N flows (mamori simulate, seeded, IPv4 + IPv6) are written as an
# .mflow file, as an IPFIX export capture, and exported as NetFlow v9 over
# loopback UDP to a real nfcapd (which writes the file nfdump reads). Each
# timed command runs RUNS times pinned to one CPU; the best wall time counts
# (process start-up included for both tools).
#
# Usage: bench/flows_vs_nfdump.sh [build-dir]
#   N=2000000 SEED=7 RUNS=3 CPU=1 COLLECT_RATE=1000000 COLLECT_SECONDS=10 KEEP=1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${N:-2000000}
SEED=${SEED:-7}
RUNS=${RUNS:-3}
CPU=${CPU:-1}
COLLECT_RATE=${COLLECT_RATE:-1250000}  # the simulator runs ~20% under --rate in short runs
COLLECT_SECONDS=${COLLECT_SECONDS:-10}
mamori=$build/src/mamori/mamori
for tool in nfcapd nfdump taskset bc; do
  command -v "$tool" > /dev/null || { echo "missing $tool (scripts/setup.sh --test)" >&2; exit 2; }
done
[ -x "$mamori" ] || { echo "build mamori first (scripts/build.sh)" >&2; exit 2; }

work=$(mktemp -d /tmp/mamori-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sim=("$mamori" simulate traffic --seed "$SEED" --flows "$N" --rate 100000 --subscribers 200000 --servers 20000)

echo "== $N flows, seed $SEED ($(nproc) cores; timed commands pinned to CPU $CPU, best of $RUNS)"
"${sim[@]}" --out mflow -o "$work/flows.mflow" 2> /dev/null
"${sim[@]}" --out ipfix -o "$work/export-ipfix.pcap" 2> /dev/null

port=$(free_port)
mkdir "$work/nfcapd"
nfcapd -w "$work/nfcapd" -b 127.0.0.1 -p "$port" -t 3600 -B 67108864 > "$work/nfcapd.log" 2>&1 &
pids+=($!)
sleep 1
# Paced so that nfcapd, not the sender, sets the pace: 20x simulated time = 2M flows/s at most.
"${sim[@]}" --out netflow9 --to "udp://127.0.0.1:$port" --pace --speed 5 2> "$work/send.log"
sleep 2
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2> /dev/null || true
nf_raw=$(ls "$work"/nfcapd/nfcapd.2* | head -1)
received=$(nfdump -r "$nf_raw" -q -N -o 'fmt:%pr' | wc -l)
echo "nfcapd stored $received of $N flows"
[ "$received" -eq "$N" ] || echo "WARNING: nfcapd lost flows; nfdump timings cover $received" >&2
nfdump -r "$nf_raw" -y -w "$work/flows.nf-lz4"
nfdump -r "$nf_raw" -w "$work/flows.nf"

best_of() {
  local best= t0 t1 t
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    taskset -c "$CPU" "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    t=$(( t1 - t0 ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  echo "$best"
}
report() {  # name nfdump_ns mamori_ns target
  local name=$1 nf=$2 mm=$3 target=$4
  printf '%-44s %9.3f s %9.3f s %8.2fx %8.1f M/s   target %s\n' "$name" "$(echo "$nf/1000000000" | bc -l)" \
    "$(echo "$mm/1000000000" | bc -l)" "$(echo "$nf/$mm" | bc -l)" "$(echo "$N/($mm/1000000000)/1000000" | bc -l)" "$target"
}
echo
printf '%-44s %11s %11s %9s %12s\n' "" nfdump mamori speedup "mamori rate"

fields=src_addr,dst_addr,src_port,dst_port,proto,packets,bytes
nf=$(best_of nfdump -r "$work/flows.nf-lz4" 'proto 99')
mm=$(best_of "$mamori" flows read "$work/flows.mflow" --filter 'proto 99' -o /dev/null)
report "filter matching nothing ('proto 99')" "$nf" "$mm" ">= 1.5x"
nf=$(best_of nfdump -r "$work/flows.nf-lz4" -q -o 'fmt:%sa,%da,%sp,%dp,%pr,%pkt,%byt')
mm=$(best_of "$mamori" flows read "$work/flows.mflow" --fields "$fields" --no-header -o /dev/null)
report "text output, 7 fields" "$nf" "$mm" ">= 5x"
nf=$(best_of nfdump -r "$work/flows.nf-lz4" -s srcip/bytes -n 10)
mm=$(best_of "$mamori" flows top "$work/flows.mflow" --by srcip --order bytes -n 10)
report "top 10 srcip by bytes" "$nf" "$mm" ">= 3x"
mm=$(best_of "$mamori" flows read "$work/export-ipfix.pcap" --filter 'proto 99' -o /dev/null)
printf '%-44s %11s %9.3f s %9s %8.1f M/s   target >= 10 M records/s\n' "decode IPFIX export capture (pcap file)" "-" \
  "$(echo "$mm/1000000000" | bc -l)" "" "$(echo "$N/($mm/1000000000)/1000000" | bc -l)"

echo
s_mflow=$(stat -c %s "$work/flows.mflow")
s_lz4=$(stat -c %s "$work/flows.nf-lz4")
s_raw=$(stat -c %s "$work/flows.nf")
printf 'sizes (bytes/flow): nfdump %.1f, nfdump -y (LZ4) %.1f, .mflow %.1f  -> mflow/nfdump-LZ4 = %.3f (target <= 1)\n' \
  "$(echo "$s_raw/$N" | bc -l)" "$(echo "$s_lz4/$N" | bc -l)" "$(echo "$s_mflow/$N" | bc -l)" \
  "$(echo "$s_mflow/$s_lz4" | bc -l)"

echo
echo "== collector: IPFIX at $COLLECT_RATE records/s over 127.0.0.1 for ${COLLECT_SECONDS}s (collector on CPU $CPU)"
taskset -c "$CPU" "$mamori" flows collect --listen udp://127.0.0.1:0 --port-file "$work/port" -o /dev/null \
  --seconds $((COLLECT_SECONDS + 3)) 2> "$work/collect.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
sender_cpu=$(( (CPU + 1) % $(nproc) ))
taskset -c "$sender_cpu" "$mamori" simulate traffic --seed "$SEED" --rate "$COLLECT_RATE" --diurnal 0 \
  --duration "${COLLECT_SECONDS}s" --subscribers 20000 --servers 5000 --out ipfix --to "udp://127.0.0.1:$(head -1 "$work/port")" --pace \
  2> "$work/send.log"
wait "${pids[-1]}" || true
sent=$(grep -oE '[0-9]+ records' "$work/send.log" | tail -1 | grep -oE '[0-9]+')
echo "sender:    $(tail -1 "$work/send.log")"
echo "collector: $(grep 'collected' "$work/collect.log")"
got=$(grep -oE 'collected [0-9]+ records' "$work/collect.log" | grep -oE '[0-9]+')
echo "received $got of ${sent:-?} records sent"

#!/usr/bin/env bash
# Selection throughput in one run, on the same simulated carrier flows:
#   decode alone         mamori flows read export.pcap --filter 'proto 99'   (decode, nothing written)
#   decode + select      mamori select … export.pcap selected.mflow          (country lookup, direction,
#                        Crypto-PAn on the domestic side, field stripping, ledger entries, .mflow output)
#   select from .mflow   mamori select … flows.mflow selected.mflow
#   nfanon               nfanon -K KEY -r nfcapd-file -w out                  (Crypto-PAn on every address)
# nfanon gets the same flows through NetFlow v9 over loopback into nfcapd. Best of RUNS, pinned to CPU.
# Usage: bench/select_vs_nfanon.sh [build-dir]     N=2000000 SEED=11 RUNS=3 CPU=1 KEEP=1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${N:-2000000}
SEED=${SEED:-11}
RUNS=${RUNS:-3}
CPU=${CPU:-1}
mamori=$build/src/mamori/mamori
for tool in nfcapd nfdump nfanon taskset bc; do
  command -v "$tool" > /dev/null || { echo "missing $tool (scripts/setup.sh --test)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/mamori-select-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
sim=("$mamori" simulate traffic --seed "$SEED" --flows "$N" --rate 100000 --subscribers 200000 --servers 20000)
"${sim[@]}" --out ipfix -o export.pcap 2> /dev/null
"${sim[@]}" --out mflow -o flows.mflow 2> /dev/null
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir nfcapd
nfcapd -w nfcapd -b 127.0.0.1 -p "$port" -t 3600 -B 67108864 > nfcapd.log 2>&1 &
pids+=($!)
sleep 1
"${sim[@]}" --out netflow9 --to "udp://127.0.0.1:$port" --pace --speed 5 2> /dev/null
sleep 2
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2> /dev/null || true
nf=$(ls nfcapd/nfcapd.2* | head -1)

"$mamori" keys generate --role overseer --name bench-overseer --out overseer.key > /dev/null
"$mamori" pseudo keygen --id bench-k1 -o carrier.pan 2> /dev/null
cat > policy.toml <<POLICY
[selection_policy]
id = "bench"
version = 1
directions = ["foreign_to_domestic", "domestic_to_foreign", "foreign_to_foreign"]
fields = ["start_ns", "end_ns", "src_addr", "dst_addr", "src_port", "dst_port", "proto", "packets", "bytes", "tcp_flags"]
pseudonymisation_key_id = "bench-k1"
valid_from = "$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)"
valid_until = "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)"
retention = "730d"
legal_basis = "benchmark"
POLICY
"$mamori" policy sign --key overseer.key policy.toml 2> /dev/null
select=("$mamori" select --policy policy.toml --overseer-pubkey overseer.key.pub --pseudo-key carrier.pan)

best_of() {  # best wall time in ns; a fresh ledger each run
  local best= t0 t1 t
  for _ in $(seq "$RUNS"); do
    rm -f ledger.db* out.mflow anon.nf
    t0=$(date +%s%N)
    taskset -c "$CPU" "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    t=$(( t1 - t0 ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  echo "$best"
}
rate() { echo "$N / ($1 / 1000000000) / 1000000" | bc -l; }
decode=$(best_of "$mamori" flows read export.pcap --filter 'proto 99' -o /dev/null)
both=$(best_of "${select[@]}" --ledger ledger.db export.pcap out.mflow)
from_mflow=$(best_of "${select[@]}" --ledger ledger.db flows.mflow out.mflow)
anon=$(best_of nfanon -q -K abcdefghijklmnopqrstuvwxyz012345 -r "$nf" -w anon.nf)
echo "== $N flows (seed $SEED), best of $RUNS, pinned to CPU $CPU, process start-up included"
printf '%-58s %8.3f s %8.2f M records/s\n' "decode IPFIX capture alone" "$(echo "$decode/1000000000" | bc -l)" "$(rate "$decode")"
printf '%-58s %8.3f s %8.2f M records/s\n' "decode + select + ledger + .mflow output" "$(echo "$both/1000000000" | bc -l)" "$(rate "$both")"
printf '%-58s %8.3f s %8.2f M records/s\n' "select from .mflow + ledger + .mflow output" "$(echo "$from_mflow/1000000000" | bc -l)" "$(rate "$from_mflow")"
printf '%-58s %8.3f s %8.2f M records/s\n' "nfanon (Crypto-PAn of every address, nfdump 1.7)" "$(echo "$anon/1000000000" | bc -l)" "$(rate "$anon")"
printf 'decode+select vs nfanon: %.2fx\n' "$(echo "$anon/$both" | bc -l)"

#!/usr/bin/env bash
# The main job on the embedded default (SQLite ledger, one process per role):
#   1. installs what is missing and builds;
#   2. the oversight body's key approves a demo selection policy (JP home, foreign-related flows only);
#   3. a carrier sensor (`mamori sensor run`) listens on 127.0.0.1 with a live summary while
#      `mamori simulate traffic` exports a carrier's traffic to it as IPFIX over UDP;
#   4. the sensor selects, pseudonymises and writes one ledger entry per batch; afterwards the
#      overseer checkpoints, witnesses and verifies the ledger and audits the output against it.
# Options: --seconds N (default 8), --rate FLOWS_PER_S (default 50000), --seed N, --keep DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=8
rate=50000
seed=1
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh"
MAMORI_BUILD_DIR="$root/build" "$root/scripts/build.sh"
mamori="$root/build/src/mamori/mamori"

work="${keep:-$(mktemp -d -t mamori-run.XXXXXX)}"
mkdir -p "$work"
cd "$work"
say() { printf '\n== %s\n' "$*" >&2; }

say "keys: the oversight body (overseer), the hub's ledger key, the carrier's Crypto-PAn key (files 0600)"
[ -f overseer.key ] || "$mamori" keys generate --role overseer --name overseer-demo --out overseer.key >/dev/null
[ -f hub.key ] || "$mamori" keys generate --role hub --name mamori-hub-demo --out hub.key >/dev/null
[ -f carrier.pan ] || "$mamori" pseudo keygen --id carrier-demo-k1 -o carrier.pan

say "policy: a demo selection policy, approved (signed) by the overseer"
from=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
cat > policy.toml <<POLICY
[selection_policy]
id = "carrier-demo/selection"
version = 1
home_countries = ["JP"]
directions = ["foreign_to_domestic", "domestic_to_foreign", "foreign_to_foreign"]
fields = ["start_ns", "end_ns", "src_addr", "dst_addr", "src_port", "dst_port", "proto", "packets", "bytes", "tcp_flags"]
pseudonymisation_key_id = "carrier-demo-k1"
time_granularity = "1s"
valid_from = "$from"
valid_until = "$until"
retention = "730d"
legal_basis = "Demo only. Act No. 42 of 2025: machine selection of foreign-related communications information"
POLICY
rm -f policy.toml.sig
"$mamori" policy sign --key overseer.key policy.toml
"$mamori" policy verify --pubkey overseer.key.pub policy.toml

say "sensor: simulated carrier -> IPFIX over 127.0.0.1 -> mamori sensor run (${seconds}s)"
rm -f port selected.mflow
"$mamori" sensor run --policy policy.toml --overseer-pubkey overseer.key.pub --pseudo-key carrier.pan \
  --ledger ledger.db --actor carrier-demo-sensor1 --listen udp://127.0.0.1:0 --port-file port \
  --out selected.mflow --batch-seconds 2 --seconds "$((seconds + 2))" --summary &
sensor=$!
trap 'kill "$sensor" 2>/dev/null || true' EXIT
for _ in $(seq 200); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || { echo "run.sh: the sensor did not start" >&2; exit 1; }
"$mamori" simulate traffic --seed "$seed" --rate "$rate" --duration "${seconds}s" --pace \
  --out ipfix --to "udp://127.0.0.1:$(head -1 port)"
wait "$sensor"
trap - EXIT

say "oversight: checkpoint (hub key), witness (overseer key), verify the whole ledger, audit the output"
"$mamori" ledger checkpoint --db ledger.db --key hub.key --origin mamori.demo/ledger >/dev/null
"$mamori" ledger witness --db ledger.db --key overseer.key >/dev/null
"$mamori" ledger verify --db ledger.db --pubkey hub.key.pub --witness-pubkey overseer.key.pub
"$mamori" sensor audit --ledger ledger.db selected.mflow

say "selected flows: $work/selected.mflow"
"$mamori" flows stats selected.mflow | sed -n '1,8p'
"$mamori" flows top selected.mflow --by srcip --order bytes -n 5
cat >&2 <<MSG

Everything is in $work. Next:
  $mamori flows read $work/selected.mflow --filter 'proto udp and port 53' | head
  $mamori ledger show --db $work/ledger.db | tail -3
  $mamori pseudo reverse --key $work/carrier.pan --ledger $work/ledger.db --actor noc --purpose demo ADDRESS
MSG

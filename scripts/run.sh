#!/usr/bin/env bash
# The main job: the whole system on the embedded default (SQLite, one process per role):
#   1. installs what is missing and builds;
#   2. the hub (`mamori hub serve`) starts on 127.0.0.1 (a free port, SQLite in the work directory)
#      with organisations and admin, carrier, operator and analyst keys;
#   3. the oversight body's key approves a demo selection policy (JP home, foreign-related flows only);
#   4. a carrier sensor (`mamori sensor run --detect --hub`) listens on 127.0.0.1 while
#      `mamori simulate traffic --attacks attacks` exports a carrier's traffic with planted attacks
#      to it as IPFIX over UDP; the sensor selects, pseudonymises, writes one ledger entry per
#      batch, detects, and posts its findings to the hub;
#   5. the overseer checkpoints, witnesses and verifies the sensor's ledger and audits the output;
#   6. prints where to look: the hub URL, its findings, a ready-to-paste quick report; the hub
#      keeps running (its PID and how to stop it are printed). Re-running stops it and starts again.
# Options: --seconds N real seconds of traffic (default 20), --rate FLOWS_PER_S simulated (default
#          2000), --speed X simulated time per real time (default 30), --seed N, --keep DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=20
rate=2000
speed=30
seed=1
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --speed) speed="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
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

say "hub: mamori hub serve on 127.0.0.1 (SQLite: $work/hub.db), organisations and keys"
if [ -f hub.pid ] && kill -0 "$(cat hub.pid)" 2>/dev/null; then kill "$(cat hub.pid)"; sleep 1; fi
rm -f hub.pid hub.port
[ -f admin.hubkey ] || (umask 077; "$mamori" hub init --db hub.db --name run.sh-admin >admin.hubkey)
# Detached, so it outlives this script for the commands printed at the end.
setsid "$mamori" hub serve --db hub.db --listen 127.0.0.1:0 --port-file hub.port --quiet >/dev/null 2>hub.log &
echo $! > hub.pid
for _ in $(seq 200); do [ -s hub.port ] && break; sleep 0.05; done
[ -s hub.port ] || { cat hub.log >&2; echo "run.sh: the hub did not start" >&2; exit 1; }
hub_url="http://127.0.0.1:$(cat hub.port)"
hub_as() { MAMORI_URL="$hub_url" MAMORI_KEY="$(cat "$1")" "$mamori" "${@:2}"; }
# Organisations and keys, once: a carrier (the sensor), an operator that reports incidents, and
# the national agency (the report recipient) whose analyst reads them with a declared purpose.
if [ ! -f carrier.hubkey ]; then
  hub_as admin.hubkey org create --id carrier-demo --name "Demo carrier" --sector information_communication >/dev/null
  hub_as admin.hubkey org create --id demo-grid --name "Demo grid operator" --sector electricity --tier 1 >/dev/null
  hub_as admin.hubkey org create --id jp.ncs --name "National cybersecurity agency" --sector government_services \
    --clearance 3 >/dev/null
  (umask 077
   hub_as admin.hubkey apikey create --role carrier --org carrier-demo --name sensor1 >carrier.hubkey
   hub_as admin.hubkey apikey create --role operator --org demo-grid --name csirt >operator.hubkey
   hub_as admin.hubkey apikey create --role analyst --org jp.ncs --name analyst >analyst.hubkey)
fi

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

say "sensor: simulated carrier with planted attacks -> IPFIX over 127.0.0.1 -> mamori sensor run --detect --hub (${seconds}s)"
rm -f port selected.mflow findings.jsonl
"$mamori" sensor run --policy policy.toml --overseer-pubkey overseer.key.pub --pseudo-key carrier.pan \
  --ledger ledger.db --actor carrier-demo-sensor1 --listen udp://127.0.0.1:0 --port-file port \
  --out selected.mflow --batch-seconds 2 --seconds "$((seconds + 3))" --summary \
  --detect --findings findings.jsonl --hub "$hub_url" --hub-key-file carrier.hubkey &
sensor=$!
trap 'kill "$sensor" 2>/dev/null || true' EXIT
for _ in $(seq 200); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || { echo "run.sh: the sensor did not start" >&2; exit 1; }
"$mamori" simulate traffic --seed "$seed" --rate "$rate" --duration "$((seconds * speed))s" --pace --speed "$speed" \
  --attacks attacks --out ipfix --to "udp://127.0.0.1:$(head -1 port)"
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
say "hub: findings the sensor posted ($hub_url)"
findings=$(curl -s -H "Authorization: Bearer $(cat analyst.hubkey)" "$hub_url/v1/findings?limit=1000" |
  python3 -c 'import json,sys; items=json.load(sys.stdin)["items"]; print(len(items))
for f in sorted(items, key=lambda f: -f["score"])[:8]: print("  %-16s %-26s score %5.1f  %s" % (f["kind"], f["endpoint"], f["score"], f["summary"][:60]))')
echo "$(echo "$findings" | head -1) findings in the hub; the highest scores:"
echo "$findings" | tail -n +2

cat >&2 <<MSG

Everything is in $work. The hub keeps running at $hub_url (PID $(cat hub.pid); stop it with: kill $(cat hub.pid)).
API keys (files 0600): admin.hubkey, carrier.hubkey (the sensor), operator.hubkey (demo-grid), analyst.hubkey (jp.ncs).
Next:
  # the findings, as an analyst
  curl -s -H "Authorization: Bearer \$(cat $work/analyst.hubkey)" '$hub_url/v1/findings?min_score=50' | python3 -m json.tool | head -40
  # file a quick report as the operator (report once: the agency and the ministry each get a signed receipt)
  export MAMORI_URL=$hub_url MAMORI_KEY=\$(cat $work/operator.hubkey)
  $mamori report quick --type ddos --contact "demo-grid CSIRT +81-3-0000-0000" --asset "web portal" --impact degraded
  $mamori report list
  # read it as the agency's analyst (a declared purpose, written to the hub's ledger), then see who read it
  MAMORI_KEY=\$(cat $work/analyst.hubkey) $mamori report show REPORT_ID --purpose cybersecurity_analysis
  $mamori report access-log REPORT_ID
  # the sensor's ledger and selected flows
  $mamori ledger show --db $work/ledger.db | tail -3
  $mamori flows read $work/selected.mflow --filter 'proto udp and port 53' | head
  $mamori pseudo reverse --key $work/carrier.pan --ledger $work/ledger.db --actor noc --purpose demo ADDRESS
The API is described at $hub_url/openapi.json.
MSG

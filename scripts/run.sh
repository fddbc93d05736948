#!/usr/bin/env bash
# The main job on the embedded default: installs what is missing, builds, then
#   1. starts `mamori flows collect` on 127.0.0.1 (a free port) with a live summary,
#   2. has `mamori simulate traffic` export a carrier's traffic to it as IPFIX over UDP,
#   3. prints what was collected (stats and top talkers) and where the files are.
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
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh"
MAMORI_BUILD_DIR="$root/build" "$root/scripts/build.sh"
mamori="$root/build/src/mamori/mamori"

work="${keep:-$(mktemp -d -t mamori-run.XXXXXX)}"
mkdir -p "$work"
echo "== mamori main job: simulated carrier -> IPFIX over 127.0.0.1 -> mamori flows collect (${seconds}s)" >&2

"$mamori" flows collect --listen udp://127.0.0.1:0 --port-file "$work/port" --summary \
  --seconds "$((seconds + 2))" --format mflow -o "$work/flows.mflow" &
collector=$!
trap 'kill "$collector" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port="$(head -1 "$work/port")"

"$mamori" simulate traffic --seed "$seed" --rate "$rate" --duration "${seconds}s" --pace \
  --out ipfix --to "udp://127.0.0.1:$port"
wait "$collector"
trap - EXIT

echo >&2
echo "== collected flows: $work/flows.mflow" >&2
"$mamori" flows stats "$work/flows.mflow"
echo >&2
echo "== top 10 sources by bytes" >&2
"$mamori" flows top "$work/flows.mflow" --by srcip --order bytes -n 10
cat >&2 <<MSG

Next:
  $mamori flows read $work/flows.mflow --filter 'proto udp and dst port 53' | head
  $mamori flows collect --listen udp://127.0.0.1:2055 --summary     # and point softflowd or a router at it
MSG

#!/usr/bin/env bash
# Authenticated reads of the hub at a fixed request rate, SQLite and PostgreSQL
# side by side; the load comes from a second process (bench/hub_load_bench.cpp,
# open-loop: latency counts from when each request was due).
#   bench/hub_bench.sh [RATE] [SECONDS] [CONNECTIONS]   default 2000 req/s, 10 s (+2 s warm-up), 32
# Reads measured: an operator reading its organisation (GET /v1/organisations/{id}),
# and an analyst listing 20 findings of 1,000 (GET /v1/findings?limit=20&min_score=50).
# Needs a build (scripts/build.sh). Uses MAMORI_TEST_PG if set, else starts a
# throwaway PostgreSQL 15 (scripts/pg_test_server.sh) for the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MAMORI_BUILD_DIR:-$root/build}"
mamori="$build/src/mamori/mamori"
load="$build/bench/hub_load_bench"
rate="${1:-2000}"; seconds="${2:-10}"; connections="${3:-32}"
[ -x "$mamori" ] && [ -x "$load" ] || { echo "hub_bench: build first (scripts/build.sh)" >&2; exit 1; }
work="$(mktemp -d /tmp/mamori-hub-bench.XXXXXX)"
pg_dir=""
cleanup() {
  [ -n "${server_pid:-}" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$pg_dir" ] && "$root/scripts/pg_test_server.sh" stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${MAMORI_TEST_PG:-}" ]; then
  pg_dir="/tmp/mamori-hub-bench-pg-$$"
  MAMORI_TEST_PG="$("$root/scripts/pg_test_server.sh" start "$pg_dir")"
fi
cat > "$work/hub.toml" <<TOML
[server]
threads = 2
[rate_limit]
requests_per_second = 0
[log]
requests = false
TOML

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, rate ${rate}/s for ${seconds}s, ${connections} connections"
for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then db=(--db "$work/hub.db"); else db=(--db "$MAMORI_TEST_PG" --db-schema "bench_$$"); fi
  admin="$("$mamori" hub init "${db[@]}" 2>/dev/null)"
  "$mamori" hub serve --config "$work/hub.toml" --listen 127.0.0.1:0 --port-file "$work/port" \
    --ledger "$work/$backend.ledger" "${db[@]}" 2>"$work/$backend.log" &
  server_pid=$!
  for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
  url="http://127.0.0.1:$(cat "$work/port")"
  keys="$(MAMORI_URL="$url" ADMIN="$admin" python3 - <<'PY'
import json, os, urllib.request
url, admin = os.environ["MAMORI_URL"], os.environ["ADMIN"]
def call(method, path, key, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
call("POST", "/v1/organisations", admin, {"id": "bench-org", "name": "Bench Power", "sector": "electricity", "tier": 1,
     "ip_ranges": ["198.51.%d.0/24" % i for i in range(16)], "asns": [64500, 64501], "domains": ["bench.example.jp"],
     "contacts": [{"name": "SOC", "email": "soc@bench.example.jp"}]})
call("POST", "/v1/organisations", admin, {"id": "bench-carrier", "name": "Carrier", "sector": "information_communication"})
op = call("POST", "/v1/api-keys", admin, {"role": "operator", "org_id": "bench-org"})["key"]
carrier = call("POST", "/v1/api-keys", admin, {"role": "carrier", "org_id": "bench-carrier"})["key"]
analyst = call("POST", "/v1/api-keys", admin, {"role": "analyst"})["key"]
call("POST", "/v1/findings", carrier, [{"kind": "scanning", "detector": "trw", "endpoint": "203.0.%d.%d" % (i // 250, i % 250 + 1),
     "score": i % 100, "first_seen": 1, "last_seen": 2, "ports": [22, 23], "summary": "probe"} for i in range(1000)])
print(op, analyst)
PY
)"
  read -r op analyst <<<"$keys"
  printf '%-9s ' "$backend"; "$load" --url "$url" --key "$op" --path /v1/organisations/bench-org \
    --rate "$rate" --seconds "$seconds" --connections "$connections"
  printf '%-9s ' "$backend"; "$load" --url "$url" --key "$analyst" --path "/v1/findings?limit=20&min_score=50" \
    --rate "$rate" --seconds "$seconds" --connections "$connections"
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  rm -f "$work/port"
done

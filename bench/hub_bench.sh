#!/usr/bin/env bash
# The hub at fixed request rates, SQLite and PostgreSQL side by side; the load
# comes from a second process (bench/hub_load_bench.cpp, open-loop: latency
# counts from when each request was due).
#   bench/hub_bench.sh [RATE] [SECONDS] [CONNECTIONS] [REPORT_RATE]
#   defaults: 2000 req/s, 10 s (+2 s warm-up), 32 connections, 200 reports/s
# Measured:
#   * authenticated reads at RATE: an operator reading its organisation
#     (GET /v1/organisations/{id}) and an analyst listing 20 findings of 1,000
#     (GET /v1/findings?limit=20&min_score=50);
#   * quick report -> all receipts at REPORT_RATE: POST /v1/reports (a new
#     ransomware quick report each time, Idempotency-Key each); the answer
#     carries every recipient's signed receipt, so its latency is the whole
#     fan-out (validation, routing, views, 3 Ed25519 receipts, deadlines,
#     indicators, one transaction);
#   * purpose-bound report reads at REPORT_RATE: an agency analyst reading a
#     report (GET /v1/reports/{id}, X-Request-Purpose): decision, ledger entry
#     (flushed) and access-log row before the answer.
# Needs a build (scripts/build.sh). Uses MAMORI_TEST_PG if set, else starts a
# throwaway PostgreSQL 15 (scripts/pg_test_server.sh) for the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MAMORI_BUILD_DIR:-$root/build}"
mamori="$build/src/mamori/mamori"
load="$build/bench/hub_load_bench"
rate="${1:-2000}"; seconds="${2:-10}"; connections="${3:-32}"; report_rate="${4:-200}"
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

cat > "$work/quick.json" <<'JSON'
{"incident_type":"ransomware","aware_at":"2025-03-01T02:10:00+09:00","contact":"CSIRT desk +81-6-0000-0000",
 "affected_asset":"file server {n}; C2 at evil{n}[.]example.com","service_impact":"degraded","suspected_malicious":"yes"}
JSON
echo "# $(date -u +%FT%TZ) $(nproc) CPUs, reads ${rate}/s, reports ${report_rate}/s, ${seconds}s each, ${connections} connections"
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
for agency in ("jp.ncs", "jp.meti", "jp.npa"):
    call("POST", "/v1/organisations", admin, {"id": agency, "name": agency, "sector": "government_services", "clearance": 3})
ncs = call("POST", "/v1/api-keys", admin, {"role": "analyst", "org_id": "jp.ncs"})["key"]
report = call("POST", "/v1/reports", op, {"incident_type": "ransomware", "aware_at": "2025-03-01T00:00:00Z",
              "contact": "CSIRT desk", "affected_asset": "file servers"})["id"]
call("POST", "/v1/findings", carrier, [{"kind": "scanning", "detector": "trw", "endpoint": "203.0.%d.%d" % (i // 250, i % 250 + 1),
     "score": i % 100, "first_seen": 1, "last_seen": 2, "ports": [22, 23], "summary": "probe"} for i in range(1000)])
print(op, analyst, ncs, report)
PY
)"
  read -r op analyst ncs report <<<"$keys"
  printf '%-9s ' "$backend"; "$load" --url "$url" --key "$op" --path /v1/organisations/bench-org \
    --rate "$rate" --seconds "$seconds" --connections "$connections"
  printf '%-9s ' "$backend"; "$load" --url "$url" --key "$analyst" --path "/v1/findings?limit=20&min_score=50" \
    --rate "$rate" --seconds "$seconds" --connections "$connections"
  printf '%-9s ' "$backend"; "$load" --url "$url" --key "$op" --path /v1/reports --method POST \
    --body-file "$work/quick.json" --rate "$report_rate" --seconds "$seconds" --connections "$connections"
  printf '%-9s ' "$backend"; "$load" --url "$url" --key "$ncs" --path "/v1/reports/$report" \
    --header "X-Request-Purpose: cybersecurity_analysis" --rate "$report_rate" --seconds "$seconds" \
    --connections "$connections"
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  rm -f "$work/port"
done

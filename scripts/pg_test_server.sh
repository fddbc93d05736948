#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests, on 127.0.0.1 with its own data
# directory (never the system cluster):
#   scripts/pg_test_server.sh start DIR   init + start; prints the connection URL on stdout
#   scripts/pg_test_server.sh stop DIR    stop and delete DIR
# initdb refuses to run as root, so as root the server runs as the `postgres`
# user (created by the postgresql-15 package) via runuser. Authentication is
# `trust` for loopback only: the cluster lives as long as one test run. As
# root, DIR's parent must be traversable by `postgres` (e.g. /tmp itself).
set -euo pipefail
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,8p' "$0" >&2; exit 2; }
bin=/usr/lib/postgresql/15/bin
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi

case "$cmd" in
  start)
    [ -x "$bin/initdb" ] || { echo "pg_test_server: $bin/initdb missing (scripts/setup.sh --test installs postgresql-15)" >&2; exit 1; }
    rm -rf "$dir"; mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U mamori --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c max_connections=200" >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    "${as_pg[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U mamori -d postgres -q -c "CREATE DATABASE mamori_test" >/dev/null
    echo "$port" > "$dir/port"
    echo "postgresql://mamori@127.0.0.1:$port/mamori_test"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "pg_test_server: unknown command $cmd" >&2; exit 2 ;;
esac

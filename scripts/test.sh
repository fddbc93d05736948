#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#   1. the default build: unit, component and integration tests (real softflowd, nfdump, tshark);
#   2. the same suite built by clang with AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. every libFuzzer target of that build for a bounded time (MAMORI_FUZZ_SECONDS each, default 20).
# A throwaway PostgreSQL 15 runs on 127.0.0.1 for the whole run (scripts/pg_test_server.sh);
# MAMORI_TEST_PG points the hub store's contract suite and the hub integration tests at it.
# Options: --quick runs only step 1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
jobs="$(nproc)"
started=$(date +%s)
step() { printf '\n== %s (%ds)\n' "$*" $(( $(date +%s) - started )) >&2; }

step "installing what is missing"
"$root/scripts/setup.sh" --test

step "starting PostgreSQL 15 on 127.0.0.1 (throwaway data directory)"
# Under /tmp: as root the server runs as `postgres`, which must reach the directory.
pg_dir="/tmp/mamori-test-pg-$$"
trap '"$root/scripts/pg_test_server.sh" stop "$pg_dir"' EXIT
MAMORI_TEST_PG="$("$root/scripts/pg_test_server.sh" start "$pg_dir")"
export MAMORI_TEST_PG
echo "MAMORI_TEST_PG=$MAMORI_TEST_PG" >&2

step "default build"
MAMORI_BUILD_DIR="$root/build" "$root/scripts/build.sh"
step "tests (default build)"
ctest --test-dir "$root/build" -j "$jobs" --output-on-failure --timeout 900

if [ "$quick" = 1 ]; then step "done (quick)"; exit 0; fi

step "sanitizer build (clang: ASan+UBSan, with the libFuzzer targets)"
# One clang build serves both the sanitizer test run and the fuzzers (each
# used to have its own build, ~10 minutes of a 2-core machine). Optimised
# (-O2 -g): the sanitizers check the same code paths and the suite runs
# several times faster. The default build above is GCC, so both compilers'
# warnings (-Werror) are checked.
CC=clang CXX=clang++ MAMORI_BUILD_DIR="$root/build-san" "$root/scripts/build.sh" \
  -DMAMORI_SANITIZE=ON -DMAMORI_FUZZ=ON -DMAMORI_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
step "tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$root/build-san" -j "$jobs" --output-on-failure --timeout 1800

seconds="${MAMORI_FUZZ_SECONDS:-20}"
for fuzzer in "$root"/build-san/fuzz/*_fuzz; do
  name="$(basename "$fuzzer" _fuzz)"
  step "fuzzing $name for ${seconds}s"
  work="$root/build-san/corpus/$name"
  mkdir -p "$work"
  seeds=()
  [ -d "$root/fuzz/corpus/$name" ] && seeds=("$root/fuzz/corpus/$name")
  "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "$work" "${seeds[@]}" 2>"$root/build-san/$name.log" || { tail -50 "$root/build-san/$name.log" >&2; exit 1; }
  grep -E 'stat::number_of_executed_units' "$root/build-san/$name.log" >&2 || true
done
step "all tests passed"

#!/usr/bin/env bash
# Benchmark: which restic the runner should carry. For Debian's restic and restic built from the Go
# module proxy (default v0.17.3 and v0.18.1), on the same 1 GiB stream of random data: backup as a
# plain `cat FILE | restic backup --stdin` and as `keepsake backup -- cat FILE`, restore as a plain
# `restic dump latest dump | cat >/dev/null` and as `keepsake restore -- sh -c 'cat >/dev/null'`.
# Runs are interleaved (plain and runner alternate who goes first); a fresh repository per backup.
#
#   bash functions/bench/restic-versions.sh [RUNS=3] [SIZE_MIB=1024] [VERSIONS="v0.17.3 v0.18.1"]
#
# Measures the restic on PATH too, when there is one (Debian 12's is 0.14.0); needs Go (for the
# others, built once into the per-user cache) and about 4 GiB free in $TMPDIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-3}"
size_mib="${2:-1024}"
versions="${3:-v0.17.3 v0.18.1}"
keepsake="$root/functions/bin/keepsake"
if ! ls "$root"/functions/target/keepsake-functions-*-runner.jar >/dev/null 2>&1; then
  (cd "$root" && mvn -q -B -pl functions -am package -DskipTests)
fi
binaries=()
if command -v restic >/dev/null; then binaries+=("$(command -v restic)"); fi
for v in $versions; do binaries+=("$(bash "$root/test/scripts/build-restic.sh" "$v")"); done
# The runner as the image ships it: with the class-data archive beside its jar.
KEEPSAKE_RESTIC="${binaries[0]}" "$root/functions/bin/keepsake-class-archive"
work="$(mktemp -d "${TMPDIR:-/tmp}/keepsake-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT
export RESTIC_PASSWORD=bench-password XDG_CACHE_HOME="$work/cache" KEEPSAKE_TERMINATION_LOG="$work/termination"
export RESTIC_REPOSITORY="$work/repo"

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
fresh_repo() { rm -rf "$work/repo" "$work/cache"; "$restic" init -q >/dev/null; }
plain_backup() { cat "$work/stream.bin" | "$restic" backup --stdin --stdin-filename dump --host bench -q; }
runner_backup() { KEEPSAKE_RESTIC="$restic" "$keepsake" backup --host bench --stdin-filename dump -- cat "$work/stream.bin"; }
plain_restore() { "$restic" dump latest dump | cat >/dev/null; }
runner_restore() { KEEPSAKE_RESTIC="$restic" "$keepsake" restore --host bench --stdin-filename dump -- sh -c 'cat >/dev/null'; }
rate() { echo "$size_mib * $runs / $1" | bc -l; }

head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$work/stream.bin"
echo "input: $size_mib MiB of random data (in the page cache), $runs interleaved runs of each, $(nproc) cores"
for restic in "${binaries[@]}"; do
  declare -A total=([pb]=0 [rb]=0 [pr]=0 [rr]=0)
  for i in $(seq 1 "$runs"); do
    if ((i % 2)); then order="plain runner"; else order="runner plain"; fi
    for who in $order; do
      fresh_repo
      if [[ $who == plain ]]; then
        total[pb]=$(echo "${total[pb]} + $(seconds plain_backup)" | bc -l)
        total[pr]=$(echo "${total[pr]} + $(seconds plain_restore)" | bc -l)
      else
        total[rb]=$(echo "${total[rb]} + $(seconds runner_backup)" | bc -l)
        total[rr]=$(echo "${total[rr]} + $(seconds runner_restore)" | bc -l)
      fi
    done
  done
  printf "%-34s backup: plain %6.1f MiB/s, runner %6.1f MiB/s, ratio %.3f | restore: plain %6.1f MiB/s, runner %6.1f MiB/s, ratio %.3f\n" \
    "$("$restic" version | cut -d' ' -f1-2)" \
    "$(rate "${total[pb]}")" "$(rate "${total[rb]}")" "$(echo "${total[pb]} / ${total[rb]}" | bc -l)" \
    "$(rate "${total[pr]}")" "$(rate "${total[rr]}")" "$(echo "${total[pr]} / ${total[rr]}" | bc -l)"
  unset total
done

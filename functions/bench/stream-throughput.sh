#!/usr/bin/env bash
# Benchmark: `keepsake backup -- cat FILE` against the plain pipe `cat FILE | restic backup --stdin`,
# on the same 1 GiB stream into fresh local repositories, runs interleaved (which goes first alternates).
# Prints both throughputs and their ratio, then the runner's peak RSS for a 100 MiB and a 2 GiB stream.
#
#   bash functions/bench/stream-throughput.sh [RUNS=3] [SIZE_MIB=1024]
#
# Needs restic and about 5 GiB free in $TMPDIR. Repository initialization is not timed in either case.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-3}"
size_mib="${2:-1024}"
keepsake="$root/functions/bin/keepsake"
if ! ls "$root"/functions/target/keepsake-functions-*-runner.jar >/dev/null 2>&1; then
  (cd "$root" && mvn -q -B -pl functions -am package -DskipTests)
fi
# The runner as the image ships it: with the class-data archive beside its jar.
"$root/functions/bin/keepsake-class-archive"
work="$(mktemp -d "${TMPDIR:-/tmp}/keepsake-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT
export RESTIC_PASSWORD=bench-password XDG_CACHE_HOME="$work/cache" KEEPSAKE_TERMINATION_LOG="$work/termination"

make_input() { head -c "$2" /dev/urandom > "$work/$1"; cat "$work/$1" > /dev/null; }
fresh_repo() { rm -rf "$work/repo"; restic -r "$work/repo" init -q >/dev/null; }
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
plain_pipe() { cat "$work/$1" | restic -r "$work/repo" backup --stdin --stdin-filename dump --host bench -q; }
runner() { RESTIC_REPOSITORY="$work/repo" "$keepsake" backup --host bench --stdin-filename dump -- cat "$work/$1"; }

echo "input: $size_mib MiB of random data (in the page cache), $runs interleaved runs each, fresh repository per run"
make_input stream.bin $((size_mib * 1024 * 1024))
pipe_total=0; runner_total=0
for i in $(seq 1 "$runs"); do
  if (( i % 2 )); then
    fresh_repo; p=$(seconds plain_pipe stream.bin); fresh_repo; r=$(seconds runner stream.bin)
  else
    fresh_repo; r=$(seconds runner stream.bin); fresh_repo; p=$(seconds plain_pipe stream.bin)
  fi
  printf "  run %d: plain pipe %6.2f s, keepsake backup %6.2f s\n" "$i" "$p" "$r"
  pipe_total=$(echo "$pipe_total + $p" | bc -l); runner_total=$(echo "$runner_total + $r" | bc -l)
done
rm -f "$work/stream.bin"
pipe_rate=$(echo "$size_mib * $runs / $pipe_total" | bc -l)
runner_rate=$(echo "$size_mib * $runs / $runner_total" | bc -l)
printf "throughput: plain pipe %.1f MiB/s, keepsake backup %.1f MiB/s, ratio %.3f (target >= 0.97)\n" \
  "$pipe_rate" "$runner_rate" "$(echo "$runner_rate / $pipe_rate" | bc -l)"

# Peak RSS of the runner's own JVM (not restic's, not cat's), from /proc while it runs.
peak_rss_kib() {
  fresh_repo
  RESTIC_REPOSITORY="$work/repo" "$keepsake" backup --host bench --stdin-filename dump -- cat "$work/$1" >/dev/null 2>&1 &
  local pid=$! peak=0 hwm
  while kill -0 "$pid" 2>/dev/null; do
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n "$hwm" && "$hwm" -gt "$peak" ]] && peak=$hwm
    sleep 0.05
  done
  wait "$pid"
  echo "$peak"
}
make_input 100m.bin $((100 * 1024 * 1024))
small=$(peak_rss_kib 100m.bin); rm -f "$work/100m.bin"
make_input 2g.bin $((2 * 1024 * 1024 * 1024))
large=$(peak_rss_kib 2g.bin); rm -f "$work/2g.bin"
printf "runner peak RSS: 100 MiB stream %.1f MiB, 2 GiB stream %.1f MiB, difference %.1f %% (target within 10 %%)\n" \
  "$(echo "$small / 1024" | bc -l)" "$(echo "$large / 1024" | bc -l)" "$(echo "($large - $small) * 100 / $small" | bc -l)"

#!/usr/bin/env bash
# Benchmark: `keepsake redis-dump` against redis-dump-go v0.8.2 on the same Redis, and `keepsake
# redis-load` against `redis-cli --pipe` replaying redis-dump-go's output. redis-dump-go reads with 100
# connections, as the Redis addon ran it before it had its own dump. The Redis holds KEYS keys
# (strings, hashes, lists, sets and sorted sets in equal parts, a tenth with a TTL) in one database;
# runs are interleaved (which goes first alternates). Prints seconds and keys per second.
#
#   bash functions/bench/redis-dump.sh [RUNS=3] [KEYS=100000]
#
# Needs redis-server, redis-cli and Go (for redis-dump-go, built into the per-user cache once).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-3}"
keys="${2:-100000}"
keepsake="$root/functions/bin/keepsake"
if ! ls "$root"/functions/target/keepsake-functions-*-runner.jar >/dev/null 2>&1; then
  (cd "$root" && mvn -q -B -pl functions -am package -DskipTests)
fi
redis_dump_go="$(bash "$root/test/scripts/build-redis-dump-go.sh")"
work="$(mktemp -d "${TMPDIR:-/tmp}/keepsake-bench-XXXXXX")"
port=$((20000 + RANDOM % 20000))
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
trap 'kill "$(cat "$work/redis.pid")" 2>/dev/null; rm -rf "$work"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
cli() { redis-cli -p "$port" "$@"; }

seed() {
  cli flushall >/dev/null
  awk -v n="$keys" 'function cmd(a, i, s) { s = "*" length(a) "\r\n"; for (i = 1; i <= length(a); i++) s = s "$" length(a[i]) "\r\n" a[i] "\r\n"; printf "%s", s }
    BEGIN { for (i = 0; i < n; i++) { k = i % 5; delete a
      if (k == 0) { a[1] = "SET"; a[2] = "string:" i; a[3] = "value-" i "-" sprintf("%080d", i) }
      if (k == 1) { a[1] = "HSET"; a[2] = "hash:" i; a[3] = "name"; a[4] = "n" i; a[5] = "qty"; a[6] = i % 9 }
      if (k == 2) { a[1] = "RPUSH"; a[2] = "list:" i; a[3] = "a"; a[4] = "b"; a[5] = "c" i }
      if (k == 3) { a[1] = "SADD"; a[2] = "set:" i; a[3] = "x"; a[4] = "y" i }
      if (k == 4) { a[1] = "ZADD"; a[2] = "zset:" i; a[3] = "1.5"; a[4] = "m" i }
      cmd(a)
      if (i % 10 == 0) { delete a; a[1] = "EXPIRE"; a[2] = (k == 0 ? "string:" : k == 1 ? "hash:" : k == 2 ? "list:" : k == 3 ? "set:" : "zset:") i; a[3] = 86400; cmd(a) } } }' \
    | cli --pipe >/dev/null
}
seconds() { local start end; start=$(date +%s.%N); "$@"; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
keepsake_dump() { "$keepsake" redis-dump --host 127.0.0.1 --port "$port" >"$work/keepsake.resp" 2>/dev/null; }
go_dump() { "$redis_dump_go" -host 127.0.0.1 -port "$port" -n 100 -s >"$work/go.resp" 2>/dev/null; }
keepsake_load() { cli flushall >/dev/null; "$keepsake" redis-load --host 127.0.0.1 --port "$port" <"$work/keepsake.resp" 2>/dev/null; }
go_load() { cli flushall >/dev/null; cli --pipe <"$work/go.resp" >/dev/null; }

seed
echo "Redis $(cli info server | sed -n 's/^redis_version://p' | tr -d '\r') with $(cli dbsize) keys; $runs interleaved runs each"
declare -A total=([kd]=0 [gd]=0 [kl]=0 [gl]=0)
for i in $(seq 1 "$runs"); do
  if (( i % 2 )); then kd=$(seconds keepsake_dump); gd=$(seconds go_dump); else gd=$(seconds go_dump); kd=$(seconds keepsake_dump); fi
  kl=$(seconds keepsake_load); seed; gl=$(seconds go_load); seed
  printf "  run %d: dump keepsake %5.2f s, redis-dump-go %5.2f s; restore keepsake redis-load %5.2f s, redis-cli --pipe %5.2f s\n" \
    "$i" "$kd" "$gd" "$kl" "$gl"
  for k in kd gd kl gl; do total[$k]=$(echo "${total[$k]} + ${!k}" | bc -l); done
done
rate() { echo "$keys * $runs / ${total[$1]}" | bc -l; }
printf "dump:    keepsake redis-dump %8.0f keys/s, redis-dump-go %8.0f keys/s (%.2fx)\n" "$(rate kd)" "$(rate gd)" \
  "$(echo "${total[gd]} / ${total[kd]}" | bc -l)"
printf "restore: keepsake redis-load %8.0f keys/s, redis-cli --pipe %8.0f keys/s (%.2fx)\n" "$(rate kl)" "$(rate gl)" \
  "$(echo "${total[gl]} / ${total[kl]}" | bc -l)"
printf "dump size: keepsake %s bytes, redis-dump-go %s bytes\n" "$(stat -c %s "$work/keepsake.resp")" "$(stat -c %s "$work/go.resp")"

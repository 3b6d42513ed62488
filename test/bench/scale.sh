#!/usr/bin/env bash
# How the operator holds up under many objects: N BackupConfigurations (default 1000) over 100
# namespaces on the local control plane, the operator in a JVM of its own with a 256 MiB heap
# (KEEPSAKE_BENCH_OPERATOR_HEAP), a quiet period (KEEPSAKE_BENCH_IDLE, default 600s) and a burst of 100
# BackupSessions. Prints the time until every configuration is Ready with its CronJob, the operator's
# API requests, its memory at rest, the writes it makes while nothing changes, how fast one change
# reaches its CronJob, and session-to-Job latencies. With KEEPSAKE_BENCH_CREATE=before the
# configurations are all made first and the operator starts among them: its own pace, apart from the
# pace at which the benchmark can create them.
#
#   bash test/bench/scale.sh 1000
#   bash test/bench/scale.sh 10000
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
classpath_file="test/target/runtime-classpath.txt"
if [[ ! -f "$classpath_file" || ! -d test/target/classes ]]; then
  mvn -q -B -DskipTests install
  mvn -q -B -pl test dependency:build-classpath -Dmdep.outputFile="$root/$classpath_file"
fi
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.io.kubernetes.client.informer.cache.Controller=off \
  -Dorg.slf4j.simpleLogger.log.io.kubernetes.client.informer.cache.ProcessorListener=off \
  -cp "test/target/classes:$(cat "$classpath_file")" -Dkeepsake.projectRoot="$root" \
  dev.keepsake.testing.ScaleBenchmark "${1:-1000}"

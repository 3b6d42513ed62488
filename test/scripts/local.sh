#!/usr/bin/env bash
# Starts Keepsake's local control plane (etcd, kube-apiserver, kube-controller-manager on 127.0.0.1)
# with the keepsake.dev CRDs installed and a "demo" namespace, and keeps it up until Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
classpath_file="test/target/runtime-classpath.txt"
if [[ ! -d test/target/classes || ! -f "$classpath_file" || pom.xml -nt "$classpath_file" ]]; then
  mvn -q -B -DskipTests install
  mvn -q -B -pl test dependency:build-classpath -Dmdep.outputFile="$root/$classpath_file"
fi
exec java -cp "test/target/classes:$(cat "$classpath_file")" -Dkeepsake.projectRoot="$root" \
  dev.keepsake.testing.LocalControlPlaneMain "$@"

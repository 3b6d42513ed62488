#!/usr/bin/env bash
# Starts Keepsake on this machine: a local control plane (etcd, kube-apiserver, kube-controller-manager)
# with the keepsake.dev CRDs and a "demo" namespace, the operator, a real node (as root, with containerd)
# or else the kubelet stand-in, a Redis with sample data, a Pushgateway and a local restic repository;
# backs Redis up and restores it, shows the result, and stays up until Ctrl-C.
#
#   bash test/scripts/local.sh                 # the whole demo
#   bash test/scripts/local.sh --no-operator   # only the control plane and the CRDs (and the node)
#   bash test/scripts/local.sh --stand-in      # pods on the kubelet stand-in even where a real node could run
#   bash test/scripts/local.sh --once          # the demo, then stop; exit status 0 only if it passed
#   bash test/scripts/local.sh --replicas 2    # the operator as 2 processes with leader election, to kill
#   bash test/scripts/local.sh --cluster       # the operator alone, against the cluster of $KUBECONFIG
#                                              # (or in-cluster), with leader election, as in production
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# Sets up what the machine lacks (seconds when all is there), and builds Keepsake when a source or
# build file changed since the last build.
if [[ "${1:-}" != "--cluster" ]]; then
  bash test/scripts/install-prerequisites.sh
  # Runners on the kubelet stand-in use restic from PATH: the version the runner image carries.
  PATH="$(dirname "$(bash test/scripts/build-restic.sh)"):$PATH"
  export PATH
fi
classpath_file="test/target/runtime-classpath.txt"
if [[ ! -d test/target/classes || ! -f "$classpath_file" \
    || -n "$(find . -path ./.git -prune -o \( -name pom.xml -o -path '*/src/*' -o -path './cli/bin/*' \) -newer "$classpath_file" -print -quit)" ]]; then
  echo "[build] building Keepsake (mvn -B -DskipTests install)" >&2
  mvn -q -B -DskipTests install
  mvn -q -B -pl test dependency:build-classpath -Dmdep.outputFile="$root/$classpath_file"
fi
main=dev.keepsake.testing.LocalControlPlaneMain
if [[ "${1:-}" == "--cluster" ]]; then
  shift
  main=dev.keepsake.operator.app.Operator
fi
# The client library logs every informer start at INFO; warnings and errors are what a user needs.
# On Ctrl-C it also logs each informer thread's interruption as an ERROR with a stack trace.
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.io.kubernetes.client.informer.cache.Controller=off \
  -Dorg.slf4j.simpleLogger.log.io.kubernetes.client.informer.cache.ProcessorListener=off -cp "test/target/classes:$(cat "$classpath_file")" \
  -Dkeepsake.projectRoot="$root" "$main" "$@"

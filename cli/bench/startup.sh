#!/usr/bin/env bash
# How long kubectl keepsake takes for `status` and `snapshots` against a running cluster (the local
# demo's by default), with the launcher's class-data archive and without it, beside kubectl reading
# the same objects. Prints the median, fastest and slowest of N runs of each, in seconds.
#
#   bash test/scripts/local.sh &            # the demo; then, with the KUBECONFIG it prints:
#   KUBECONFIG=... bash cli/bench/startup.sh [NAMESPACE] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
namespace="${1:-demo}"
runs="${2:-10}"
plugin="$root/cli/bin/kubectl-keepsake"
kubectl="${KUBECTL:-$(command -v kubectl)}"
: "${KUBECONFIG:?set KUBECONFIG to the cluster to measure against (the demo prints it)}"

configuration="$("$kubectl" get backupconfigurations -n "$namespace" -o jsonpath='{.items[0].metadata.name}')"
repository="$("$kubectl" get repositories -n "$namespace" -o jsonpath='{.items[0].metadata.name}')"

measure() {
  local label="$1"
  shift
  "$@" >/dev/null 2>&1 || { echo "$label: the command failed: $*" >&2; "$@"; exit 1; }
  local times=()
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '
    { t[NR] = $1 }
    END { printf "%-52s median %.3f s   fastest %.3f s   slowest %.3f s\n", label, t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000 }'
}

echo "kubectl keepsake start-up, $runs runs each, namespace $namespace, $(nproc) cores"
measure "kubectl keepsake status $configuration" "$plugin" status "$configuration" -n "$namespace"
measure "kubectl keepsake status (all of the namespace)" "$plugin" status -n "$namespace"
measure "kubectl keepsake snapshots $repository" "$plugin" snapshots "$repository" -n "$namespace"
measure "  the same without the class-data archive" env KUBECTL_KEEPSAKE_CDS=off "$plugin" snapshots "$repository" -n "$namespace"
measure "  the same through kubectl (plugin lookup)" "$kubectl" keepsake snapshots "$repository" -n "$namespace"
measure "kubectl keepsake --help (no cluster call)" "$plugin" --help
measure "kubectl get repository $repository (baseline)" "$kubectl" get repository "$repository" -n "$namespace"

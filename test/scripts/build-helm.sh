#!/usr/bin/env bash
# Builds Helm from the Go module proxy into the per-user cache (Debian bookworm has no Helm package)
# and prints the binary's path. A small wrapper module requires the exact version, as for the
# control plane, and the version is stamped so `helm version` tells the truth.
set -euo pipefail
VERSION="${KEEPSAKE_HELM_VERSION:-v3.18.6}"
OUT="${XDG_CACHE_HOME:-$HOME/.cache}/keepsake/tools/helm-$VERSION"
if [[ -x "$OUT/helm" ]]; then
  echo "$OUT/helm"
  exit 0
fi
source "$(dirname "$0")/go-toolchain.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/go.mod" <<MOD
module keepsake.dev/tools/helm

go 1.24

toolchain $KEEPSAKE_GO_VERSION

require helm.sh/helm/v3 $VERSION
MOD
printf '//go:build tools\n\npackage tools\n\nimport _ "helm.sh/helm/v3/cmd/helm"\n' >"$work/tools.go"
mkdir -p "$OUT"
echo "[helm] building helm $VERSION from Go modules (a few minutes the first time)" >&2
(cd "$work" && GOFLAGS=-mod=mod go mod tidy >&2 && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$VERSION" -o "$OUT/helm.tmp" helm.sh/helm/v3/cmd/helm)
mv "$OUT/helm.tmp" "$OUT/helm"
echo "$OUT/helm"

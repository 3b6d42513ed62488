#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kube-controller-manager from Go modules (through the Go module proxy)
# and caches them per version, so the local control plane needs no Docker and no prebuilt downloads.
# Prints the directory holding the binaries on its last line of stdout.
#
# Kubernetes' own go.mod replaces its staging modules (k8s.io/api, k8s.io/apimachinery, ...) with local
# folders, which Go ignores when k8s.io/kubernetes is a dependency; the wrapper module below replaces each
# of them with its published v0.X.Y twin instead.
set -euo pipefail

KUBE_VERSION="${KEEPSAKE_KUBE_VERSION:-v1.33.13}"
ETCD_VERSION="${KEEPSAKE_ETCD_VERSION:-v3.5.35}"
CACHE_ROOT="${KEEPSAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keepsake}"
OUT="$CACHE_ROOT/control-plane/kube-$KUBE_VERSION-etcd-$ETCD_VERSION"

log() { echo "[control-plane] $*" >&2; }

if [[ -x "$OUT/kube-apiserver" && -x "$OUT/kube-controller-manager" && -x "$OUT/etcd" ]]; then
  log "cached binaries in $OUT"
  echo "$OUT"
  exit 0
fi

command -v go >/dev/null || { log "Go is required to build the control plane (apt-get install golang or a Go toolchain)"; exit 1; }

WORK="$CACHE_ROOT/control-plane/src"
mkdir -p "$OUT" "$WORK"
STAGING_VERSION="v0.${KUBE_VERSION#v1.}"

build_kube() {
  local dir="$WORK/kube-$KUBE_VERSION"
  mkdir -p "$dir"
  log "resolving k8s.io/kubernetes@$KUBE_VERSION"
  local gomod
  gomod="$(cd "$dir" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  [[ -f "$gomod" ]] || { log "could not download k8s.io/kubernetes@$KUBE_VERSION"; exit 1; }
  local go_directive
  go_directive="$(sed -n 's/^go \(.*\)$/\1/p' "$gomod" | head -1)"
  {
    echo "module keepsake.dev/control-plane"
    echo
    echo "go $go_directive"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    grep -oE '^\s*k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$gomod" \
      | awk -v v="$STAGING_VERSION" '{print "replace " $1 " => " $1 " " v}'
  } > "$dir/go.mod"
  log "$(grep -c '^replace' "$dir/go.mod") staging modules replaced with their $STAGING_VERSION releases"
  local major="${KUBE_VERSION#v}"; major="${major%%.*}"
  local minor="${KUBE_VERSION#v*.}"; minor="${minor%%.*}"
  local ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for cmd in kube-apiserver kube-controller-manager; do
    log "building $cmd $KUBE_VERSION (several minutes on a cold Go cache)"
    (cd "$dir" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$OUT/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd")
    mv "$OUT/$cmd.tmp" "$OUT/$cmd"
  done
}

build_etcd() {
  local dir="$WORK/etcd-$ETCD_VERSION"
  mkdir -p "$dir"
  cat > "$dir/go.mod" <<MOD
module keepsake.dev/etcd

go 1.22

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
MOD
  cat > "$dir/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  log "building etcd $ETCD_VERSION"
  (cd "$dir" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" .)
  mv "$OUT/etcd.tmp" "$OUT/etcd"
}

[[ -x "$OUT/etcd" ]] || build_etcd
[[ -x "$OUT/kube-apiserver" && -x "$OUT/kube-controller-manager" ]] || build_kube
"$OUT/kube-apiserver" --version >&2
"$OUT/etcd" --version | head -1 >&2
echo "$OUT"

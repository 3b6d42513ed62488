#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager and kube-scheduler, for the real node kubelet,
# kube-proxy and CoreDNS, and kubectl of the same version, from Go modules (through the Go module proxy)
# and caches them per version, so the local control plane needs no Docker and no prebuilt downloads.
# Prints the directory holding the binaries on its last line of stdout.
#
# Kubernetes' own go.mod replaces its staging modules (k8s.io/api, k8s.io/apimachinery, ...) with local
# folders, which Go ignores when k8s.io/kubernetes is a dependency; the wrapper module below replaces each
# of them with its published v0.X.Y twin instead.
set -euo pipefail

KUBE_VERSION="${KEEPSAKE_KUBE_VERSION:-v1.33.13}"
ETCD_VERSION="${KEEPSAKE_ETCD_VERSION:-v3.5.35}"
COREDNS_VERSION="${KEEPSAKE_COREDNS_VERSION:-v1.14.7}"
KUBE_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
CACHE_ROOT="${KEEPSAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keepsake}"
OUT="$CACHE_ROOT/control-plane/kube-$KUBE_VERSION-etcd-$ETCD_VERSION"

log() { echo "[control-plane] $*" >&2; }

missing_kube() {
  local cmd
  for cmd in "${KUBE_COMMANDS[@]}"; do [[ -x "$OUT/$cmd" ]] || echo "$cmd"; done
}

if [[ -z "$(missing_kube)" && -x "$OUT/etcd" && -x "$OUT/coredns" ]]; then
  log "cached binaries in $OUT"
  echo "$OUT"
  exit 0
fi

source "$(dirname "$0")/go-toolchain.sh"

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
    echo "toolchain $KEEPSAKE_GO_VERSION"
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
  local cmd
  for cmd in $(missing_kube); do
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

go 1.26.0

toolchain $KEEPSAKE_GO_VERSION

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

# CoreDNS for the real node's pods, with only the plugins a cluster-internal resolver needs. Without
# the forward plugin it answers for the cluster's zones and nothing else: no lookup leaves the machine.
build_coredns() {
  local dir="$WORK/coredns-$COREDNS_VERSION"
  mkdir -p "$dir"
  local gomod go_directive
  gomod="$(cd "$dir" && GOFLAGS=-mod=mod go mod download -json "github.com/coredns/coredns@$COREDNS_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  [[ -f "$gomod" ]] || { log "could not download github.com/coredns/coredns@$COREDNS_VERSION"; exit 1; }
  go_directive="$(sed -n 's/^go \(.*\)$/\1/p' "$gomod" | head -1)"
  cat > "$dir/go.mod" <<MOD
module keepsake.dev/coredns

go $go_directive

toolchain $KEEPSAKE_GO_VERSION

require github.com/coredns/coredns $COREDNS_VERSION
MOD
  cat > "$dir/main.go" <<'GO'
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() { coremain.Run() }
GO
  log "building coredns $COREDNS_VERSION"
  (cd "$dir" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT/coredns.tmp" .)
  mv "$OUT/coredns.tmp" "$OUT/coredns"
}

[[ -x "$OUT/etcd" ]] || build_etcd
[[ -z "$(missing_kube)" ]] || build_kube
[[ -x "$OUT/coredns" ]] || build_coredns
"$OUT/kube-apiserver" --version >&2
"$OUT/etcd" --version | head -1 >&2
echo "$OUT"

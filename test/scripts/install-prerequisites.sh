#!/usr/bin/env bash
# Installs what Keepsake's build, tests and local demo need on a Debian/Ubuntu machine, then builds
# the local control plane and the real node (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet, kube-proxy, CoreDNS) from Go modules into the per-user cache; containerd,
# runc, the CNI plugins and mmdebstrap (for the images) come from Debian. Safe to run again: it skips
# what is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { echo "[setup] $*" >&2; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# Debian packages the tests start or call. Later parts of the project add to this list.
APT_PACKAGES=(openjdk-17-jdk-headless maven git curl ca-certificates prometheus-pushgateway
  redis-server redis-tools postgresql postgresql-client mariadb-server mariadb-client prometheus
  containerd runc containernetworking-plugins iptables conntrack iproute2 mmdebstrap zsh fish golang-go)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  # Java and Maven may come from elsewhere (SDKMAN, Temurin); only install what the machine lacks.
  command -v java >/dev/null && missing=("${missing[@]/openjdk-17-jdk-headless}")
  command -v mvn >/dev/null && missing=("${missing[@]/maven}")
  command -v go >/dev/null && missing=("${missing[@]/golang-go}")
  read -r -a missing <<<"${missing[*]}"
fi
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if (( ${java_major%%.*} < 17 )); then
  log "Java 17 or newer is needed; found $java_major"; exit 1
fi

# The Go-built parts (control plane, node, kubectl, Helm, redis-dump-go, restic) are built with one pinned Go
# toolchain, fetched as a module by whatever Go is on PATH (Debian's golang-go when there is none).
source test/scripts/go-toolchain.sh
go_version="$(go env GOVERSION)"

bash test/scripts/build-control-plane.sh >/dev/null
bash test/scripts/build-redis-dump-go.sh >/dev/null
bash test/scripts/build-helm.sh >/dev/null
restic_bin="$(bash test/scripts/build-restic.sh)"
log "ready: Java ${java_major}, $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), ${go_version}, control plane, redis-dump-go, helm and $("$restic_bin" version | cut -d' ' -f1-2) cached"

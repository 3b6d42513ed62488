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
APT_PACKAGES=(openjdk-17-jdk-headless maven git curl ca-certificates restic prometheus-pushgateway
  redis-server redis-tools postgresql postgresql-client mariadb-server mariadb-client prometheus
  containerd runc containernetworking-plugins iptables conntrack iproute2 mmdebstrap zsh fish)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  # Java and Maven may come from elsewhere (SDKMAN, Temurin); only install what the machine lacks.
  command -v java >/dev/null && missing=("${missing[@]/openjdk-17-jdk-headless}")
  command -v mvn >/dev/null && missing=("${missing[@]/maven}")
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

# Kubernetes 1.33 needs Go 1.24 or newer to build; Go 1.21+ fetches a newer toolchain by itself
# through the module proxy (GOTOOLCHAIN=auto), older ones cannot.
if ! command -v go >/dev/null; then
  log "Go is needed to build the local control plane and was not found on PATH."
  log "Install Go 1.21 or newer (the toolchain from go.dev or your distribution), then run this again."
  exit 1
fi
go_version="$(go env GOVERSION)"
go_minor="$(echo "$go_version" | sed -E 's/^go1\.([0-9]+).*/\1/')"
if (( go_minor < 21 )); then
  log "Go $go_version is too old to build Kubernetes 1.33 (needs 1.21+ to fetch its 1.24 toolchain)"; exit 1
fi

bash test/scripts/build-control-plane.sh >/dev/null
bash test/scripts/build-redis-dump-go.sh >/dev/null
bash test/scripts/build-helm.sh >/dev/null
log "ready: Java ${java_major}, $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), ${go_version}, control plane, redis-dump-go and helm cached"

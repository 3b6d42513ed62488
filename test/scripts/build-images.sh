#!/usr/bin/env bash
# Builds Keepsake's images without Docker or a registry: each is a Debian root file system made by
# mmdebstrap from Debian's packages (the release and package lists the Dockerfiles name) plus the
# project's jars and scripts, written as a docker-save archive that `ctr images import` takes.
#
#   test/scripts/build-images.sh [IMAGE...]         build what changed (all, or the images named,
#                                                   such as keepsake/runner), print the folder last
#   test/scripts/build-images.sh --list [IMAGE...]  print "archive<TAB>image" for each image
#
# An image is rebuilt only when its inputs (package lists, jars, scripts, this file) change.
# Run `mvn -B -q install -DskipTests` first: the runner and operator jars go into the images.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"

CACHE_ROOT="${KEEPSAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keepsake}"
OUT="$CACHE_ROOT/images"
SUITE=bookworm
VERSION="$(sed -n 's/^appVersion: "\(.*\)"$/\1/p' charts/keepsake/Chart.yaml)"
RUNNER_JAR="$(ls functions/target/keepsake-functions-*-runner.jar 2>/dev/null | head -1 || true)"
RESTIC_BIN="$(bash test/scripts/build-restic.sh)"
OPERATOR_JAR="$(ls controller/target/keepsake-controller-*-operator.jar 2>/dev/null | head -1 || true)"

log() { echo "[images] $*" >&2; }

# name|tag|package lists (comma-separated)|kind
IMAGES=(
  "keepsake/pause|$VERSION||pause"
  "keepsake/runner|$VERSION|functions/image.packages|runner"
  "keepsake/redis-7|$VERSION|functions/image.packages,catalog/redis/image.packages|runner"
  "keepsake/postgres-15|$VERSION|functions/image.packages,catalog/postgres/image.packages|runner"
  "keepsake/mariadb-10|$VERSION|functions/image.packages,catalog/mariadb/image.packages|runner"
  "keepsake/operator|$VERSION|controller/image.packages|operator"
  "keepsake-test/redis-server|$VERSION|test/images/redis-server.packages|server"
  "keepsake-test/postgres-server|$VERSION|test/images/postgres-server.packages|server"
  "keepsake-test/mariadb-server|$VERSION|test/images/mariadb-server.packages|server"
)

archive_of() { echo "$OUT/$(echo "$1" | tr '/' '_')_$2.tar"; }

LIST=false
if [[ "${1:-}" == "--list" ]]; then LIST=true; shift; fi
WANTED=("$@")
wanted() {
  ((${#WANTED[@]} == 0)) && return 0
  local name
  for name in "${WANTED[@]}"; do [[ "$name" == "$1" ]] && return 0; done
  return 1
}
if $LIST; then
  for spec in "${IMAGES[@]}"; do
    IFS='|' read -r name tag _ _ <<<"$spec"
    wanted "$name" && printf '%s\t%s:%s\n' "$(archive_of "$name" "$tag")" "$name" "$tag"
  done
  exit 0
fi

mkdir -p "$OUT"
packages_of() {
  local file
  IFS=',' read -r -a files <<<"$1"
  for file in "${files[@]}"; do grep -hv '^[[:space:]]*\(#\|$\)' "$file"; done | sort -u | paste -sd, -
}

# The apt sources of this machine when they are bookworm's, so the images come from the same mirror.
sources_args() {
  local file=/etc/apt/sources.list.d/debian.sources
  if [[ -f "$file" ]] && grep -q "Suites:.*\b$SUITE\b" "$file"; then
    echo "$file"
  else
    echo "deb http://deb.debian.org/debian $SUITE main"
    echo "deb http://deb.debian.org/debian $SUITE-updates main"
    echo "deb http://deb.debian.org/debian-security $SUITE-security main"
  fi
}

# The sandbox image every pod starts with: a static program that sleeps until it is told to stop.
build_pause_layer() {
  local dir="$CACHE_ROOT/images/src/pause" rootfs="$1/rootfs"
  mkdir -p "$dir" "$rootfs"
  cat > "$dir/go.mod" <<'MOD'
module keepsake.dev/pause

go 1.21
MOD
  cat > "$dir/main.go" <<'GO'
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	signal.Ignore(syscall.SIGCHLD)
	<-stop
}
GO
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$rootfs/pause" .)
  tar --sort=name --owner=0 --group=0 --mtime=@0 -C "$rootfs" -cf "$1/layer.tar" .
}

build_debian_layer() {
  local work="$1" packages="$2" kind="$3"
  local hooks=(
    --dpkgopt='path-exclude=/usr/share/man/*'
    --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --dpkgopt='path-exclude=/usr/share/locale/*'
    # update-alternatives links man pages too, and fails where their folder is missing (OpenJDK).
    --essential-hook='mkdir -p "$1/usr/share/man/man1"'
  )
  case "$kind" in
    runner)
      hooks+=(--customize-hook="mkdir -p \"\$1/opt/keepsake/lib\" \"\$1/opt/keepsake/bin\"")
      hooks+=(--customize-hook="cp '$ROOT/$RUNNER_JAR' \"\$1/opt/keepsake/lib/keepsake-runner.jar\"")
      hooks+=(--customize-hook="install -m 0755 '$ROOT/functions/bin/keepsake' \"\$1/opt/keepsake/bin/keepsake\"")
      hooks+=(--customize-hook="install -m 0755 '$RESTIC_BIN' \"\$1/usr/local/bin/restic\"")
      hooks+=(--customize-hook="install -m 0755 '$ROOT/functions/bin/keepsake-class-archive' \"\$1/opt/keepsake/bin/keepsake-class-archive\"")
      # The JVM uses the class-data archive only while the jar's time stamp is the one it was
      # made from, and the layer's times are those of SOURCE_DATE_EPOCH.
      hooks+=(--customize-hook="touch -d @0 \"\$1/opt/keepsake/lib/keepsake-runner.jar\"")
      hooks+=(--customize-hook="chroot \"\$1\" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin /opt/keepsake/bin/keepsake-class-archive >&2")
      ;;
    operator)
      hooks+=(--customize-hook="mkdir -p \"\$1/opt/keepsake\"")
      hooks+=(--customize-hook="cp '$ROOT/$OPERATOR_JAR' \"\$1/opt/keepsake/keepsake-operator.jar\"")
      ;;
    server)
      # Database servers look their user up by id (initdb refuses an unnamed one).
      hooks+=(--customize-hook="echo 'keepsake:x:65532:65532::/tmp:/usr/sbin/nologin' >> \"\$1/etc/passwd\"")
      hooks+=(--customize-hook="echo 'keepsake:x:65532:' >> \"\$1/etc/group\"")
      ;;
  esac
  local sources=()
  mapfile -t sources < <(sources_args)
  SOURCE_DATE_EPOCH=0 mmdebstrap --variant=minbase --mode=auto --format=tar \
    --aptopt='APT::Install-Recommends "false"' --include="$packages" "${hooks[@]}" \
    "$SUITE" "$work/layer.tar" "${sources[@]}" >&2
}

config_json() {
  local kind="$1" diff_id="$2"
  local user='' entrypoint='' env='"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"'
  case "$kind" in
    pause) entrypoint='["/pause"]'; user='65535:65535' ;;
    runner)
      entrypoint='["keepsake"]'; user='65532:65532'
      env='"PATH=/opt/keepsake/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"' ;;
    operator) entrypoint='["java","-XX:MaxRAMPercentage=75","-XX:TieredStopAtLevel=1","-jar","/opt/keepsake/keepsake-operator.jar"]'; user='65532:65532' ;;
    server) entrypoint='null'; user='65532:65532' ;;
  esac
  printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"%s","Env":[%s],"Entrypoint":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$user" "$env" "$entrypoint" "$diff_id"
}

inputs_key() {
  local lists="$1" kind="$2" file
  {
    cat "$0"
    IFS=',' read -r -a files <<<"$lists"
    for file in "${files[@]}"; do [[ -n "$file" ]] && cat "$file"; done
    case "$kind" in
      runner) sha256sum "$RUNNER_JAR" functions/bin/keepsake functions/bin/keepsake-class-archive "$RESTIC_BIN" ;;
      operator) sha256sum "$OPERATOR_JAR" ;;
    esac
  } | sha256sum | cut -d' ' -f1
}

build_image() {
  local name="$1" tag="$2" lists="$3" kind="$4"
  local archive key
  archive="$(archive_of "$name" "$tag")"
  key="$(inputs_key "$lists" "$kind")"
  if [[ -f "$archive" && "$(cat "$archive.key" 2>/dev/null)" == "$key" ]]; then
    log "$name:$tag is up to date ($(du -m "$archive" | cut -f1) MiB)"
    return
  fi
  local started=$SECONDS work
  work="$(mktemp -d "$OUT/build.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  if [[ "$kind" == pause ]]; then
    build_pause_layer "$work"
  else
    log "building $name:$tag from Debian $SUITE: $(packages_of "$lists")"
    build_debian_layer "$work" "$(packages_of "$lists")" "$kind"
  fi
  local diff_id config config_id
  diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  config="$(config_json "$kind" "$diff_id")"
  config_id="$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
  mkdir -p "$work/image/$diff_id"
  mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
  printf '%s' "$config" > "$work/image/$config_id.json"
  printf '[{"Config":"%s.json","RepoTags":["%s:%s"],"Layers":["%s/layer.tar"]}]' \
    "$config_id" "$name" "$tag" "$diff_id" > "$work/image/manifest.json"
  tar -C "$work/image" -cf "$archive.tmp" .
  mv "$archive.tmp" "$archive"
  echo "$key" > "$archive.key"
  log "$name:$tag built in $((SECONDS - started)) s: $(du -m "$archive" | cut -f1) MiB"
}

for spec in "${IMAGES[@]}"; do
  IFS='|' read -r name tag lists kind <<<"$spec"
  wanted "$name" || continue
  if [[ "$kind" == runner && -z "$RUNNER_JAR" ]] || [[ "$kind" == operator && -z "$OPERATOR_JAR" ]]; then
    log "the $kind jar is missing; build it first: mvn -B -q install -DskipTests"; exit 1
  fi
  build_image "$name" "$tag" "$lists" "$kind"
done
echo "$OUT"

#!/usr/bin/env bash
# Builds redis-dump-go from the Go module proxy into the per-user cache and prints the binary's path.
# `go install ...@version` is refused here because the proxy does not list the module's versions, so
# a small wrapper module requires the exact version instead. The tests compare the Redis addon with it
# (a foreign dump that restores, a tool that prints errors and exits 0) and bench/redis-dump.sh races it.
set -euo pipefail
VERSION="${REDIS_DUMP_GO_VERSION:-v0.8.2}"
OUT="${XDG_CACHE_HOME:-$HOME/.cache}/keepsake/tools/redis-dump-go-$VERSION"
if [[ -x "$OUT/redis-dump-go" ]]; then
  echo "$OUT/redis-dump-go"
  exit 0
fi
source "$(dirname "$0")/go-toolchain.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/go.mod" <<MOD
module keepsake.dev/tools/redis-dump-go

go 1.21

toolchain $KEEPSAKE_GO_VERSION

require github.com/yannh/redis-dump-go $VERSION
MOD
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/yannh/redis-dump-go"\n' >"$work/tools.go"
mkdir -p "$OUT"
(cd "$work" && GOFLAGS=-mod=mod go mod tidy >&2 && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
  -o "$OUT/redis-dump-go.tmp" github.com/yannh/redis-dump-go)
mv "$OUT/redis-dump-go.tmp" "$OUT/redis-dump-go"
echo "$OUT/redis-dump-go"

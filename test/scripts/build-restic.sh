#!/usr/bin/env bash
# Builds restic from the Go module proxy into the per-user cache and prints the binary's path:
#   bash test/scripts/build-restic.sh            the version the runner image carries
#   bash test/scripts/build-restic.sh v0.18.1    another, for the benchmark
# The version Keepsake uses is in functions/restic.version (the images, the tests, the demo and
# functions/Dockerfile all take it from there). A wrapper module requires the exact version (the
# proxy does not list restic's versions, so `go install ...@version` cannot resolve them).
set -euo pipefail
VERSION="${1:-$(tr -d '[:space:]' <"$(dirname "$0")/../../functions/restic.version")}"
OUT="${XDG_CACHE_HOME:-$HOME/.cache}/keepsake/tools/restic-$VERSION"
if [[ -x "$OUT/restic" ]]; then
  echo "$OUT/restic"
  exit 0
fi
source "$(dirname "$0")/go-toolchain.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/go.mod" <<MOD
module keepsake.dev/tools/restic

go 1.21

toolchain $KEEPSAKE_GO_VERSION

require github.com/restic/restic $VERSION
MOD
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/restic/restic/cmd/restic"\n' >"$work/tools.go"
mkdir -p "$OUT"
echo "[restic] building restic $VERSION from Go modules (a minute or two the first time)" >&2
(cd "$work" && GOFLAGS=-mod=mod go mod tidy >&2 && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w" -o "$OUT/restic.tmp" github.com/restic/restic/cmd/restic)
mv "$OUT/restic.tmp" "$OUT/restic"
echo "$OUT/restic"

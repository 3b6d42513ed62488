# Sourced by the build scripts: puts the Go toolchain that Keepsake's Go-built parts need first on
# PATH. Any Go on PATH can fetch it, Debian 12's Go 1.19 included: the toolchain is a module of the Go
# module proxy, checksum-verified by the go command like any other module, copied once into the
# per-user cache. The wrapper modules also name it (toolchain line), so that a Go from 1.21 on
# switches to it by itself when a build is run by hand.
KEEPSAKE_GO_VERSION="${KEEPSAKE_GO_VERSION:-go1.26.8}"
keepsake_go_root="${KEEPSAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keepsake}/go/$KEEPSAKE_GO_VERSION"

keepsake_go() {
  if [[ -x "$keepsake_go_root/bin/go" ]]; then
    return 0
  fi
  if command -v go >/dev/null && [[ "$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null)" == "$KEEPSAKE_GO_VERSION" ]]; then
    keepsake_go_root="$(GOTOOLCHAIN=local go env GOROOT)"
    return 0
  fi
  command -v go >/dev/null || { echo "[go] a Go on PATH is needed to fetch $KEEPSAKE_GO_VERSION (apt-get install golang-go)" >&2; return 1; }
  local arch
  case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "[go] no Go toolchain module for $(uname -m)" >&2; return 1 ;;
  esac
  echo "[go] fetching $KEEPSAKE_GO_VERSION from the Go module proxy with $(go version | cut -d' ' -f3)" >&2
  local scratch dir
  scratch="$(mktemp -d)"
  dir="$(cd "$scratch" && GOFLAGS=-mod=mod GO111MODULE=on GOTOOLCHAIN=local \
    go mod download -json "golang.org/toolchain@v0.0.1-$KEEPSAKE_GO_VERSION.linux-$arch" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  rm -rf "$scratch"
  [[ -n "$dir" && -f "$dir/bin/go" ]] || { echo "[go] the Go module proxy did not give $KEEPSAKE_GO_VERSION" >&2; return 1; }
  # The module cache keeps files read-only and without execute bits: the toolchain runs from a copy.
  rm -rf "$keepsake_go_root.tmp"
  mkdir -p "$(dirname "$keepsake_go_root")"
  cp -R "$dir" "$keepsake_go_root.tmp"
  chmod -R u+w "$keepsake_go_root.tmp"
  chmod +x "$keepsake_go_root.tmp"/bin/* "$keepsake_go_root.tmp"/pkg/tool/*/*
  mv "$keepsake_go_root.tmp" "$keepsake_go_root"
}

keepsake_go || exit 1
export PATH="$keepsake_go_root/bin:$PATH" GOTOOLCHAIN=local

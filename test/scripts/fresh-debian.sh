#!/usr/bin/env bash
# Checks the README's set-up the way a newcomer meets it: builds a fresh Debian bookworm root file
# system (minbase with git and sudo, nothing else) with mmdebstrap from Debian's packages, clones this
# checkout into it, and runs the README's two commands in a chroot with /proc, /sys and /dev bound:
# the demo (with --once, so that it stops and its outcome is the exit status), then every test.
# Reports each command's wall time and exit status, and the disk space the set-up took. Needs root
# and the machine to itself (the real node's address and iptables rules are the host's). Not in CI.
#
#   sudo bash test/scripts/fresh-debian.sh                 # both commands
#   sudo bash test/scripts/fresh-debian.sh --demo-only     # the set-up and the demo
#   KEEPSAKE_FRESH_ROOT=/var/tmp/x sudo bash test/scripts/fresh-debian.sh
set -euo pipefail
source_tree="$(cd "$(dirname "$0")/../.." && pwd)"
demo_only=no
[[ "${1:-}" == "--demo-only" ]] && demo_only=yes
root="${KEEPSAKE_FRESH_ROOT:-/var/tmp/keepsake-fresh-debian}"
mirror="${KEEPSAKE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
report="$root.report"
[[ $(id -u) -eq 0 ]] || { echo "run as root: mmdebstrap and chroot need it" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 1; }

log() { echo "[fresh-debian] $*" | tee -a "$report" >&2; }
mounted=()
cleanup() {
  local m
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

if [[ -e "$root" ]]; then
  echo "$root exists; remove it first (rm -rf $root) so the machine is really fresh" >&2
  exit 1
fi
: >"$report"
started=$(date +%s)
mmdebstrap --variant=minbase --include=git,sudo,ca-certificates \
  --setup-hook='mkdir -p "$1/etc/apt/sources.list.d"' \
  bookworm "$root" "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
  "deb ${mirror%/debian}/debian-security bookworm-security main" >&2
log "Debian bookworm minbase with git and sudo: $(du -sh "$root" | cut -f1) in $(($(date +%s) - started)) s"

# The root a mount point of its own, as on a machine: the kubelet looks its folders up in mountinfo.
mount --bind "$root" "$root"
mounted+=("$root")
mount -t proc proc "$root/proc"
mounted+=("$root/proc")
# Recursively, for /sys/fs/cgroup and /dev/pts; kept from passing unmounts back to the host.
for fs in sys dev; do
  mount --rbind "/$fs" "$root/$fs"
  mount --make-rslave "$root/$fs"
  mounted+=("$root/$fs")
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
# A certificate authority the host's network needs (a TLS-inspecting egress proxy) is part of the
# machine, not of Keepsake's set-up: the fresh system trusts what the host trusts beyond Debian's.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
git clone -q "$source_tree" "$root/root/keepsake"
# What the checkout holds beyond the last commit is part of what is checked.
(cd "$source_tree" && git diff HEAD) | (cd "$root/root/keepsake" && git apply --allow-empty 2>/dev/null || true)

run() {
  local what="$1"
  shift
  local begin status
  begin=$(date +%s)
  log "running: $what"
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    TERM=dumb bash -c "cd /root/keepsake && $*" 2>&1 | tee -a "$root.log" | tail -n 40 >&2
  status=${PIPESTATUS[0]}
  set -e
  log "$what: exit status $status after $(($(date +%s) - begin)) s"
  return "$status"
}

space() {
  log "disk: $(chroot "$root" du -sh /root/.cache /root/.m2 /root/go /usr 2>/dev/null | tr '\n\t' '; ')"
}

demo=0
run "README's first command (set-up and demo): bash test/scripts/local.sh --once" "bash test/scripts/local.sh --once" || demo=$?
space
again=0
run "the same again, on a warm machine" "bash test/scripts/local.sh --once" || again=$?
tests=skipped
if [[ $demo_only == no ]]; then
  tests=0
  run "README's second command (every test): bash test/scripts/test.sh" "bash test/scripts/test.sh" || tests=$?
  space
fi
log "summary: set-up and demo exit $demo, warm demo exit $again, tests exit $tests; full log in $root.log"
[[ $demo -eq 0 && $again -eq 0 && ( $tests == skipped || $tests -eq 0 ) ]]

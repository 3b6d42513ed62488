#!/usr/bin/env bash
# Runs every test of Keepsake: first sets up what the tests need and the machine lacks
# (test/scripts/install-prerequisites.sh: Debian packages, the Go-built control plane, node, kubectl,
# Helm, redis-dump-go and restic; seconds when all is there), then `mvn -B verify` with any arguments
# given, with the restic the runner image carries first on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/scripts/install-prerequisites.sh
PATH="$(dirname "$(bash test/scripts/build-restic.sh)"):$PATH"
export PATH
exec mvn -B verify "$@"

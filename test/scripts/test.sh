#!/usr/bin/env bash
# Runs every test of Keepsake: first sets up what the tests need and the machine lacks
# (test/scripts/install-prerequisites.sh: Debian packages, the Go-built control plane, node, kubectl,
# Helm and redis-dump-go; seconds when all is there), then `mvn -B verify` with any arguments given.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/scripts/install-prerequisites.sh
exec mvn -B verify "$@"

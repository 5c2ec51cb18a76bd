#!/usr/bin/env bash
# `npm run setup`: everything a fresh Debian 12 machine needs after `npm ci`:
# host packages, the native build, and the example base images in the store.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-host-packages.sh
npm run -s build:native
npm run -s build
if [ -x scripts/make-base-images.sh ]; then bash scripts/make-base-images.sh "$@"; fi  # --root DIR, or BERTH_ROOT
echo "berth is ready: try  bin/berth -f examples/quickstart/compose.yaml up"

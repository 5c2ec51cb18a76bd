#!/usr/bin/env bash
# `npm run setup`: everything a fresh Debian 12 machine needs, from a clean
# clone (no node_modules needed): host packages first (the compilers), then
# `npm ci` (the addon, the TypeScript), the native executables, and the
# example base image in the store. One line per phase with its time; the
# phases' own output goes to a log, whose end is shown when a phase fails.
# Idempotent: installed packages, an up-to-date node_modules, addon and
# native/out are left as they are.
# Usage: scripts/setup.sh [--root DIR]   (or BERTH_ROOT=DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "berth needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none)); Debian 12 ships 18: install 20 from NodeSource (deb.nodesource.com) or with nvm (nvm install 20)" >&2
  exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/berth-setup.XXXXXX.log")
phase_n=0
phases=5
# phase NAME CMD...: runs CMD with its output in the log; prints "[n/5] NAME ... 1.2s (note)".
phase() {
  local name=$1; shift
  phase_n=$((phase_n + 1))
  printf '[%d/%d] %-34s' "$phase_n" "$phases" "$name"
  local t0 took note rc=0
  t0=${EPOCHREALTIME/./}
  : >"$log.note"
  echo "=== $name" >>"$log"
  "$@" >>"$log" 2>&1 || rc=$?
  took=$(( (${EPOCHREALTIME/./} - t0) / 100000 ))  # tenths of a second
  took="$((took / 10)).$((took % 10))s"
  note=$(cat "$log.note")
  if [ "$rc" -ne 0 ]; then
    printf ' failed after %s\n\n' "$took"
    tail -n 25 "$log" | sed 's/^/  | /' >&2
    echo "berth setup: $name failed (exit $rc); the whole log is $log" >&2
    rm -f "$log.note"
    exit "$rc"
  fi
  printf ' %7s%s\n' "$took" "${note:+  ($note)}"
}
note() { echo "$*" >"$log.note"; }

host_packages() {
  local missing
  missing=$(bash scripts/install-host-packages.sh --list-missing)
  if [ -z "$missing" ]; then note "all installed"; return 0; fi
  note "installed: $(echo "$missing" | tr '\n' ' ' | sed 's/ $//')"
  bash scripts/install-host-packages.sh
}

npm_deps() {
  # npm ci starts from an empty node_modules (and re-runs the install and
  # prepare scripts): skipped when node_modules already matches the lock file.
  if [ node_modules/.package-lock.json -nt package-lock.json ] && [ node_modules/.package-lock.json -nt package.json ] \
     && [ -f dist/bundle/main.js ]; then
    note "node_modules up to date"; return 0
  fi
  npm ci --no-audit --no-fund --loglevel=error
}

# (set -e does not reach into a function run as `f || rc=$?`: each step returns its failure.)
addon() { local out; out=$(node scripts/addon.mjs) || return; echo "$out"; note "${out##*berth addon: }"; }

build() {
  # `npm ci` ran the prepare script (tsc, bundle) when it ran; tsc is run again
  # only when a source is newer than its output. make is incremental.
  if [ -n "$(find src -newer dist/src/cli/main.js -name '*.ts' -print -quit 2>/dev/null || echo x)" ] || [ ! -f dist/src/cli/main.js ]; then
    npm run -s build:ts || return
  fi
  make -s -C native || return
  note "native/out: $(ls native/out | wc -l) executables"
}

base_images() { local out; out=$(bash scripts/make-base-images.sh "$@") || return; echo "$out"; note "${out##*$'\n'}"; }

echo "berth setup (log: $log)"
phase "host packages (apt)" host_packages
phase "npm dependencies (npm ci)" npm_deps
phase "native addon (node-gyp)" addon
phase "TypeScript and native executables" build
phase "example base image" base_images "$@"
rm -f "$log.note" "$log"
echo "berth is ready: try  bin/berth -f examples/quickstart/compose.yaml up"

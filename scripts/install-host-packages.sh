#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/host-packages.txt (idempotent:
# only the missing ones; apt's output condensed to its errors).
# Usage: install-host-packages.sh [--list-missing]   (--list-missing: print them, install nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t pkgs < <(grep -Ev '^\s*(#|$)' scripts/host-packages.txt)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${1:-}" = "--list-missing" ]; then
  [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
  exit 0
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing ${#missing[@]} Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -o=Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
  # Debian starts these daemons on install; tests start their own on loopback.
  for svc in docker-registry etcd; do $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true; done
fi

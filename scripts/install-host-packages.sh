#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/host-packages.txt (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t pkgs < <(grep -Ev '^\s*(#|$)' scripts/host-packages.txt)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts these daemons on install; tests start their own on loopback.
  for svc in docker-registry etcd; do $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true; done
fi

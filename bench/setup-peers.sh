#!/usr/bin/env bash
# Installs the peers the benchmarks compare against (not needed by CI):
# docker.io (dockerd 20.10) + docker-compose 1.29, podman + podman-compose,
# and the tools of the other cases. Idempotent: installs only what is missing,
# and asks apt for its lists only then. Configures nothing system-wide: the
# bench starts its own private dockerd and podman (bench/peers/*.mjs).
set -euo pipefail

packages=(
  docker.io docker-compose            # up-down, config, ps, version
  podman podman-compose netavark       # up-down, ps
  aardvark-dns catatonit               # podman: name server, init for `init: true`
  runc crun conmon skopeo umoci iperf3 socat hyperfine
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup-peers: all installed"
  exit 0
fi
echo "setup-peers: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"


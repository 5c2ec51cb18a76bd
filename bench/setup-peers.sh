#!/usr/bin/env bash
# Installs the peers the benchmarks compare against (not needed by CI).
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose podman podman-compose runc crun conmon skopeo umoci iperf3 socat hyperfine

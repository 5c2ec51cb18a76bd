#!/bin/bash
# Times `berth network create` and `berth network rm` (N rounds each) inside a
# throwaway network namespace, first on a bare host, then with an iptables-nft
# filter table whose FORWARD policy is DROP (as dockerd leaves it). Prints the
# median and the best of each, in ms. Compare two builds side by side by
# passing each one's bin/berth.
#   usage: bench/network-create.sh [path/to/bin/berth] [rounds]
set -euo pipefail
BERTH=${1:-$(dirname "$0")/../bin/berth}
N=${2:-20}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/run.sh" <<'INNER'
set -euo pipefail
BERTH=$1; N=$2; TMP=$3
ip link set lo up
export BERTH_ROOT=$TMP/root BERTH_NFT_TABLE=bench$$ BERTH_DNS_UPSTREAMS=127.0.0.1:9
ms() { date +%s%N; }
stats() { sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, best %.1f ms", a[int((NR+1)/2)]/1e6, a[1]/1e6}'; }
round() {
  : >"$TMP/c"; : >"$TMP/r"
  for i in $(seq 1 "$N"); do
    t0=$(ms); "$BERTH" network create "n$i" >/dev/null; t1=$(ms); "$BERTH" network rm "n$i" >/dev/null; t2=$(ms)
    echo $((t1 - t0)) >>"$TMP/c"; echo $((t2 - t1)) >>"$TMP/r"
  done
  echo "$1: create $(stats <"$TMP/c"); rm $(stats <"$TMP/r")"
}
round "bare host           "
iptables -P FORWARD DROP
round "iptables FORWARD DROP"
INNER
unshare -n bash "$TMP/run.sh" "$BERTH" "$N" "$TMP"

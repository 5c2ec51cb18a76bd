#!/usr/bin/env bash
# Makes the example base image berth-examples/busybox:latest in the berth image
# store, offline, from Debian's busybox-static (/bin/busybox): a root
# filesystem with busybox and its applet links, imported with
# `berth image import`. Reproducible: SOURCE_DATE_EPOCH is the busybox
# binary's mtime, so the same busybox always gives the same image ID, and a
# second run changes nothing.
# Usage: scripts/make-base-images.sh [--root DIR]   (or BERTH_ROOT=DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
root_args=()
if [ "${1:-}" = "--root" ]; then root_args=(--root "$2"); fi
busybox=${BUSYBOX:-/bin/busybox}
ref=berth-examples/busybox:latest
if [ ! -x "$busybox" ]; then
  echo "make-base-images: $busybox not found: install busybox-static" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,root,home,proc,sys,dev,run,var/tmp,usr/bin,usr/sbin,sbin}
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
chmod 700 "$rootfs/root"
id=$(SOURCE_DATE_EPOCH=$(stat -c %Y "$busybox") bin/berth "${root_args[@]}" image import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["sh"]' \
  --message "busybox $("$busybox" | head -1 | awk '{print $2}') from Debian busybox-static" \
  "$rootfs" "$ref")
echo "made $ref ($id)"

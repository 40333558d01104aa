#!/usr/bin/env bash
# Debian 13 check (issue 13): `make setup && make test` in a fresh clone inside a Debian 13
# "trixie" chroot (QGIS 3.40, Python 3.13, numpy 2), with ../shared beside the clone, as root,
# exactly as CI runs on Debian 12. Not part of .ci/run: the first run takes several minutes.
#
#   scripts/check_debian13.sh [CHECKOUT [REF]]
#
# CHECKOUT: the git checkout to clone (default: this one); REF: the commit to test (default: its
# HEAD). Only committed work is tested. Environment:
#   CHROOT  the chroot (default /work/chroots/trixie): made by debootstrap (minbase + make) on
#           the first run and reused after, with its apt and pip caches
#   FRESH=1 throw the chroot away first and build it anew (a bare Debian 13 again)
#   SHARED  the data folder put beside the clone, read-only (default CHECKOUT/../shared)
#   SUITE   the Debian release (default trixie)
#   LOG     the whole output (default CHROOT.log)
# Needs root, debootstrap (apt-get install debootstrap) and Debian's mirrors.
set -euo pipefail

SUITE=${SUITE:-trixie}
CHROOT=${CHROOT:-/work/chroots/$SUITE}
CHECKOUT=$(cd "${1:-$(dirname "$0")/..}" && pwd)
COMMIT=$(git -C "$CHECKOUT" rev-parse --verify "${2:-HEAD}^{commit}")
SHARED=$(cd "${SHARED:-$CHECKOUT/../shared}" && pwd -P)
LOG=${LOG:-$CHROOT.log}
WORK=$CHROOT/work/check  # the clone is $WORK/mmcanet, the data $WORK/shared

[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap, chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "apt-get install debootstrap" >&2; exit 1; }
case "$CHROOT" in "$CHECKOUT"/*) echo "CHROOT must be outside the checkout" >&2; exit 1;; esac

mounted() { findmnt -rno TARGET | grep -q "^$CHROOT\(/\|$\)"; }
MOUNTS=()
mount_in() {  # mount_in TARGET ARGS...: mount, and remember it for cleanup
    mkdir -p "$1"
    mount "${@:2}" "$1"
    MOUNTS+=("$1")
}
cleanup() {
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}"
    done
}
trap cleanup EXIT

if mounted; then
    echo "something is still mounted under $CHROOT (another run?): see findmnt" >&2
    exit 1
fi
if [ "${FRESH:-0}" = 1 ] && [ -d "$CHROOT" ]; then
    echo "removing $CHROOT"
    rm -rf --one-file-system "$CHROOT"
fi
if [ ! -e "$CHROOT/.debootstrap-done" ]; then
    echo "debootstrap $SUITE -> $CHROOT"
    rm -rf --one-file-system "$CHROOT"
    mkdir -p "$(dirname "$CHROOT")"
    debootstrap --variant=minbase --include=make "$SUITE" "$CHROOT"
    touch "$CHROOT/.debootstrap-done"
fi
# No services start inside the chroot during apt installs.
printf '#!/bin/sh\nexit 101\n' > "$CHROOT/usr/sbin/policy-rc.d"
chmod +x "$CHROOT/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"

mount_in "$CHROOT/proc" -t proc proc
mount_in "$CHROOT/sys" --bind /sys
mount_in "$CHROOT/dev" --bind /dev
mount_in "$CHROOT/dev/pts" --bind /dev/pts
mount_in "$CHROOT/dev/shm" -t tmpfs shm
mount_in "$WORK/shared" --bind -o ro "$SHARED"

# Trust what the host trusts: its local CAs (e.g. a proxy's) in /usr/local/share/ca-certificates
# go into the chroot's store when Debian's ca-certificates package builds it (or rebuilds it now).
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$CHROOT/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$CHROOT/usr/local/share/ca-certificates/"
    if [ -x "$CHROOT/usr/sbin/update-ca-certificates" ]; then
        chroot "$CHROOT" /usr/sbin/update-ca-certificates >/dev/null 2>&1
    fi
fi

rm -rf --one-file-system "$WORK/mmcanet"
git clone -q --no-hardlinks "$CHECKOUT" "$WORK/mmcanet"
git -C "$WORK/mmcanet" checkout -q --detach "$COMMIT" 2>/dev/null || {
    git -C "$WORK/mmcanet" fetch -q origin "$COMMIT"
    git -C "$WORK/mmcanet" checkout -q --detach "$COMMIT"
}
echo "testing $COMMIT of $CHECKOUT in $SUITE; log: $LOG"

chroot "$CHROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI=true \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c '
        set -eo pipefail
        cd /work/check/mmcanet
        . /etc/os-release; echo "== $PRETTY_NAME"
        start=$SECONDS; make setup; echo "== make setup: $((SECONDS - start)) s"
        /usr/bin/python3 -c "import sys, numpy, qgis.core as q; print(\"== Python\", sys.version.split()[0], \"numpy\", numpy.__version__, \"QGIS\", q.Qgis.QGIS_VERSION)"
        start=$SECONDS; make test; echo "== make test: $((SECONDS - start)) s"
    ' 2>&1 | tee "$LOG"

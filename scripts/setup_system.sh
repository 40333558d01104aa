#!/usr/bin/env bash
# `make setup`'s system part: install the Debian packages given as arguments that are missing
# (as root, or with sudo). Without apt (another distribution) it only checks that
# /usr/bin/python3 has QGIS's Python bindings, numpy and venv, and says what is needed if not.
set -euo pipefail
missing=()
for package in "$@"; do
    dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed' \
        || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
    /usr/bin/python3 -c 'import qgis.core, numpy, venv' 2>/dev/null && exit 0
    echo "make setup needs QGIS >= 3.22 with its Python bindings, numpy and Python's venv" \
         "module for /usr/bin/python3 (on Debian: ${missing[*]})." >&2
    exit 1
fi
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
echo "apt-get install ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null

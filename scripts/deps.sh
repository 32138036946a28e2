#!/usr/bin/env bash
# Installs the Debian packages of scripts/packages.txt that are missing; does nothing when all are present.
# Idempotent and non-interactive; runs `apt-get update` at most once. Needs root (or says what to run).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
list="$here/packages.txt"

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# nodejs brings npm on this platform; Debian's separate npm package conflicts with it and is never installed.
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "deps: not root; run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
# Update the package lists once, only when they are absent or an install fails for want of them.
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
  $SUDO apt-get update -q
  updated=1
else
  updated=0
fi
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  if [ "$updated" -eq 0 ]; then
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    exit 1
  fi
fi
echo "deps: installed ${#missing[@]} package(s)"

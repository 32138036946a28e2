#!/bin/sh
# Runs the Node.js interop tests: installs the pinned SDK with `npm ci` when node_modules is missing
# or older than package-lock.json, then `node --test`. Needs COSD_PATH (set by ctest).
set -e
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
exec node --test

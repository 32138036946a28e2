#!/usr/bin/env bash
# `make run`: shows the product doing its main job with what is built so far.
set -euo pipefail
build=${1:-build}
echo "== Signing and verifying a COS request (shared core of libcos and cosd) =="
"$build/examples/sign_request"

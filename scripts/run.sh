#!/usr/bin/env bash
# `make run`: starts cosd on a free loopback port with a temporary data dir and walks through the
# quick start with the cos tool: bucket, upload, list, download with checksum check, presigned URL,
# audio moderation of spoken clips, cleanup. Exits non-zero if any step fails. KEEP=1 leaves cosd running and says how to use it.
set -euo pipefail
build=${1:-build}
cosd="$build/src/server/cosd"
cos="$build/src/cli/cos"
work=$(mktemp -d -t cos-run.XXXXXX)
cosd_pid=
cleanup() {
  if [ -n "$cosd_pid" ] && [ "${KEEP:-0}" != 1 ]; then kill "$cosd_pid" 2>/dev/null || true; wait "$cosd_pid" 2>/dev/null || true; fi
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
step() { if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Starting cosd (local COS server) on a free loopback port, data in $work/data"
secret_id="AKID$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
secret_key="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$cosd" --listen 127.0.0.1:0 --data "$work/data" --account "1250000000:$secret_id:$secret_key" >"$work/cosd.out" 2>"$work/cosd.log" &
cosd_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/cosd.out" 2>/dev/null && break; sleep 0.05; done
endpoint=$(sed -n 's/^cosd listening on \(http:\/\/[^ ]*\).*/\1/p' "$work/cosd.out")
[ -n "$endpoint" ] || { echo "cosd did not start:"; cat "$work/cosd.log"; exit 1; }
cat "$work/cosd.out"
export COS_ENDPOINT="$endpoint" COS_SECRET_ID="$secret_id" COS_SECRET_KEY="$secret_key" COS_APPID=1250000000
export HOME="$work"  # keep the user's ~/.cos.conf out of the demo

step "Creating a bucket"
run "$cos" mb cos://quickstart

step "Uploading a 5 MiB file"
head -c $((5 * 1024 * 1024)) /dev/urandom >"$work/report.bin"
printf 'Quarterly numbers, draft 3\n' >"$work/notes 2026.txt"
run "$cos" cp "$work/report.bin" cos://quickstart/docs/
run "$cos" cp "$work/notes 2026.txt" cos://quickstart/docs/

step "Listing the bucket"
run "$cos" ls -r cos://quickstart

step "Downloading and checking the content"
run "$cos" cp cos://quickstart/docs/report.bin "$work/report.back"
if cmp -s "$work/report.bin" "$work/report.back"; then
  echo "sha256 $(sha256sum <"$work/report.back" | cut -c1-16)... matches the original"
else
  echo "downloaded file differs from the original"; exit 1
fi
run "$cos" stat cos://quickstart/docs/report.bin

step "Sharing with a presigned URL (valid 10 minutes), fetched with plain curl"
url=$("$cos" presign --expires 600 "cos://quickstart/docs/notes 2026.txt")
echo "$url"
printf 'curl says: %s' "$(curl -sf "$url")"
echo

step "Moderating speech: spoken clips audited by cosd's CI audio moderation (PocketSphinx + keyword libraries)"
echo "Hello and welcome. Buy now and get fifty percent off, call this number today." |
  text2wave -eval '(voice_cmu_us_slt_arctic_hts)' -o "$work/advert.wav"
echo "The weather is lovely today, so we walked along the river and had lunch." |
  text2wave -eval '(voice_cmu_us_slt_arctic_hts)' -o "$work/walk.wav"
run "$cos" audit "$work/advert.wav" --bucket cos://quickstart --wait
run "$cos" audit "$work/walk.wav" --bucket cos://quickstart --wait

if [ "${KEEP:-0}" = 1 ]; then
  step "cosd keeps running (pid $cosd_pid); stop it with: kill $cosd_pid"
  cat <<TXT
Point the cos tool at it:
  export COS_ENDPOINT=$endpoint COS_SECRET_ID=$secret_id COS_SECRET_KEY=$secret_key COS_APPID=1250000000
  $cos ls cos://quickstart
Official SDKs: use $endpoint as the HTTP proxy (Node.js: new COS({SecretId, SecretKey, Proxy: '$endpoint'})),
or endpoint localhost:${endpoint##*:} (C SDK) with the same SecretId/SecretKey.
TXT
  exit 0
fi

step "Cleaning up"
run "$cos" rm -r cos://quickstart/
run "$cos" rb cos://quickstart
echo
echo "Done: cosd served the whole quick start on $endpoint."

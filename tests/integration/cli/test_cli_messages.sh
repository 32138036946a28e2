#!/usr/bin/env bash
# Integration test of what the cos tool tells people and programs, against a real cosd: missing objects
# and buckets named with the right code, every kind of error as JSON under --json, exit status 2 when
# nothing was sent, -v request lines, byte totals of server-side copies, what cp -r skips and why, one
# writer per local target, and no internal paths in moderation failures.
# usage: test_cli_messages.sh COSD COS
COSD=$(realpath "$1")
COS=$(realpath "$2")
. "$(dirname "$0")/lib.sh"

expect 0 "mb" -- "$COS" mb cos://msgs
printf 'hello\n' >"$work/hello.txt"
expect 0 "put" -- "$COS" --quiet cp "$work/hello.txt" cos://msgs/hello.txt

# Missing things are named, with the code that fits.
expect 1 "stat missing object" -- "$COS" stat cos://msgs/nope.txt
has err "NoSuchKey" "a missing object is NoSuchKey"
has err "nope.txt" "a missing object is named"
expect 1 "stat missing bucket" -- "$COS" stat cos://nobucket/x
has err "NoSuchBucket" "a missing bucket is NoSuchBucket, not NoSuchKey"
has err "nobucket" "a missing bucket is named"
expect 1 "download missing" -- "$COS" cp cos://msgs/nope.txt "$work/nope"
has err "cos://msgs/nope.txt" "a failed download names the object"
expect 1 "ls missing bucket" -- "$COS" ls cos://nobucket/
has err "NoSuchBucket" "ls of a missing bucket"

# --json: errors of every kind are one JSON object on stderr, stdout stays empty.
json_err() { # KIND DESCRIPTION: stderr is one JSON error of that kind
  if python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; sys.exit(0 if e["kind"]==sys.argv[2] and e["message"] else 1)' "$work/err" "$1" 2>/dev/null; then ok; else bad "$2: stderr is not a JSON $1 error: $(cat "$work/err")"; fi
  if [ -s "$work/out" ]; then bad "$2: stdout not empty: $(cat "$work/out")"; else ok; fi
}
expect 2 "json usage" -- "$COS" --json cp a b
json_err usage "usage error"
expect 2 "json unknown command" -- "$COS" --json frobnicate
json_err usage "unknown command"
expect 1 "json local file" -- "$COS" --json cp "$work/does-not-exist" cos://msgs/x
json_err local "missing local file"
expect 1 "json request" -- "$COS" --json stat cos://msgs/nope.txt
json_err request "failed request"
has err '"code":"NoSuchKey"' "JSON request errors carry the code"

# Nothing sent: exit 2.
expect 2 "mb bad name" -- "$COS" mb cos://Bad_Name
has err "Bad_Name" "the bad name is quoted"

# -v: one line per request with method, URL, status, request id and time.
expect 0 "verbose stat" -- "$COS" -v stat cos://msgs/hello.txt
has err 'HEAD http://msgs-1250000000.localhost:[0-9]*/hello.txt -> 200 (request id [^ )]*) [0-9.]* ms' "-v logs the request"

# Server-side copies count their bytes.
expect 0 "cp cos to cos json" -- "$COS" --json cp cos://msgs/hello.txt cos://msgs/copy/hello.txt
has out '"bytes":6' "a server-side copy reports its size"
expect 0 "cp -r cos to cos json" -- "$COS" --json cp -r cos://msgs/copy cos://msgs/copy2/
has out '"files":1,"bytes":6' "cp -r between prefixes reports its bytes"
expect 2 "cp -r into itself" -- "$COS" cp -r cos://msgs/ cos://msgs/inside/
has err "inside the source" "a copy into its own source is refused"

# mb / rb --json: the same keys.
expect 0 "mb json" -- "$COS" --json mb cos://jsonb
has out '^{"bucket":"jsonb","created":true}$' "mb --json"
expect 0 "rb json" -- "$COS" --json rb cos://jsonb
has out '^{"bucket":"jsonb","removed":true}$' "rb --json"

# stat --json: typed fields.
expect 0 "stat json" -- "$COS" --json stat cos://msgs/hello.txt
has out '"size":6,' "stat --json gives the size as a number"
has out '"crc64":"[0-9]*"' "stat --json gives the CRC64"

# cp -r says what it skips and why.
mkdir -p "$work/tree/empty" "$work/tree/full"
printf 'a\n' >"$work/tree/full/a.txt"
ln -s "$work/hello.txt" "$work/tree/link.txt"
mkfifo "$work/tree/pipe"
expect 0 "cp -r with skips" -- "$COS" cp -r "$work/tree" cos://msgs/tree/
has err "skipped $work/tree/link.txt: a symbolic link" "symlinks are reported"
has err "skipped $work/tree/empty: an empty directory" "empty directories are reported"
has err "skipped $work/tree/pipe: not a regular file" "FIFOs in a tree are reported"
has out "1 file(s), 2 B; 3 skipped" "the summary counts the skips"
expect 0 "cp -r with skips json" -- "$COS" --json cp -r "$work/tree" cos://msgs/tree/
has out '"skipped":\[' "--json lists the skips"
has out '"reason":"a symbolic link' "--json gives each skip's reason"
# A directory placeholder object on the way down.
curl -s -f -X PUT --data-binary '' "$("$COS" presign --method PUT cos://msgs/tree/dir/)" >/dev/null || bad "placeholder put"
expect 0 "cp -r down with placeholder" -- "$COS" cp -r cos://msgs/tree/ "$work/down"
has err "skipped cos://msgs/tree/dir/: a directory placeholder" "placeholders are reported"

# Two runs writing one local file: the second is refused while the first holds it.
head -c $((96 * 1024 * 1024)) /dev/urandom >"$work/big.bin"
expect 0 "put big" -- "$COS" --quiet cp "$work/big.bin" cos://msgs/big.bin
refused=0
for attempt in 1 2 3; do
  rm -f "$work/big.back"
  "$COS" --quiet cp --threshold 1 --part-size 1 --threads 1 cos://msgs/big.bin "$work/big.back" 2>"$work/first.err" &
  first=$!
  for _ in $(seq 1 200); do [ -e "$work/big.back.tmp" ] && break; sleep 0.01; done
  "$COS" --quiet cp cos://msgs/hello.txt "$work/big.back" >"$work/out" 2>"$work/err"
  second=$?
  if kill -0 "$first" 2>/dev/null; then
    wait "$first" || bad "the first download failed: $(cat "$work/first.err")"
    if [ "$second" -eq 1 ] && grep -q "being written by another cos run" "$work/err"; then ok; else bad "a second writer of one target was not refused (exit $second): $(cat "$work/err")"; fi
    same "$work/big.bin" "$work/big.back" "the first download is intact"
    refused=1
    break
  fi
  wait "$first"
done
[ "$refused" = 1 ] || bad "the first download always finished before the second began: could not test the lock"
expect 0 "after the lock" -- "$COS" --quiet cp cos://msgs/hello.txt "$work/big.back"
same "$work/hello.txt" "$work/big.back" "the target is free again afterwards"

# Moderation failures name the object, not cosd's internal file.
if command -v ffmpeg >/dev/null; then
  ffmpeg -loglevel error -f lavfi -i color=c=red:s=16x16 -frames:v 1 "$work/x.jpg"
  expect 1 "audit a jpeg" -- "$COS" audit "$work/x.jpg" --bucket cos://msgs --wait
  hasnt out "/proc/" "no internal path in the failure"
  hasnt err "/proc/" "no internal path in the failure (stderr)"
  has out "audit/x.jpg" "the failure names the object"
fi

finish

#!/usr/bin/env bash
# Integration test of the cos tool's timeouts and unfinished uploads against a real cosd: a server
# that never answers fails in bounded time naming the endpoint; lsparts / abort list and remove
# abandoned multipart uploads; rb says what keeps a bucket and rb --force empties and removes it.
# usage: test_cli_uploads.sh COSD COS
COSD=$(realpath "$1")
COS=$(realpath "$2")
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 1

# ---- Timeouts: a loopback server that accepts connections and never answers.
python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); conns=[]; [conns.append(s.accept()) for _ in iter(int,1)]' \
  >"$work/silent.port" &
silent_pid=$!
trap 'kill "$silent_pid" 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do [ -s "$work/silent.port" ] && break; sleep 0.05; done
sport=$(cat "$work/silent.port")
[ -n "$sport" ] || { echo "the silent server did not start" >&2; exit 1; }

t0=$(date +%s)
expect 1 "ls against a silent server (default timeout)" -- "$COS" --endpoint "http://127.0.0.1:$sport" ls cos://b
t=$(($(date +%s) - t0))
echo "silent server, default timeout: ${t} s"
if [ "$t" -lt 60 ]; then ok; else bad "default timeout took $t s (wanted < 60)"; fi
has err "timed out" "the message says it timed out"
has err "http://127.0.0.1:$sport" "the message names the endpoint"

t0=$(date +%s)
expect 1 "ls against a silent server (--timeout 3)" -- "$COS" --timeout 3 --endpoint "http://127.0.0.1:$sport" ls cos://b
t=$(($(date +%s) - t0))
echo "silent server, --timeout 3: ${t} s"
if [ "$t" -lt 15 ]; then ok; else bad "--timeout 3 took $t s (wanted < 15)"; fi
has err "timed out" "--timeout 3: the message says it timed out"
has err "cannot reach endpoint http://127.0.0.1:$sport" "--timeout 3: the message names the endpoint"

# The same limit from the environment.
t0=$(date +%s)
COS_TIMEOUT=2 expect 1 "COS_TIMEOUT=2" -- "$COS" --endpoint "http://127.0.0.1:$sport" ls cos://b
t=$(($(date +%s) - t0))
if [ "$t" -lt 12 ]; then ok; else bad "COS_TIMEOUT=2 took $t s (wanted < 12)"; fi
kill "$silent_pid" 2>/dev/null

expect 2 "--timeout abc" -- "$COS" --timeout abc ls
has err "invalid timeout 'abc'" "--timeout abc names the value"
expect 2 "--timeout 0" -- "$COS" --timeout 0 ls
expect 2 "--timeout=-5" -- "$COS" --timeout=-5 ls
expect 2 "--timeout 3x" -- "$COS" --timeout 3x ls
expect 2 "--timeout without a value" -- "$COS" ls --timeout
COS_TIMEOUT=soon expect 2 "COS_TIMEOUT=soon" -- "$COS" ls
# After `audit`, --timeout is still audit's own limit on --wait (its own check rejects abc).
expect 2 "audit ... --wait --timeout abc" -- "$COS" audit cos://stuck/k --wait --timeout abc
has err "\-\-timeout must be a positive number" "audit sees its own --timeout"
hasnt err "invalid timeout" "audit's --timeout is not the request timeout"
# A working server is unaffected by a short timeout.
expect 0 "mb with --timeout 1" -- "$COS" --timeout 1 mb cos://stuck
expect 0 "ls with --timeout 1" -- "$COS" --timeout 1 ls cos://stuck

# ---- Abandoned multipart uploads.
head -c $((3 * 1024 * 1024)) /dev/urandom >"$work/big"
# abandon BUCKET KEY: starts a streamed multipart upload (1 MiB parts) from a FIFO, waits until
# lsparts shows it, and kills the cp with SIGKILL (no chance to abort it). A stream keeps no
# checkpoint, so nothing is left in ~/.cache/cos.
abandon() {
  local bucket=$1 key=$2
  rm -f "$work/fifo"
  mkfifo "$work/fifo"
  "$COS" --quiet cp --part-size 1 "$work/fifo" "cos://$bucket/$key" 2>"$work/cp.err" &
  local cp_pid=$!
  exec 3>"$work/fifo"
  head -c $((2 * 1024 * 1024 + 100)) "$work/big" >&3
  local n=0
  for _ in $(seq 1 200); do
    n=$("$COS" --json lsparts "cos://$bucket/$key" | grep -o '"upload_id"' | wc -l)
    [ "$n" -ge 1 ] && break
    sleep 0.05
  done
  kill -9 "$cp_pid" 2>/dev/null
  wait "$cp_pid" 2>/dev/null
  exec 3>&-
  rm -f "$work/fifo"
  if [ "$n" -ge 1 ]; then ok; else bad "no unfinished upload of $key appeared: $(cat "$work/cp.err")"; fi
}

abandon stuck one
expect 0 "ls of a bucket with only an unfinished upload" -- "$COS" ls cos://stuck
has out "^0 object(s)" "ls shows 0 objects"
expect 1 "rb of a bucket with an unfinished upload" -- "$COS" rb cos://stuck
has err "0 objects and 1 unfinished upload" "rb says what is in the bucket"
has err "cos abort -r cos://stuck" "rb says how to abort the upload"
has err "cos rb --force cos://stuck" "rb mentions --force"
expect 1 "rb --json of a bucket with an unfinished upload" -- "$COS" --json rb cos://stuck
has err '"uploads":1' "rb --json counts the upload"
has err '"code":"BucketNotEmpty"' "rb --json keeps the error code"

expect 0 "lsparts" -- "$COS" lsparts cos://stuck
has out "cos://stuck/one" "lsparts lists the key"
has out "^1 unfinished upload$" "lsparts counts it"
expect 0 "lsparts --json" -- "$COS" --json lsparts cos://stuck
has out '"uploads":\[{"key":"one","upload_id":"[^"]*","initiated":"[^"]*"}\]' "lsparts --json shape"
id=$(sed -n 's/.*"upload_id":"\([^"]*\)".*/\1/p' "$work/out")
[ -n "$id" ] && ok || bad "no upload id in $(cat "$work/out")"
expect 0 "lsparts of another prefix" -- "$COS" --json lsparts cos://stuck/other
has out '"uploads":\[\]' "lsparts of another prefix is empty"

expect 2 "abort without --upload-id or -r" -- "$COS" abort cos://stuck/one
expect 2 "abort with both --upload-id and -r" -- "$COS" abort -r --upload-id "$id" cos://stuck/one
expect 2 "abort --upload-id of a bucket" -- "$COS" abort --upload-id "$id" cos://stuck
expect 1 "abort of an unknown upload id" -- "$COS" abort --upload-id nosuchid cos://stuck/one
has err "NoSuchUpload" "abort of an unknown id says so"
expect 0 "abort --upload-id" -- "$COS" abort --upload-id "$id" cos://stuck/one
has out "aborted upload $id of cos://stuck/one" "abort says what it aborted"
expect 0 "lsparts after abort" -- "$COS" --json lsparts cos://stuck
has out '"uploads":\[\]' "the upload is gone"

abandon stuck two/a
abandon stuck two/b
abandon stuck three
expect 0 "abort -r of a prefix" -- "$COS" abort -r cos://stuck/two/
has out "aborted 2 unfinished uploads under cos://stuck/two/" "abort -r counts the prefix's uploads"
expect 0 "lsparts after abort -r of a prefix" -- "$COS" lsparts cos://stuck
has out "cos://stuck/three" "abort -r leaves other prefixes"
hasnt out "cos://stuck/two/" "abort -r removed the prefix's uploads"
expect 0 "abort --all --json" -- "$COS" --json abort --all cos://stuck
has out '"aborted":\[{"key":"three","upload_id":"[^"]*"}\],"count":1' "abort --json shape"
expect 0 "abort -r with nothing left" -- "$COS" abort -r cos://stuck
has out "aborted 0 unfinished uploads" "abort -r of nothing says 0"
expect 0 "rb of the emptied bucket" -- "$COS" rb cos://stuck

# ---- rb --force: objects and an unfinished upload.
expect 0 "mb full" -- "$COS" mb cos://full
for k in a.txt b.txt dir/c.txt; do
  echo "$k" >"$work/small"
  expect 0 "cp $k" -- "$COS" --quiet cp "$work/small" "cos://full/$k"
done
abandon full pending
expect 1 "rb of a bucket with objects and an upload" -- "$COS" rb cos://full
has err "3 objects and 1 unfinished upload" "rb counts both"
expect 0 "rb --force" -- "$COS" rb --force cos://full
has out "removing 3 objects and 1 unfinished upload from cos://full" "rb --force says how many"
has out "removed cos://full" "rb --force removes the bucket"
expect 0 "ls buckets" -- "$COS" ls
hasnt out "cos://full" "the bucket is gone"
expect 1 "ls of the removed bucket" -- "$COS" ls cos://full
has err "NoSuchBucket" "ls of the removed bucket says so"
expect 0 "rb --force of an empty bucket" -- "$COS" mb cos://empty
expect 0 "rb -f of an empty bucket" -- "$COS" rb -f cos://empty
hasnt out "removing" "rb -f of an empty bucket has nothing to say about contents"

# --help of each new command.
expect 0 "lsparts --help" -- "$COS" lsparts --help
has out "usage: cos lsparts" "lsparts --help"
expect 0 "abort --help" -- "$COS" abort --help
has out "usage: cos abort" "abort --help"
expect 0 "rb --help" -- "$COS" rb --help
has out "\-\-force" "rb --help mentions --force"
expect 0 "cos --help" -- "$COS" --help
has out "\-\-timeout SECONDS" "cos --help mentions --timeout"

finish

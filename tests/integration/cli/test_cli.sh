#!/usr/bin/env bash
# Integration test of the cos command-line tool against a real cosd on a free loopback port: every
# command in human and --json modes, a recursive round trip of a tree with nested and non-ASCII names,
# error reporting with COS error codes, and usage errors (exit status 2).
# usage: test_cli.sh COSD COS
COSD=$1
COS=$2
. "$(dirname "$0")/lib.sh"
# Settings through `cos config` (file mode 0600), then plain commands.
expect 0 "config" -- "$COS" config --endpoint "http://127.0.0.1:$port" --secret-id AKIDclitest \
  --secret-key clisecretkey --appid 1250000000
if [ "$(stat -c %a "$HOME/.cos.conf")" = 600 ]; then ok; else bad "config file mode $(stat -c %a "$HOME/.cos.conf")"; fi

expect 0 "mb" -- "$COS" mb cos://clitest
has out "created cos://clitest" "mb output"
expect 1 "mb twice" -- "$COS" mb cos://clitest
has err "BucketAlreadyOwnedByYou" "mb twice reports the COS code"
has err "request id" "errors carry the request id"
expect 0 "ls buckets json" -- "$COS" ls --json
has out '"name":"clitest-1250000000"' "ls --json lists the bucket"

# A tree with nested directories, spaces and non-ASCII names, and binary content.
src="$work/src"
mkdir -p "$src/a/b c" "$src/中文 目录" "$src/empty"
head -c 300000 /dev/urandom >"$src/a/b c/random.bin"
printf 'hello\n' >"$src/a/top.txt"
printf 'ünïcödé\n' >"$src/中文 目录/文件 1.txt"
: >"$src/zero-bytes"
expect 0 "cp -r up" -- "$COS" --quiet cp -r "$src" cos://clitest/tree/
expect 0 "ls -r json" -- "$COS" ls -r --json cos://clitest/tree/
for k in 'tree/a/b c/random.bin' 'tree/a/top.txt' 'tree/中文 目录/文件 1.txt' 'tree/zero-bytes'; do
  has out "\"key\":\"$k\"" "uploaded key $k"
done
expect 0 "ls dirs" -- "$COS" ls cos://clitest/tree/
has out "DIR cos://clitest/tree/a/" "ls shows directories"
expect 0 "cp -r down" -- "$COS" --quiet cp -r cos://clitest/tree/ "$work/back"
if diff -r "$src" "$work/back" >/dev/null 2>&1 || diff -r <(cd "$src" && find . -type f | sort | xargs -d '\n' sha256sum) \
   <(cd "$work/back" && find . -type f | sort | xargs -d '\n' sha256sum) >/dev/null; then ok; else bad "tree round trip differs"; fi
expect 0 "single download" -- "$COS" cp "cos://clitest/tree/中文 目录/文件 1.txt" "$work/one.txt"
if cmp -s "$work/one.txt" "$src/中文 目录/文件 1.txt"; then ok; else bad "single download differs"; fi
expect 0 "cp cos->cos" -- "$COS" cp cos://clitest/tree/a/top.txt cos://clitest/copy/
expect 0 "stat" -- "$COS" stat cos://clitest/copy/top.txt
has out "Content-Length: *6" "stat shows the size"
has out "x-cos-hash-crc64ecma" "stat shows the CRC64"
expect 0 "stat json" -- "$COS" --json stat cos://clitest/copy/top.txt
has out '"ETag":"\\"b1946ac92492d2347c6235b4d2611184\\""' "stat --json ETag is the MD5"
expect 1 "stat missing" -- "$COS" stat cos://clitest/nope
expect 0 "presign" -- "$COS" presign --expires 60 cos://clitest/copy/top.txt
url=$(cat "$work/out")
if [ "$(curl -s "$url")" = hello ]; then ok; else bad "presigned URL does not fetch the object"; fi
expect 0 "presign put" -- "$COS" presign --method PUT cos://clitest/put.txt
if curl -s -f -X PUT --data-binary 'via url' "$(cat "$work/out")" >/dev/null; then ok; else bad "presigned PUT"; fi
# Audio moderation: a spoken advertisement, uploaded and audited; the verdict comes from the sound.
echo "Hello and welcome. Buy now and get fifty percent off, call this number today." |
  text2wave -eval '(voice_cmu_us_slt_arctic_hts)' -o "$work/spoken.wav" 2>/dev/null
expect 0 "audit local file" -- "$COS" --json audit "$work/spoken.wav" --bucket cos://clitest --wait
has out '"State":"Success"' "audit --json reports success"
has out '"Label":"Ads"' "audit finds the advertisement"
has out '"Object":"audit/spoken.wav"' "audit uploaded the file first"
expect 0 "audit object human" -- "$COS" audit cos://clitest/audit/spoken.wav --wait
has out "Result: *1 (violating)" "human verdict shows the result"
has out "hits: .*percent off" "human verdict lists the hits of the section"
expect 0 "audit without wait" -- "$COS" audit cos://clitest/audit/spoken.wav
has out "^sa[0-9a-f]\{32\} Submitted" "audit without --wait prints the JobId"
expect 1 "audit missing object" -- "$COS" audit cos://clitest/no-such.wav --wait
has err "ResourceNotFound" "audit of a missing object reports ResourceNotFound"
# A multipart object (parts of 1 MiB) is moderated from all its parts: 44.1 kHz stereo makes the clip
# bigger than one part.
sox "$work/spoken.wav" -r 44100 -c 2 "$work/spoken-big.wav" pad 0 3
expect 0 "cp multipart" -- "$COS" --quiet cp --threshold 1 --part-size 1 "$work/spoken-big.wav" cos://clitest/mp/speech.wav
expect 0 "stat multipart" -- "$COS" --json stat cos://clitest/mp/speech.wav
has out '"ETag":"\\"[0-9a-f]*-[0-9]*\\""' "the object was uploaded in parts"
expect 0 "audit multipart object" -- "$COS" --json audit cos://clitest/mp/speech.wav --wait
has out '"Label":"Ads"' "audit of a multipart object finds the advertisement"
expect 2 "cp bad part size" -- "$COS" cp --part-size 0 "$work/spoken.wav" cos://clitest/x
expect 2 "audit local without bucket" -- "$COS" audit "$work/spoken.wav"
expect 2 "audit nothing" -- "$COS" audit

# Large files go in parallel parts with a checkpoint: a copy killed mid-way is run again and finishes,
# byte-exact, leaving no checkpoint behind.
head -c $((80 * 1024 * 1024)) /dev/urandom >"$work/big.bin"
"$COS" --quiet cp "$work/big.bin" cos://clitest/big.bin >/dev/null 2>&1 &
cp_pid=$!
sleep 0.4
kill -9 "$cp_pid" 2>/dev/null
wait "$cp_pid" 2>/dev/null
expect 0 "cp large after kill" -- "$COS" --quiet cp "$work/big.bin" cos://clitest/big.bin
expect 0 "cp large down" -- "$COS" --quiet cp cos://clitest/big.bin "$work/big.back"
if cmp -s "$work/big.bin" "$work/big.back"; then ok; else bad "large file round trip differs"; fi
if ls "$HOME"/.cache/cos/*.cp >/dev/null 2>&1; then bad "checkpoint files left: $(ls "$HOME"/.cache/cos)"; else ok; fi
expect 0 "stat large" -- "$COS" stat cos://clitest/big.bin
has out "Content-Length: *83886080" "large object has the whole size"
rm -f "$work/big.bin" "$work/big.back"

expect 0 "rm" -- "$COS" rm cos://clitest/copy/top.txt
expect 0 "rm -r json" -- "$COS" --json rm -r cos://clitest/
has out '"removed":\[' "rm -r --json lists removed keys"
expect 0 "rb" -- "$COS" rb cos://clitest
expect 1 "rb missing" -- "$COS" rb cos://clitest
has err "NoSuchBucket" "rb missing reports NoSuchBucket"

# Wrong credentials: the COS error code, exit 1.
expect 1 "wrong key" -- "$COS" --secret-key wrong ls
has err "SignatureDoesNotMatch" "wrong key reports SignatureDoesNotMatch"
# Usage errors: exit 2, a message, nothing sent.
expect 2 "no command" -- "$COS"
expect 2 "unknown command" -- "$COS" frobnicate
has err "unknown command" "unknown command message"
expect 2 "cp local local" -- "$COS" cp a b
expect 2 "bad uri" -- "$COS" stat s3://x/y
expect 2 "rm bucket without -r" -- "$COS" rm cos://clitest
expect 2 "presign bad method" -- "$COS" presign --method POST cos://b/k
expect 2 "missing flag value" -- "$COS" ls --endpoint
expect 0 "help" -- "$COS" --help
has out "usage: cos" "help text"
expect 0 "cmd help" -- "$COS" cp --help
HOME="$work/nohome" expect 2 "no endpoint" -- "$COS" ls
has err "no endpoint" "missing endpoint explains what to do"

finish

#!/usr/bin/env bash
# Integration test of the cos tool's streams against a real cosd: standard input and output ("-"),
# pipes, FIFOs and /dev/stdout are uploaded and downloaded byte for byte, never read as empty and never
# replaced by a rename; a symlink to a regular file keeps its link.
# usage: test_cli_stream.sh COSD COS
COSD=$(realpath "$1")
COS=$(realpath "$2")
. "$(dirname "$0")/lib.sh"

expect 0 "mb" -- "$COS" mb cos://streams
cd "$work" || exit 1

# Small inputs from a pipe, by /dev/stdin and by "-".
echo x | "$COS" --quiet cp /dev/stdin cos://streams/stdin.txt 2>"$work/err"
expect 0 "download stdin.txt" -- "$COS" --quiet cp cos://streams/stdin.txt "$work/stdin.back"
printf 'x\n' >"$work/x.txt"
same "$work/x.txt" "$work/stdin.back" "echo x | cp /dev/stdin"
printf 'dash input\n' | "$COS" --quiet cp - cos://streams/dash.txt 2>"$work/err" && ok || bad "cp - failed: $(cat "$work/err")"
expect 0 "stat dash.txt" -- "$COS" --json stat cos://streams/dash.txt
has out '"Content-Length":"11"' "cp - uploads what was piped"
: | "$COS" --quiet cp - cos://streams/empty 2>"$work/err" && ok || bad "empty stdin: $(cat "$work/err")"
expect 0 "stat empty" -- "$COS" --json stat cos://streams/empty
has out '"Content-Length":"0"' "an empty pipe is an empty object"

# A 40 MiB pipe goes in parts (unknown length), and one ending exactly on a part boundary.
head -c $((40 * 1024 * 1024)) /dev/urandom >"$work/big.bin"
cat "$work/big.bin" | "$COS" --quiet cp --part-size 8 - cos://streams/big.bin 2>"$work/err" && ok || bad "40 MiB pipe: $(cat "$work/err")"
expect 0 "stat big" -- "$COS" --json stat cos://streams/big.bin
has out '"ETag":"\\"[0-9a-f]*-5\\""' "a 40 MiB pipe goes in five 8 MiB parts"
expect 0 "download big" -- "$COS" --quiet cp cos://streams/big.bin "$work/big.back"
same "$work/big.bin" "$work/big.back" "40 MiB pipe round trip"
head -c $((2 * 1024 * 1024)) /dev/urandom >"$work/two.bin"
cat "$work/two.bin" | "$COS" --quiet cp --part-size 1 - cos://streams/two.bin 2>"$work/err" && ok || bad "part boundary: $(cat "$work/err")"
expect 0 "download two" -- "$COS" --quiet cp cos://streams/two.bin "$work/two.back"
same "$work/two.bin" "$work/two.back" "a pipe ending on a part boundary"

# A FIFO as the source.
mkfifo "$work/in.fifo"
(timeout 60 cat "$work/two.bin" >"$work/in.fifo") &
writer=$!
expect 0 "cp fifo" -- "$COS" --quiet cp "$work/in.fifo" cos://streams/fifo.bin
wait "$writer"
expect 0 "download fifo" -- "$COS" --quiet cp cos://streams/fifo.bin "$work/fifo.back"
same "$work/two.bin" "$work/fifo.back" "FIFO upload"

# Standard output: "-" writes the data and nothing else there, and creates no file named "-".
"$COS" cp cos://streams/big.bin - >"$work/dash.out" 2>"$work/err" && ok || bad "cp to -: $(cat "$work/err")"
same "$work/big.bin" "$work/dash.out" "cp cos://... - writes the object to stdout"
if [ -e "$work/-" ]; then bad "cp to - made a file named -"; else ok; fi
"$COS" --json cp cos://streams/dash.txt - >"$work/dash2.out" 2>"$work/err" && ok || bad "cp --json to -"
printf 'dash input\n' >"$work/dash.txt"
same "$work/dash.txt" "$work/dash2.out" "--json keeps stdout for the data"
has err '"bytes":11' "--json summary goes to stderr when stdout carries the data"
"$COS" --quiet cp cos://streams/big.bin - | cat >"$work/piped.out"
same "$work/big.bin" "$work/piped.out" "download into a pipe"
"$COS" --quiet cp cos://streams/empty - >"$work/empty.out" 2>"$work/err" && ok || bad "empty to -"
if [ -f "$work/empty.out" ] && [ ! -s "$work/empty.out" ]; then ok; else bad "empty object to stdout"; fi

# /dev/stdout stays what it is (a symlink), and the data reaches the redirect.
stdout_before=$(stat -c %F /dev/stdout 2>/dev/null)
"$COS" --quiet cp cos://streams/dash.txt /dev/stdout >"$work/devstdout.out" 2>"$work/err" && ok || bad "cp to /dev/stdout: $(cat "$work/err")"
same "$work/dash.txt" "$work/devstdout.out" "cp to /dev/stdout"
if [ "$(stat -c %F /dev/stdout 2>/dev/null)" = "$stdout_before" ]; then ok; else bad "/dev/stdout was replaced"; fi
if ls /dev/stdout.tmp /proc/self/fd/1.tmp >/dev/null 2>&1; then bad "a .tmp beside /dev/stdout"; else ok; fi

# A FIFO in a temporary dir as the destination: written into, still a FIFO afterwards.
mkfifo "$work/out.fifo"
timeout 60 cat "$work/out.fifo" >"$work/fifo.out" &
reader=$!
expect 0 "cp to fifo" -- "$COS" --quiet cp cos://streams/two.bin "$work/out.fifo"
wait "$reader"
same "$work/two.bin" "$work/fifo.out" "download into a FIFO"
if [ -p "$work/out.fifo" ]; then ok; else bad "the FIFO was replaced by a $(stat -c %F "$work/out.fifo")"; fi

# A symlink to a regular file: the file it points at gets the data, the link stays a link.
printf 'old\n' >"$work/target.txt"
ln -s "$work/target.txt" "$work/link.txt"
expect 0 "cp to symlink" -- "$COS" --quiet cp cos://streams/dash.txt "$work/link.txt"
if [ -L "$work/link.txt" ]; then ok; else bad "the symlink was replaced"; fi
same "$work/dash.txt" "$work/target.txt" "download through a symlink"
ln -s "$work/nowhere" "$work/dangling"
expect 1 "cp to dangling symlink" -- "$COS" --quiet cp cos://streams/dash.txt "$work/dangling"
has err "does not exist" "a dangling symlink is named"

# Usage errors: nothing sent.
expect 2 "cp - without key" -- "$COS" cp - cos://streams/
has err "standard input has no name" "cp - needs a key"
expect 2 "cp -r to -" -- "$COS" cp -r cos://streams/ -
expect 1 "cp missing object to -" -- "$COS" cp cos://streams/nope -
if [ -s "$work/out" ]; then bad "a failed download wrote to stdout"; else ok; fi

finish

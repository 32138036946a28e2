#!/usr/bin/env bash
# Integration test of how the cos tool reads a prefix given to -r, against a real cosd: cos://b/p is p
# and everything under p/, never pX...; relative names are never cut inside a name; rm -r counts first,
# has --dry-run, and asks on a terminal unless --force.
# usage: test_cli_prefix.sh COSD COS
COSD=$(realpath "$1")
COS=$(realpath "$2")
. "$(dirname "$0")/lib.sh"

expect 0 "mb" -- "$COS" mb cos://prefixes
put() { printf '%s\n' "$1" | "$COS" --quiet cp - "cos://prefixes/$1" || bad "put $1"; }
for k in 2026/sub 2026/sub/a.txt 2026/sub/deep/b.txt 2026/subway.txt 2026/sub-x/c.txt; do put "$k"; done

# cos -> local: sub beside subway.txt.
expect 0 "cp -r down" -- "$COS" --quiet cp -r cos://prefixes/2026/sub "$work/d/"
got=$(cd "$work/d" && find . -type f | sort | tr '\n' ' ')
if [ "$got" = "./a.txt ./deep/b.txt ./sub " ]; then ok; else bad "cp -r cos://b/2026/sub copied: $got"; fi
printf '2026/sub/deep/b.txt\n' >"$work/want.txt"
same "$work/want.txt" "$work/d/deep/b.txt" "cp -r keeps the content"
# A trailing slash: only what is under it.
expect 0 "cp -r down slash" -- "$COS" --quiet cp -r cos://prefixes/2026/sub/ "$work/e"
got=$(cd "$work/e" && find . -type f | sort | tr '\n' ' ')
if [ "$got" = "./a.txt ./deep/b.txt " ]; then ok; else bad "cp -r cos://b/2026/sub/ copied: $got"; fi
# Into an existing directory: the contents go into it (no extra level).
mkdir -p "$work/exists"
expect 0 "cp -r into existing dir" -- "$COS" --quiet cp -r cos://prefixes/2026/sub/ "$work/exists"
if [ -f "$work/exists/a.txt" ] && [ -f "$work/exists/deep/b.txt" ]; then ok; else bad "cp -r into an existing directory: $(cd "$work/exists" && find .)"; fi

# cos -> cos.
expect 0 "cp -r cos to cos" -- "$COS" --quiet cp -r cos://prefixes/2026/sub cos://prefixes/copy/
expect 0 "ls copy" -- "$COS" --json ls -r cos://prefixes/copy/
for k in copy/a.txt copy/deep/b.txt copy/sub; do has out "\"key\":\"$k\"" "cos->cos copied $k"; done
hasnt out "way.txt" "cos->cos does not copy subway.txt"
hasnt out "c.txt" "cos->cos does not copy sub-x/"

# local -> cos without a trailing slash: under up/, not beside it.
mkdir -p "$work/tree/in"
printf 'x\n' >"$work/tree/in/x.txt"
expect 0 "cp -r up" -- "$COS" --quiet cp -r "$work/tree" cos://prefixes/up
expect 0 "ls up" -- "$COS" --json ls -r cos://prefixes/up/
has out '"key":"up/in/x.txt"' "cp -r dir cos://b/up puts keys under up/"

# rm -r: pre beside prefix.txt and pre-backup/.
for k in pre pre/a.txt pre/b/c.txt pre-backup/b.txt prefix.txt; do put "$k"; done
expect 0 "rm -r --dry-run" -- "$COS" rm -r --dry-run cos://prefixes/pre </dev/null
has out "^3 object(s)" "dry run counts first"
has out "would remove cos://prefixes/pre/b/c.txt" "dry run lists what it would remove"
hasnt out "prefix.txt" "dry run leaves prefix.txt out"
hasnt out "pre-backup" "dry run leaves pre-backup/ out"
expect 0 "ls after dry run" -- "$COS" --json ls -r cos://prefixes/pre
has out '"key":"pre/a.txt"' "dry run removed nothing"
expect 0 "rm -r --json dry" -- "$COS" --json rm -r -n cos://prefixes/pre </dev/null
has out '"count":3,"dry_run":true' "dry run in JSON"
# On a terminal it asks; "n" keeps everything, "y" removes.
if command -v script >/dev/null; then
  printf 'n\n' | script -qec "$COS rm -r cos://prefixes/pre" /dev/null >"$work/tty.out" 2>&1
  if grep -q "remove 3 object(s)" "$work/tty.out"; then ok; else bad "rm -r on a terminal does not ask: $(cat "$work/tty.out")"; fi
  expect 0 "ls after no" -- "$COS" --json ls -r cos://prefixes/pre/
  has out '"key":"pre/a.txt"' "answering n removes nothing"
  printf 'y\n' | script -qec "$COS rm -r cos://prefixes/pre/b" /dev/null >"$work/tty.out" 2>&1
  expect 0 "ls after yes" -- "$COS" --json ls -r cos://prefixes/pre/
  hasnt out 'pre/b/c.txt' "answering y removes"
  has out '"key":"pre/a.txt"' "answering y removes only what was counted"
else
  echo "SKIP: no script(1) to give rm -r a terminal"
fi
expect 0 "rm -r --force" -- "$COS" --json rm -r --force cos://prefixes/pre
has out '"removed":\["pre","pre/a.txt"\],"count":2' "rm -r removes pre and pre/..."
expect 0 "ls rest" -- "$COS" --json ls -r cos://prefixes/
has out '"key":"prefix.txt"' "prefix.txt survives rm -r cos://b/pre"
has out '"key":"pre-backup/b.txt"' "pre-backup/ survives rm -r cos://b/pre"
expect 0 "rm -r nothing" -- "$COS" rm -r cos://prefixes/none
has out "^0 object(s)" "rm -r of an empty prefix says so"
expect 2 "rm --dry-run without -r" -- "$COS" rm --dry-run cos://prefixes/prefix.txt

finish

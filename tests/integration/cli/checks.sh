# checks.sh: the pass/fail bookkeeping of the cos tool's integration scripts (ok, bad, expect, has,
# has_text, hasnt, same, finish). Source it after setting $work, the directory commands write
# out and err into.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect STATUS DESCRIPTION -- COMMAND...: runs COMMAND, checks its exit status.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, wanted $want; stderr: $(cat "$work/err")"; fi
}
has() { if grep -q -- "$2" "$work/$1"; then ok; else bad "$3: '$2' not in $1: $(head -c 400 "$work/$1")"; fi; }
# has_text FILE TEXT DESCRIPTION: like has, for TEXT taken literally.
has_text() { if grep -qF -- "$2" "$work/$1"; then ok; else bad "$3: '$2' not in $1: $(head -c 400 "$work/$1")"; fi; }
hasnt() { if grep -q -- "$2" "$work/$1"; then bad "$3: '$2' in $1: $(head -c 400 "$work/$1")"; else ok; fi; }
# same FILE1 FILE2 DESCRIPTION: byte-for-byte equality.
same() { if cmp -s "$1" "$2"; then ok; else bad "$3: $1 and $2 differ ($(stat -c %s "$1" 2>&1) vs $(stat -c %s "$2" 2>&1) bytes)"; fi; }
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

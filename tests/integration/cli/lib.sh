# lib.sh: what the cos tool's integration scripts share: a real cosd on a free loopback port with a
# temporary data dir, a HOME with `cos config` pointing at it, and pass/fail bookkeeping.
# Source it with COSD and COS set; it defines $work, $port, $cosd_pid, ok, bad, expect, has, finish.
set -uo pipefail
work=$(mktemp -d)
pass=0
fail=0
cleanup() {
  [ -n "${cosd_pid:-}" ] && kill "$cosd_pid" 2>/dev/null && wait "$cosd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

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
hasnt() { if grep -q -- "$2" "$work/$1"; then bad "$3: '$2' in $1: $(head -c 400 "$work/$1")"; else ok; fi; }
# same FILE1 FILE2 DESCRIPTION: byte-for-byte equality.
same() { if cmp -s "$1" "$2"; then ok; else bad "$3: $1 and $2 differ ($(stat -c %s "$1" 2>&1) vs $(stat -c %s "$2" 2>&1) bytes)"; fi; }
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

"$COSD" --listen 127.0.0.1:0 --data "$work/data" --account 1250000000:AKIDclitest:clisecretkey \
  >"$work/cosd.out" 2>"$work/cosd.err" &
cosd_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/cosd.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/cosd.out")
[ -n "$port" ] || { echo "cosd did not start: $(cat "$work/cosd.err")" >&2; exit 1; }

export HOME="$work/home"
mkdir -p "$HOME"
unset COS_ENDPOINT COS_SECRET_ID COS_SECRET_KEY COS_APPID COS_REGION COS_SESSION_TOKEN XDG_CACHE_HOME
"$COS" config --endpoint "http://127.0.0.1:$port" --secret-id AKIDclitest --secret-key clisecretkey \
  --appid 1250000000 >/dev/null || { echo "cos config failed" >&2; exit 1; }

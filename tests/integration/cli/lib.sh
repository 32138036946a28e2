# lib.sh: what the cos tool's integration scripts share: a real cosd on a free loopback port with a
# temporary data dir, a HOME with `cos config` pointing at it, and the checks of checks.sh.
# Source it with COSD and COS set; it defines $work, $port, $cosd_pid and the checks.
set -uo pipefail
work=$(mktemp -d)
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cleanup() {
  [ -n "${cosd_pid:-}" ] && kill "$cosd_pid" 2>/dev/null && wait "$cosd_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT


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

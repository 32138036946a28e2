#!/usr/bin/env bash
# Integration test of how the cos tool takes an endpoint: forms that do not parse are usage errors that
# name the typed text and send nothing (no connection, no DNS lookup), host:port means http, IPv6 literals
# reach a cosd on [::1], and a transport failure names the endpoint. usage: test_cli_endpoint.sh COSD COS
set -uo pipefail
COSD=$1
COS=$2
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

. "$(dirname "$0")/checks.sh"

# start_cosd LISTEN NAME: starts a cosd, sets $cosd_url to the URL it prints.
start_cosd() {
  "$COSD" --listen "$1" --data "$work/data-$2" --account 1250000000:AKIDeptest:epsecretkey \
    >"$work/cosd-$2.out" 2>"$work/cosd-$2.err" &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q 'listening on' "$work/cosd-$2.out" 2>/dev/null && break; sleep 0.05; done
  cosd_url=$(sed -n 's/^cosd listening on \(http:\/\/[^ ]*\).*/\1/p' "$work/cosd-$2.out")
}

export HOME="$work/home"
mkdir -p "$HOME"
unset COS_ENDPOINT COS_REGION COS_SESSION_TOKEN NO_PROXY no_proxy
export COS_SECRET_ID=AKIDeptest COS_SECRET_KEY=epsecretkey COS_APPID=1250000000

start_cosd 127.0.0.1:0 v4
[ -n "$cosd_url" ] || { echo "cosd did not start: $(cat "$work/cosd-v4.err")" >&2; exit 1; }
port=${cosd_url##*:}

# Two independent detectors of "something was sent":
# 1. every proxy variable points at a local listener that logs each connection it accepts (libcurl
#    honours them, so a request to any host not routed elsewhere lands there, DNS lookup included);
# 2. strace, when it works here, logs every connect() of the process tree (TCP, and the UDP/unix
#    sockets of a DNS lookup).
python3 - "$work/proxy.port" "$work/proxy.log" <<'EOF' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, a = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write("connection from %s:%d\n" % a)
    c.close()
EOF
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/proxy.port" ] && break; sleep 0.05; done
proxy="http://127.0.0.1:$(cat "$work/proxy.port")"
: >"$work/proxy.log"
use_strace=false
# LeakSanitizer cannot run under ptrace: in a sanitizer build, traced runs go without leak checks.
st_env="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
if command -v strace >/dev/null && strace -f -qq -e trace=connect -o "$work/st" true 2>/dev/null; then
  use_strace=true
else
  echo "note: strace unusable here; only the proxy listener detects requests" >&2
fi

# traced COMMAND...: runs COMMAND under both detectors, output in $work/out and $work/err; prints its
# exit status. connected: whether either detector saw a connection during the last traced run.
traced() {
  : >"$work/proxy.log"
  rm -f "$work/st"
  if $use_strace; then
    HTTP_PROXY=$proxy HTTPS_PROXY=$proxy ALL_PROXY=$proxy http_proxy=$proxy https_proxy=$proxy \
      strace -f -qq -e trace=connect -o "$work/st" env "$st_env" "$@" >"$work/out" 2>"$work/err"
  else
    HTTP_PROXY=$proxy HTTPS_PROXY=$proxy ALL_PROXY=$proxy http_proxy=$proxy https_proxy=$proxy \
      "$@" >"$work/out" 2>"$work/err"
  fi
  local rc=$?
  sleep 0.1 # let the listener write its log line
  echo "$rc"
}
connected() { [ -s "$work/proxy.log" ] || { [ -f "$work/st" ] && grep -q 'connect(' "$work/st"; }; }

# The detectors catch a request: one to a public name goes to the proxy, and strace sees it.
rc=$(traced "$COS" --endpoint https://cos.ap-guangzhou.myqcloud.com ls cos://detector-check)
if [ -s "$work/proxy.log" ]; then ok; else bad "proxy listener did not see a request (rc $rc): $(cat "$work/err")"; fi
if $use_strace; then
  if grep -q 'connect(' "$work/st"; then ok; else bad "strace did not see the connection"; fi
  # ... and strace alone catches one that bypasses the proxy (routed to a loopback address).
  rm -f "$work/st"
  strace -f -qq -e trace=connect -o "$work/st" env "$st_env" "$COS" --endpoint http://127.0.0.1:1 ls >/dev/null 2>&1
  if grep -q 'connect(' "$work/st"; then ok; else bad "strace did not see the connection to 127.0.0.1:1"; fi
fi

# Endpoints that do not parse: exit 2, the message names what was typed, nothing is sent.
for ep in notaurl 'http://notaurl:9000' 'ftp://cos.example.com' 'http://cos example.com' \
  'http://cos.example.com/bucket' 'http://user:pw@cos.example.com' 'http://cos.example.com:0' \
  'http://cos.example.com:65536' 'http://cos.example.com:80x' 'http://' ':9000' '' \
  '::1' 'http://[::1' 'http://[zz::1]:9000' 'http://999.0.0.1:9000' 'https://cos_ex.example.com' \
  '-cos.example.com'; do
  rc=$(traced "$COS" --endpoint "$ep" ls cos://epbucket)
  if [ "$rc" -eq 2 ]; then ok; else bad "endpoint '$ep': exit $rc, wanted 2; stderr: $(cat "$work/err")"; fi
  has_text err "invalid endpoint '$ep'" "endpoint '$ep' is named in the error"
  if connected; then bad "endpoint '$ep': something was sent: $(cat "$work/proxy.log"; grep 'connect(' "$work/st" 2>/dev/null)"; else ok; fi
done
# The same through the environment and the config file, and for `ls` of the buckets (GET Service).
rc=$(COS_ENDPOINT=notaurl traced "$COS" ls)
if [ "$rc" -eq 2 ] && ! connected; then ok; else bad "COS_ENDPOINT=notaurl ls: exit $rc, sent: $(connected && echo yes)"; fi
has_text err "invalid endpoint 'notaurl'" "COS_ENDPOINT is named"
expect 2 "config refuses a bad endpoint" -- "$COS" config --endpoint 'http://[::1'
has_text err "invalid endpoint 'http://[::1'" "config names the endpoint"
if [ ! -e "$HOME/.cos.conf" ]; then ok; else bad "config wrote a bad endpoint"; fi
printf 'endpoint = notaurl\n' >"$work/bad.conf"
rc=$(traced "$COS" --config "$work/bad.conf" mb cos://epbucket)
if [ "$rc" -eq 2 ] && ! connected; then ok; else bad "endpoint from a config file: exit $rc"; fi

# A given endpoint is asked itself, never the public service host: listing the buckets of a DNS-named
# endpoint goes to that name (here through the proxy), not to service.cos.myqcloud.com.
rc=$(traced "$COS" --endpoint http://cos.example.com:9 ls)
if grep -q 'service.cos.myqcloud.com' "$work/err"; then bad "ls went to the public host: $(cat "$work/err")"; else ok; fi
has_text err "http://cos.example.com:9" "ls failure names the endpoint"

# host:port without a scheme is http, like libcos.
expect 0 "mb over host:port" -- "$COS" --endpoint "127.0.0.1:$port" mb cos://epbucket
has_text out "created cos://epbucket" "mb output"
expect 0 "ls over host:port" -- "$COS" --endpoint "127.0.0.1:$port/" ls
has_text out "cos://epbucket-1250000000" "ls lists the bucket"
expect 0 "localhost:port" -- "$COS" --endpoint "localhost:$port" ls cos://epbucket
expect 1 "https to the plain-http cosd fails (TLS is not dropped)" -- "$COS" --endpoint "https://127.0.0.1:$port" ls cos://epbucket

# IPv6: a cosd on [::1] reached through http://[::1]:PORT.
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
  start_cosd '[::1]:0' v6
  if [ -z "$cosd_url" ]; then
    bad "cosd did not start on [::1]: $(cat "$work/cosd-v6.err")"
  else
    port6=${cosd_url##*:}
    expect 0 "mb over IPv6" -- "$COS" --endpoint "http://[::1]:$port6" mb cos://v6bucket
    expect 0 "cp over IPv6" -- "$COS" --endpoint "[::1]:$port6" cp "$work/bad.conf" cos://v6bucket/x.txt
    expect 0 "ls over IPv6" -- "$COS" --endpoint "http://[::1]:$port6" ls cos://v6bucket
    has_text out "cos://v6bucket/x.txt" "the object is listed over IPv6"
    expect 0 "ls buckets over IPv6" -- "$COS" --json --endpoint "http://[::1]:$port6" ls
    has_text out '"name":"v6bucket-1250000000"' "the bucket is listed over IPv6"
  fi
else
  echo "SKIP: IPv6 cases: this machine has no IPv6 loopback (::1)" >&2
fi

# Nothing listening: exit 1, and the message names the endpoint as given.
expect 1 "nothing listening" -- "$COS" --endpoint http://127.0.0.1:1 ls cos://epbucket
has_text err "http://127.0.0.1:1" "the error names the endpoint"
expect 1 "nothing listening, json" -- "$COS" --json --endpoint 127.0.0.1:1 stat cos://epbucket/k
has_text err '"endpoint":"127.0.0.1:1"' "the JSON error names the endpoint"
expect 1 "nothing listening on IPv6" -- "$COS" --endpoint 'http://[::1]:1' ls cos://epbucket
has_text err "http://[::1]:1" "the IPv6 error names the endpoint"

finish

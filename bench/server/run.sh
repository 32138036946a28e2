#!/bin/sh
# Runs the cosd benchmarks and prints the figures: 4 KiB GET and PUT requests/s with 32 keep-alive
# connections (and nginx serving the same 4 KiB file statically, when nginx is installed), then a 1 GiB
# PUT and GET in MB/s next to `dd conv=fsync` on the same disk.
# Usage: bench/server/run.sh BUILD_DIR [SECONDS] [WORK_DIR]
set -eu
BUILD=${1:?usage: run.sh BUILD_DIR [SECONDS] [WORK_DIR]}
SECS=${2:-10}
WORK=$(mktemp -d "${3:-${TMPDIR:-/tmp}}/cosd-bench-XXXXXX")
COSD=$BUILD/src/server/cosd
DRIVER=$BUILD/bench/server/cosd_bench
ID=AKIDbenchSecretId000000000000000001
KEY=benchSecretKey00000000000000000001
BUCKET=bench-1250000000
COSD_PID=""
NGINX_PID=""
cleanup() {
  [ -n "$COSD_PID" ] && kill "$COSD_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "disk of $WORK: $(df -h "$WORK" | awk 'NR==2 {print $1, $2}')"

"$COSD" --listen 127.0.0.1:0 --data "$WORK/data" --account "1250000000:$ID:$KEY" ${COSD_ARGS:-} > "$WORK/cosd.out" 2> "$WORK/cosd.err" &
COSD_PID=$!
for i in $(seq 1 100); do grep -q "listening" "$WORK/cosd.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$WORK/cosd.out")
# Let start-up work (the moderation workers load their models) finish before measuring: wait until
# cosd's CPU time stops growing (at most 30 s).
ticks() { awk '{print $14 + $15}' "/proc/$COSD_PID/stat"; }
last=-1
for i in $(seq 1 30); do
  now=$(ticks)
  [ "$now" = "$last" ] && break
  last=$now
  sleep 1
done
EP=127.0.0.1:$PORT
D="$DRIVER --endpoint $EP --bucket $BUCKET --secret-id $ID --secret-key $KEY"
curl -sf --noproxy '*' -X PUT "$($D --presign PUT)" > /dev/null
head -c 4096 /dev/urandom > "$WORK/small.bin"
curl -sf --noproxy '*' -X PUT --data-binary @"$WORK/small.bin" "$($D --presign PUT --key bench/small)" > /dev/null

echo "== 4 KiB objects, 32 connections, ${SECS} s each"
$D --method GET --conns 32 --seconds "$SECS" || true
$D --method PUT --size 4096 --conns 32 --seconds "$SECS" || true

if command -v nginx > /dev/null 2>&1; then
  mkdir -p "$WORK/www" "$WORK/nginx"
  chmod 755 "$WORK" "$WORK/www"; chmod 644 "$WORK/small.bin"
  cp "$WORK/small.bin" "$WORK/www/small.bin"; chmod 644 "$WORK/www/small.bin"
  NPORT=$((PORT + 1))
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server { listen 127.0.0.1:$NPORT; root $WORK/www; }
}
CONF
  nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" 2> /dev/null &
  NGINX_PID=$!
  sleep 1
  echo "== nginx static baseline (same file, same driver)"
  $DRIVER --url "http://127.0.0.1:$NPORT/small.bin" --method GET --conns 32 --seconds "$SECS" || true
else
  echo "== nginx not installed: no static baseline"
fi

echo "== 1 GiB object"
dd if=/dev/urandom of="$WORK/big.bin" bs=1M count=1024 status=none
$D --method PUT --file "$WORK/big.bin" --key bench/big
$D --method GET --file /dev/null --key bench/big
echo "== dd conv=fsync, 1 GiB, same disk"
dd if="$WORK/big.bin" of="$WORK/dd.bin" bs=1M conv=fsync 2>&1 | tail -1
rm -f "$WORK/dd.bin" "$WORK/big.bin"

#!/bin/sh
# Large-file transfers through one local cosd, side by side in one run: libcos cos_resumable_upload_file /
# cos_resumable_download_file (4 and 8 threads), curl single PUT / GET, and the official Node.js SDK
# (sliceUploadFile / getObject to a file). Prints MB/s, peak RSS and SHA-256 checks, then the targets.
# Usage: bench/transfer/run.sh BUILD_DIR [WORK_DIR]   (env: SIZE_MIB=1024, PART_MIB=8, NODE_PARALLEL=4)
set -eu
BUILD=$(cd "${1:?usage: run.sh BUILD_DIR [WORK_DIR]}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
INTEROP=$HERE/../../tests/interop
SIZE_MIB=${SIZE_MIB:-1024}
PART_MIB=${PART_MIB:-8}
NODE_PARALLEL=${NODE_PARALLEL:-4}
WORK=$(mktemp -d "${2:-${TMPDIR:-/tmp}}/transfer-bench-XXXXXX")
COSD=$BUILD/src/server/cosd
DRIVER=$BUILD/bench/transfer/bench_transfer
ID=AKIDtransferBenchId00000000000000001
KEY=transferBenchKey000000000000000001
APPID=1250000000
BUCKET=transfer
COSD_PID=""
cleanup() {
  [ -n "$COSD_PID" ] && kill "$COSD_PID" 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
for f in "$COSD" "$DRIVER"; do
  [ -x "$f" ] || { echo "missing $f: build the tree first (make, or cmake --build $BUILD)" >&2; exit 1; }
done
command -v node > /dev/null || { echo "node is not installed" >&2; exit 1; }
if [ ! -f "$INTEROP/node_modules/.package-lock.json" ]; then
  (cd "$INTEROP" && npm ci --no-audit --no-fund > /dev/null)
fi
export NODE_PATH=$INTEROP/node_modules

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "data dir and files: $WORK on $(df -h "$WORK" | awk 'NR==2 {print $1}'); file ${SIZE_MIB} MiB; libcos and Node part size ${PART_MIB} MiB; Node ChunkParallelLimit ${NODE_PARALLEL}"
echo "versions: $(curl --version | head -1 | cut -d' ' -f1-2), node $(node --version), cos-nodejs-sdk-v5 $(node -p "require('cos-nodejs-sdk-v5/package.json').version")"

"$COSD" --listen 127.0.0.1:0 --data "$WORK/data" --account "$APPID:$ID:$KEY" ${COSD_ARGS:-} > "$WORK/cosd.out" 2> "$WORK/cosd.err" &
COSD_PID=$!
for i in $(seq 1 100); do grep -q "listening" "$WORK/cosd.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$WORK/cosd.out")
[ -n "$PORT" ] || { echo "cosd did not start:" >&2; cat "$WORK/cosd.err" >&2; exit 1; }
# Let cosd's start-up work (moderation models) settle: wait until its CPU time stops growing (<= 30 s).
last=-1
for i in $(seq 1 30); do
  now=$(awk '{print $14 + $15}' "/proc/$COSD_PID/stat")
  [ "$now" = "$last" ] && break
  last=$now
  sleep 1
done

D="$DRIVER --endpoint localhost:$PORT --bucket $BUCKET-$APPID --appid $APPID --secret-id $ID --secret-key $KEY"
D="$D --part-mib $PART_MIB"
$D mkbucket
SRC=$WORK/source.bin
head -c $((SIZE_MIB * 1048576)) /dev/urandom > "$SRC"
BYTES=$(stat -c %s "$SRC")
SUM=$(sha256sum "$SRC" | cut -d' ' -f1)
RESULTS=$WORK/results
: > "$RESULTS"

# measure NAME OP CHECKFILE -- COMMAND...: runs COMMAND under /usr/bin/time, records
# "NAME OP MB/s RSS_MiB check load CPU_s" where the seconds come from the line "... SECONDS s" the command
# prints (the transfer alone, without process start-up), the check is the SHA-256 of CHECKFILE (or "-") and
# CPU_s the client's user + system CPU time (whole process), a figure that depends less on the load.
measure() {
  name=$1 op=$2 check=$3
  shift 4
  sync
  "/usr/bin/time" -f "%M %U %S" -o "$WORK/rss" "$@" > "$WORK/out" 2> "$WORK/err" || {
    echo "$name $op failed:" >&2; cat "$WORK/out" "$WORK/err" >&2; exit 1; }
  load=$(cut -d' ' -f1 /proc/loadavg)
  secs=$(awk '{for (i = 1; i < NF; i++) if ($(i + 1) ~ /^s,?$/) v = $i} END {print v}' "$WORK/out")
  rss=$(awk '{printf "%.1f", $1 / 1024}' "$WORK/rss")
  cpu=$(awk '{printf "%.2f", $2 + $3}' "$WORK/rss")
  mbs=$(awk -v b="$BYTES" -v s="$secs" 'BEGIN {printf "%.1f", b / s / 1e6}')
  ok=-
  if [ "$check" != "-" ]; then
    if [ "$(sha256sum "$check" | cut -d' ' -f1)" = "$SUM" ]; then ok=sha256-ok; else ok=SHA256-MISMATCH; fi
    rm -f "$check"
  fi
  echo "$name $op $mbs $rss $ok $load $cpu" >> "$RESULTS"
  printf '%-10s %-8s %7s MB/s %6s MiB RSS %6s s CPU  %-9s (%s s, load %s)\n' "$name" "$op" "$mbs" "$rss" "$cpu" "$ok" \
    "$secs" "$load"
}
# The object's CRC-64 and size as cosd stored them.
object_id() {
  curl -sfI --noproxy '*' "$($D presign HEAD "$1")" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "x-cos-hash-crc64ecma" || tolower($1) == "content-length" {printf "%s ", $2}'
}

echo "== uploads"
measure curl PUT - -- curl -sf --noproxy '*' -w '%{time_total} s\n' -o /dev/null -T "$SRC" \
  "$($D presign PUT curl.bin)"
measure libcos-t4 upload - -- $D --threads 4 upload "$SRC" libcos-t4.bin
measure libcos-t8 upload - -- $D --threads 8 upload "$SRC" libcos-t8.bin
N="node $HERE/transfer_node.js $PORT $BUCKET-$APPID $ID $KEY"
measure node upload - -- $N upload "$SRC" node.bin "$PART_MIB" "$NODE_PARALLEL"
REF=$(object_id curl.bin)
for k in libcos-t4.bin libcos-t8.bin node.bin; do
  [ "$(object_id $k)" = "$REF" ] || { echo "uploaded $k differs from the source (CRC-64/size $(object_id $k), want $REF)" >&2; exit 1; }
done
echo "uploads stored intact: every object has the CRC-64 and size of the source ($REF)"

echo "== downloads (all of curl.bin, stored as one blob)"
measure curl GET "$WORK/dl-curl" -- curl -sf --noproxy '*' -w '%{time_total} s\n' -o "$WORK/dl-curl" \
  "$($D presign GET curl.bin)"
# curl again, then sync the file: what durability against power loss costs on this disk.
measure curl+sync GET "$WORK/dl-curl" -- sh -c 't0=$(date +%s.%N); curl -sf --noproxy "*" -o "$1" "$2" &&
  sync "$1" && awk -v a="$t0" -v b="$(date +%s.%N)" "BEGIN {printf \"%.3f s\\n\", b - a}"' sh "$WORK/dl-curl" \
  "$($D presign GET curl.bin)"
measure libcos-t4 download "$WORK/dl-t4" -- $D --threads 4 download curl.bin "$WORK/dl-t4"
measure libcos-t8 download "$WORK/dl-t8" -- $D --threads 8 download curl.bin "$WORK/dl-t8"
measure node download "$WORK/dl-node" -- $N download "$WORK/dl-node" curl.bin "$PART_MIB" "$NODE_PARALLEL"

echo "== targets"
awk -v part="$PART_MIB" '
  { mbs[$1 " " $2] = $3; rss[$1 " " $2] = $4; if ($5 == "SHA256-MISMATCH") bad = 1 }
  function verdict(ok) { return ok ? "met" : "MISSED" }
  END {
    nu = mbs["node upload"]; nd = mbs["node download"]; cg = mbs["curl GET"]
    for (t = 4; t <= 8; t += 4) {
      u = mbs["libcos-t" t " upload"]; d = mbs["libcos-t" t " download"]
      printf "libcos t%d upload %.2fx Node (>= 1.5x): %s\n", t, u / nu, verdict(u >= 1.5 * nu)
      printf "libcos t%d download %.2fx Node (>= 1.5x): %s\n", t, d / nd, verdict(d >= 1.5 * nd)
      printf "libcos t%d download %.0f%% of curl GET (>= 80%%): %s\n", t, 100 * d / cg, verdict(d >= 0.8 * cg)
      printf "libcos t%d download %.0f%% of curl GET + sync (information)\n", t, 100 * d / mbs["curl+sync GET"]
      lim = 64 + t * part
      m = rss["libcos-t" t " upload"] > rss["libcos-t" t " download"] ? rss["libcos-t" t " upload"] : rss["libcos-t" t " download"]
      printf "libcos t%d peak RSS %.1f MiB (<= 64 + %d x %d = %d MiB): %s\n", t, m, t, part, lim, verdict(m <= lim)
    }
    printf "downloads equal to the source (SHA-256): %s\n", bad ? "NO" : "yes"
  }' "$RESULTS"

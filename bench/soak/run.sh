#!/bin/sh
# Soak runs of cosd, figures printed: (1) the crash-consistency driver of tests/integration/crash for
# CYCLES kill cycles (default 50; CRASH_SEED=N repeats a run), (2) the load soak: CONNS keep-alive
# clients (default 64) doing PUT / GET / HEAD / list / DELETE for SOAK_SECONDS (default 60) while
# cosd's RSS is sampled every 5 s. Usage: bench/soak/run.sh [CYCLES]  (BUILD=build dir, default build;
# PART=crash|load runs one part only).
set -eu
CYCLES=${1:-50}
BUILD=${BUILD:-build}
PART=${PART:-all}
CONNS=${CONNS:-64}
SOAK_SECONDS=${SOAK_SECONDS:-60}
export SOAK_SECONDS
COSD=$BUILD/src/server/cosd
CRASH=$BUILD/tests/integration/crash/crash_mixed
LOAD=$BUILD/bench/soak/soak_load
for f in "$COSD" "$CRASH" "$LOAD"; do
  [ -x "$f" ] || { echo "run.sh: $f is missing: cmake --build $BUILD first" >&2; exit 2; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cosd-soak-XXXXXX")
COSD_PID=""
cleanup() {
  [ -n "$COSD_PID" ] && kill "$COSD_PID" 2>/dev/null && wait "$COSD_PID" 2>/dev/null || true
  COSD_PID=""
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$PART" != load ]; then
  echo "== crash consistency: $CYCLES SIGKILL cycles"
  start=$(date +%s)
  "$CRASH" "$CYCLES" 2> "$WORK/crash.err" | grep -v '^tc_do' || {
    echo "crash run FAILED; its stderr:"; grep -v '^tc_do' "$WORK/crash.err" | tail -20; exit 1; }
  echo "crash run: $(( $(date +%s) - start )) s; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [ "$PART" != crash ]; then
  ID=AKIDsoakSecretId0000000000000000001
  KEY=soakSecretKey000000000000000000001
  "$COSD" --listen 127.0.0.1:0 --data "$WORK/data" --account "1250000000:$ID:$KEY" \
    > "$WORK/cosd.out" 2> "$WORK/cosd.err" &
  COSD_PID=$!
  for i in $(seq 1 100); do grep -q "listening" "$WORK/cosd.out" 2>/dev/null && break; sleep 0.1; done
  PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$WORK/cosd.out")
  [ -n "$PORT" ] || { echo "cosd did not start:"; cat "$WORK/cosd.err"; exit 1; }
  echo "== load soak: $CONNS connections, ${SOAK_SECONDS} s, cosd pid $COSD_PID"
  "$LOAD" --endpoint "127.0.0.1:$PORT" --bucket soak-1250000000 --secret-id "$ID" \
    --secret-key "$KEY" --conns "$CONNS" --pid "$COSD_PID" --create-bucket
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

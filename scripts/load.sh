#!/usr/bin/env bash
# `make load`: the gateway under hostile and heavy load, on loopback, bounded and self-stopping.
#   1. LOAD_REQUESTS (10,000) malformed requests of 14 kinds (bad JSON, wrong types, unknown fields, bad base64,
#      broken multipart, bad ids and query values, wrong methods, unknown paths, garbage to the native passthrough)
#      against a gateway in front of the DashScope simulator: 0 answers may be 5xx or missing, and /healthz must
#      still answer afterwards (funasr-bench bad-input).
#   2. LOAD_STREAMS (1,000) concurrent SSE streams through the gateway (5 slow events, then 25 at 200 ms) from the
#      bench's SSE upstream: every stream complete, every event once and in order (funasr-bench sse-client checks
#      each stream's sequence), plus the gateway's RSS.
# Uses the release binaries (`make load` builds them). Exits non-zero on any failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GATEWAY=$ROOT/.build/release/funasr-gateway
BENCH=$ROOT/.build/release/funasr-bench
REQUESTS=${LOAD_REQUESTS:-10000}
STREAMS=${LOAD_STREAMS:-1000}
KEY=sk-load-0123456789abcdef
source "$ROOT/scripts/bench-lib.sh"
WORK=$(mktemp -d /tmp/funasr-load.XXXXXX)
trap 'stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
printf '%s' "$KEY" >"$WORK/key"; chmod 600 "$WORK/key"
mkdir -p "$WORK/logs"

SIM=$(free_port 19510); GW=$(free_port $((SIM + 1))); SSE=$(free_port $((GW + 1))); GWS=$(free_port $((SSE + 1)))
start_bg "$WORK/logs/simulator.log" "$GATEWAY" simulate --listen "127.0.0.1:$SIM" --api-key "$KEY" --event-interval-ms 0
start_bg "$WORK/logs/gateway.log" "$GATEWAY" --listen "127.0.0.1:$GW" --base-url "http://127.0.0.1:$SIM" --api-key-file "$WORK/key" --store "$WORK/gateway.sqlite"
start_bg "$WORK/logs/sse-upstream.log" "$BENCH" sse-upstream --listen "127.0.0.1:$SSE"
start_bg "$WORK/logs/gateway-streams.log" "$GATEWAY" --listen "127.0.0.1:$GWS" --base-url "http://127.0.0.1:$SSE" --api-key-file "$WORK/key" --store "$WORK/gateway-streams.sqlite"
gws_pid=$LAST_PID
wait_port "$SIM"; wait_port "$GW"; wait_port "$SSE"; wait_port "$GWS"

status=0
echo "== $REQUESTS malformed requests"
"$BENCH" bad-input --base-url "http://127.0.0.1:$GW" --requests "$REQUESTS" --concurrency 16 | tee "$WORK/bad-input.out" || status=1
echo "== $STREAMS concurrent streams through the gateway"
"$BENCH" sse-client --label gateway --url "http://127.0.0.1:$GWS/v1/flash" --api local --sample-pids "$gws_pid" \
    --streams "$STREAMS" --slow-events 5 --slow-interval-ms 1000 --events 25 --interval-ms 200 --threads 1 --timeout-s 90 \
    | tee "$WORK/streams.out" || status=1
grep -q 'status=ok' "$WORK/streams.out" && grep -q "complete=$STREAMS " "$WORK/streams.out" || { echo "load: streams incomplete" >&2; status=1; }
[ "$status" -eq 0 ] && echo "load: PASSED" || echo "load: FAILED" >&2
exit $status

#!/usr/bin/env bash
# Live audio through the gateway's WebSocket relay (GET /api-ws/v1/inference), against `funasr-bench live-upstream`
# (DashScope's duplex protocol, each audio frame answered at once). Prints a markdown section; `make bench` appends
# it to BENCHMARKS.md. Two measurements, each direct to the upstream and through the gateway:
#   latency: 1 session, 300 frames 20 ms apart; each frame's travel time to the upstream ("in") and the answering
#            event's travel time back ("out"), CLOCK_MONOTONIC stamps shared by the processes. The gateway adds
#            the difference; median of $ROUNDS rounds.
#   scale:   $LIVE_SESSIONS concurrent sessions, 100 frames of 100 ms audio each (real-time pace: 10 frames/s per
#            session), the gateway's peak RSS sampled every 200 ms.
#   scripts/bench-live.sh GATEWAY_BINARY BENCH_BINARY
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GATEWAY=${1:-$ROOT/.build/release/funasr-gateway}
BENCH=${2:-$ROOT/.build/release/funasr-bench}
ROUNDS=${BENCH_ROUNDS:-3}
LIVE_SESSIONS=${BENCH_LIVE_SESSIONS:-1000}
source "$ROOT/scripts/bench-lib.sh"
WORK=$(mktemp -d /tmp/funasr-bench-live.XXXXXX)
trap 'stop_all; rm -rf "$WORK"' EXIT
printf 'sk-bench-live-0123456789' >"$WORK/key"; chmod 600 "$WORK/key"

UP=$(free_port 19420); GW=$(free_port $((UP + 1)))
start_bg "$WORK/upstream.log" "$BENCH" live-upstream --listen "127.0.0.1:$UP"
start_bg "$WORK/gateway.log" "$GATEWAY" --listen "127.0.0.1:$GW" --base-url "http://127.0.0.1:$UP" \
    --api-key-file "$WORK/key" --store memory
gw_pid=$LAST_PID
wait_port "$UP"; wait_port "$GW"
direct_url="ws://127.0.0.1:$UP/api-ws/v1/inference"
gateway_url="ws://127.0.0.1:$GW/api-ws/v1/inference"

field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<" $2"; }
declare -A values
for round in $(seq "$ROUNDS"); do
    for condition in direct gateway; do
        url=$direct_url; [ "$condition" = gateway ] && url=$gateway_url
        line=$("$BENCH" live-client --url "$url" --sessions 1 --frames 300 --frame-ms 20 | grep '^RESULT ' || true)
        echo "  latency $condition round $round: ${line#RESULT }" >&2
        for key in in_p50_us in_p99_us out_p50_us out_p99_us; do values[$condition.$key]+="$(field "$key" "$line") "; done
    done
done

echo "## Live audio (scripts/bench-live.sh: the WebSocket relay, against \`funasr-bench live-upstream\`)"
echo
echo "| One session, 300 frames 20 ms apart (median of $ROUNDS) | direct p50 | gateway p50 | added p50 | direct p99 | gateway p99 | added p99 |"
echo "|---|---|---|---|---|---|---|"
for way in in out; do
    label="audio frame → upstream"; [ "$way" = out ] && label="upstream event → client"
    row="| $label |"; adds=()
    for pct in p50 p99; do
        d=$(median ${values[direct.${way}_${pct}_us]}); g=$(median ${values[gateway.${way}_${pct}_us]})
        row+=" $d µs | $g µs | $(awk -v g="$g" -v d="$d" 'BEGIN{printf "%+.1f µs", g - d}') |"
    done
    echo "$row"
done
echo

line=$("$BENCH" live-client --url "$gateway_url" --sessions "$LIVE_SESSIONS" --frames 100 --frame-ms 100 \
    --sample-pids "$gw_pid" --timeout-s 240 | grep '^RESULT ' || true)
echo "  scale: ${line#RESULT }" >&2
echo "- $LIVE_SESSIONS concurrent sessions through the gateway, 100 frames of 100 ms each at real-time pace: $(field complete "$line") complete, $(field frames_answered "$line") frames answered in $(field seconds "$line") s; gateway RSS $(awk -v k="$(field rss_base_kb "$line")" 'BEGIN{printf "%.1f", k/1024}') MB before, peak $(awk -v k="$(field rss_peak_kb "$line")" 'BEGIN{printf "%.1f", k/1024}') MB (target < 150 MB); frame → upstream p50 $(field in_p50_us "$line") µs, p99 $(field in_p99_us "$line") µs under that load (client and upstream doubles on the same 2 cores)."
failure=$(field first_failure "$line"); [ -z "$failure" ] || echo "- First failed session: ${failure//_/ }."

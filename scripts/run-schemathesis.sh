#!/usr/bin/env bash
# Contract test: the real gateway in front of the DashScope simulator, fuzzed by schemathesis with openapi.yaml.
# No 5xx; every status, content type, header, body and SSE event as the spec says; invalid input refused.
#
# The simulator runs as its own process (`funasr-gateway simulate`) with no pause between stream events and short
# task phases, so streaming routes finish in milliseconds; `--simulate` would use its interactive pacing
# (150 ms per event) and make this step several times slower. Both processes listen on port 0 (the startup
# log line names the port, so no port is ever guessed) and are always stopped (trap).
# Bounded: 8 examples per operation, a fixed seed (reproducible), 10 s per request, the whole run under 150 s.
# Usage: scripts/run-schemathesis.sh   (env: FUNASR_GATEWAY_BIN, default .build/debug/funasr-gateway; VENV, default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${FUNASR_GATEWAY_BIN:-.build/debug/funasr-gateway}
venv=${VENV:-.venv}
token="schemathesis-token-$$-$RANDOM"
key="sk-schemathesis-$$-$RANDOM"
workdir=$(mktemp -d)
gateway_log="$workdir/gateway.log"
simulator_log="$workdir/simulator.log"
pids=()

stop() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
cleanup() {
    stop
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until `pattern` (a sed -n expression printing the address) matches the log; prints the address.
wait_for_address() {
    local log=$1 expression=$2 pid=$3 address=""
    for _ in $(seq 1 100); do
        address=$(sed -n "$expression" "$log" | head -n1)
        [ -n "$address" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    printf '%s' "$address"
}

[ -x "$bin" ] || { echo "run-schemathesis: $bin not found; run swift build first" >&2; exit 1; }
[ -x "$venv/bin/schemathesis" ] || { echo "run-schemathesis: $venv/bin/schemathesis not found; run make test" >&2; exit 1; }

"$bin" simulate --listen 127.0.0.1:0 --api-key "$key" --event-interval-ms 0 --pending-ms 100 --running-ms 200 \
    2>"$simulator_log" &
pids+=($!)
simulator=$(wait_for_address "$simulator_log" 's/.*address=\(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "${pids[0]}")
if [ -z "$simulator" ]; then
    echo "run-schemathesis: the simulator did not start:" >&2
    cat "$simulator_log" >&2
    exit 1
fi

DASHSCOPE_API_KEY="$key" FUNASR_GATEWAY_TOKENS="$token" "$bin" --base-url "$simulator" --listen 127.0.0.1:0 --store memory \
    --log-format json --max-wait 2 --drain-timeout 2 2>"$gateway_log" &
pids+=($!)
address=$(wait_for_address "$gateway_log" \
    's/.*"message":"funasr-gateway listening".*"address":"\([0-9.]*:[0-9]*\)".*/\1/p' "${pids[1]}")
if [ -z "$address" ]; then
    echo "run-schemathesis: the gateway did not start:" >&2
    cat "$gateway_log" >&2
    exit 1
fi
echo "run-schemathesis: gateway on http://$address, simulator on $simulator"

# Run from the scratch folder: schemathesis keeps a cache folder (.schemathesis/) in its working directory.
root=$(pwd)
schemathesis=$(cd "$venv/bin" && pwd)/schemathesis
status=0
(cd "$workdir" && timeout 150 "$schemathesis" run "$root/openapi.yaml" \
    --url "http://$address" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --exclude-checks positive_data_acceptance \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples 8 \
    --seed 20251127 \
    --request-timeout 10 \
    --workers 1 \
    --generation-database none \
    --suppress-health-check all \
    --no-color) || status=$?

stop
for secret in "$token" "$key"; do
    if grep -qF "$secret" "$gateway_log"; then
        echo "run-schemathesis: a secret (the local token or the DashScope key) appears in the gateway's log" >&2
        status=1
    fi
done
if [ "$status" -ne 0 ]; then
    echo "run-schemathesis: FAILED (exit $status); the gateway log's last lines:" >&2
    tail -n 20 "$gateway_log" >&2
    echo "run-schemathesis: 0 passed, 1 failed"
else
    echo "run-schemathesis: 1 passed, 0 failed"
fi
exit "$status"

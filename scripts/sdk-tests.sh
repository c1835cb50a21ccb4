#!/usr/bin/env bash
# Proof with the real clients: runs pytest tests that use the official `dashscope` and `openai` Python SDKs,
# unchanged but for their base URL, against the gateway in front of the DashScope simulator.
#
# Builds nothing: uses .build/debug/funasr-gateway (built by `swift build --build-tests` in `make test`).
# Starts `funasr-gateway simulate` accepting only a generated "real" key, and the gateway with that key in a
# key file and a generated local token (the SDKs use the local token as their API key: a request that reached
# the simulator with the local token would fail). Both listen on port 0; their start-up log lines name the
# ports. Python is only the test client, in the project venv `.venv` (requirements-test.txt).
#
# Usage: scripts/sdk-tests.sh [pytest args]   (env: FUNASR_GATEWAY_BIN, VENV)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${FUNASR_GATEWAY_BIN:-.build/debug/funasr-gateway}
venv=${VENV:-.venv}
workdir=$(mktemp -d)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$bin" ] || { echo "sdk-tests: $bin not found; run swift build --build-tests first" >&2; exit 1; }

# The first match of a sed expression in a log, waiting up to 10 s for the process to write it.
wait_for_log() {
    local log=$1 expression=$2 pid=$3 found=""
    for _ in $(seq 1 100); do
        found=$(sed -n "$expression" "$log" | head -n1)
        [ -n "$found" ] && { echo "$found"; return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "sdk-tests: a server did not start:" >&2
    cat "$log" >&2
    return 1
}

api_key="sk-sdk-real-$RANDOM$RANDOM-$$"
token="sdk-local-token-$RANDOM$RANDOM-$$"
(umask 077 && printf '%s' "$api_key" >"$workdir/api-key")

"$bin" simulate --listen 127.0.0.1:0 --api-key "$api_key" --pending-ms 1500 --running-ms 300 \
    --event-interval-ms 2 >"$workdir/simulator.log" 2>&1 &
pids+=($!)
simulator=$(wait_for_log "$workdir/simulator.log" '/SIMULATOR listening/s/.*address=\(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "${pids[0]}")

"$bin" --base-url "$simulator" --api-key-file "$workdir/api-key" --tokens "$token" --listen 127.0.0.1:0 --store memory \
    --drain-timeout 2 >"$workdir/gateway.log" 2>&1 &
pids+=($!)
address=$(wait_for_log "$workdir/gateway.log" '/funasr-gateway listening/s/.*address=\(127\.0\.0\.1:[0-9]*\).*/\1/p' "${pids[1]}")
echo "sdk-tests: simulator on $simulator, gateway on http://$address"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r requirements-test.txt

status=0
DASHSCOPE_WEBSOCKET_BASE_URL="ws://$address/api-ws/v1/inference" \
    SDK_TEST_GATEWAY_URL="http://$address" SDK_TEST_SIMULATOR_URL="$simulator" SDK_TEST_LOCAL_TOKEN="$token" \
    SDK_TEST_API_KEY="$api_key" timeout 300 "$venv/bin/python" -m pytest -p no:cacheprovider -q tests/python "$@" \
    || status=$?

if grep -qF -e "$api_key" -e "$token" "$workdir/gateway.log"; then
    echo "sdk-tests: FAILED: the DashScope key or the local token appears in the gateway's log" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    for process in gateway simulator; do
        # A crash's cause is its first lines (Swift's fatal error message, the crashed thread's frames), not the
        # tail of the backtrace, which lists the other threads and the loaded images.
        if grep -qE 'Fatal error|Program crashed' "$workdir/$process.log"; then
            echo "sdk-tests: the $process crashed:" >&2
            sed -n '/Fatal error\|Program crashed/,+60p' "$workdir/$process.log" | head -n 80 >&2
        fi
    done
    echo "sdk-tests: last lines of the gateway log:" >&2
    tail -n 40 "$workdir/gateway.log" >&2
fi
exit "$status"

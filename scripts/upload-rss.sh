#!/usr/bin/env bash
# Peak memory of one upload: starts the gateway binary, sends one upload with curl, and prints the gateway process's
# VmHWM (peak resident set, /proc/PID/status) when idle and after the upload. A fresh process per case, since VmHWM
# never goes down. Two setups: `--simulate` (the simulator in the same process, so its copy of the upstream body
# counts too) and the gateway alone in front of `funasr-gateway simulate` in its own process. Not part of
# `make test`; run it on a quiet machine.
#   scripts/upload-rss.sh [BINARY ...]     default: .build/release/funasr-gateway
# Cases: a 10 MB OpenAI multipart upload and a 10 MB raw Flash body (both transcribed by Flash), a 60 MB OpenAI
# multipart upload (spooled to disk, transcribed as a job), and 60 MB to POST /v1/transcriptions as a form (spooled)
# and as a raw body (streamed to the temporary storage). `make bench` appends this table to BENCHMARKS.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BINARIES=("$@")
[ ${#BINARIES[@]} -gt 0 ] || BINARIES=("$ROOT/.build/release/funasr-gateway")
WORK=$(mktemp -d /tmp/funasr-upload-rss.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
head -c 10000000 /dev/urandom >"$WORK/10mb.wav"
head -c 60000000 /dev/urandom >"$WORK/60mb.wav"

hwm_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "(exited)"; }
source "$ROOT/scripts/bench-lib.sh"  # free_port
wait_healthy() { for _ in $(seq 200); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return; sleep 0.05; done; }

run_case() { # binary, setup, label, path, curl arguments...
    local binary=$1 setup=$2 label=$3 path=$4; shift 4
    # Free ports, checked (a random pick once met a port in use: the gateway exited and the run stopped).
    local port upstream simulator=
    port=$(free_port $((20000 + RANDOM % 10000))); upstream=$(free_port $((40000 + RANDOM % 10000)))
    if [ "$setup" = alone ]; then
        "$binary" simulate --listen "127.0.0.1:$upstream" >"$WORK/sim.log" 2>&1 &
        simulator=$!; PIDS+=("$simulator")
        wait_healthy "$upstream"
        DASHSCOPE_API_KEY=sk-upload-rss-0123456789 "$binary" --base-url "http://127.0.0.1:$upstream" \
            --listen "127.0.0.1:$port" --store memory >"$WORK/log" 2>&1 &
    else
        "$binary" --simulate --listen "127.0.0.1:$port" --store memory >"$WORK/log" 2>&1 &
    fi
    local gateway=$!; PIDS+=("$gateway")
    wait_healthy "$port"
    local idle status
    idle=$(hwm_mb "$gateway")
    status=$(curl -s -o "$WORK/answer" -w '%{http_code}' "$@" "http://127.0.0.1:$port$path")
    printf '%-40s %-9s %-26s HTTP %s  idle %5s MB  peak %6s MB\n' "$binary" "$setup" "$label" "$status" "$idle" "$(hwm_mb "$gateway")"
    kill -0 "$gateway" 2>/dev/null || echo "  the gateway had exited: $(tail -n 2 "$WORK/log" | tr '\n' ' ')"
    case $status in 2??) ;; *) echo "  answer: $(head -c 400 "$WORK/answer")"; echo "  log: $(grep -v listening "$WORK/log" | tail -n 3 | tr '\n' ' ')" ;; esac
    kill "$gateway" $simulator 2>/dev/null; wait "$gateway" $simulator 2>/dev/null || true
    PIDS=()
}

for binary in "${BINARIES[@]}"; do
    for setup in simulate alone; do
        run_case "$binary" $setup "10 MB multipart (OpenAI)" /v1/audio/transcriptions -F "file=@$WORK/10mb.wav" -F model=whisper-1
        run_case "$binary" $setup "10 MB raw body (Flash)" /v1/flash -H 'Content-Type: audio/wav' --data-binary "@$WORK/10mb.wav"
        run_case "$binary" $setup "60 MB multipart (OpenAI, job)" /v1/audio/transcriptions -F "file=@$WORK/60mb.wav" -F model=whisper-1
        run_case "$binary" $setup "60 MB multipart (local upload)" /v1/transcriptions -F "file=@$WORK/60mb.wav" -F language_hints=en
        run_case "$binary" $setup "60 MB raw body (local upload)" "/v1/transcriptions?filename=60mb.wav" -H 'Content-Type: audio/wav' --data-binary "@$WORK/60mb.wav"
    done
done

#!/usr/bin/env bash
# `make profile`: instructions and allocations per request, counted by valgrind's callgrind, so that a change is
# judged by a figure that does not move with the load of a shared machine (wall-clock and CPU time do).
#
# Each figure runs one process under callgrind: a warm-up batch, a counter dump, then PROFILE_BATCHES batches of
# PROFILE_REQUESTS sequential requests on one keep-alive connection, each followed by a dump (callgrind_control -d
# resets the counters), so start-up and warm-up never reach a batch. A figure is the median batch / requests.
# Allocations are the calls to malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign in callgrind's
# call graph (callgrind does not replace malloc; it counts the calls like any other).
#   server: the release gateway answering GET /healthz (libmicrohttpd, handler, routing, access log, metrics)
#   client: `funasr-bench client-calls`, DashScopeClient.forward (async-http-client) alone, GET /api/v1/tasks/{id}
#   proxy:  the gateway relaying GET /api/v1/tasks/{id} (native passthrough) to the canned upstream
#   local:  the gateway answering GET /v1/transcriptions/{id} of a job it recorded (submitted first) that is still
#           running: the store read, the task query (one per reuse window upstream), the answer (and a store write
#           when the answer changed)
# The upstream double is nginx with canned answers (bench/nginx-upstream.conf.in), outside valgrind.
# Then each figure runs again without valgrind (which runs one thread at a time) to count context switches per
# request: the thread hand-offs, which cost kernel time callgrind does not see.
# Knobs: PROFILE_REQUESTS (1000) PROFILE_BATCHES (3) PROFILE_OUTPUT (PROFILE.md; "-" prints only)
#        PROFILE_GATEWAY / PROFILE_BENCH (the binaries, default .build/release/…) PROFILE_KEEP (.build/profile: the
#        last batch of each figure, for callgrind_annotate) PROFILE_FIGURES ("server client proxy local")
#        PROFILE_LABEL (what the binaries are, in place of the commit id, when they are not this tree's build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REQUESTS=${PROFILE_REQUESTS:-1000}
BATCHES=${PROFILE_BATCHES:-3}
OUTPUT=${PROFILE_OUTPUT:-$ROOT/PROFILE.md}
GATEWAY=${PROFILE_GATEWAY:-$ROOT/.build/release/funasr-gateway}
BENCH=${PROFILE_BENCH:-$ROOT/.build/release/funasr-bench}
KEEP=${PROFILE_KEEP:-$ROOT/.build/profile}
FIGURES=${PROFILE_FIGURES:-"server client proxy local"}
source "$ROOT/scripts/bench-lib.sh"

for tool in nginx curl valgrind callgrind_control strip "$GATEWAY" "$BENCH"; do
    command -v "$tool" >/dev/null || { echo "profile: $tool is missing (run make profile)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/funasr-profile.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/tmp" "$WORK/logs" "$KEEP"
trap 'stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
printf '%s' sk-profile-0123456789abcdef >"$WORK/key"; chmod 600 "$WORK/key"

# valgrind 3.19 (Debian 12) cannot read the DWARF 5 debug info of Swift 6.3 binaries and gives up: profile copies
# without it (the symbol table stays, so functions keep their names).
strip --strip-debug -o "$WORK/funasr-gateway" "$GATEWAY"
strip --strip-debug -o "$WORK/funasr-bench" "$BENCH"

UP=$(free_port 19510); GW=$(free_port $((UP + 1)))
render_upstream "$WORK/upstream.conf" "$WORK" "$UP"
start_bg "$WORK/logs/upstream.out" nginx -p "$WORK" -c "$WORK/upstream.conf"
wait_port "$UP"

# Replaces the (background) shell it runs in with COMMAND under callgrind, function-level counts only, so that
# the pid the caller holds is valgrind's, the one callgrind_control talks to.
exec_callgrind() {  # exec_callgrind OUTFILE COMMAND...
    local out=$1; shift
    exec valgrind --tool=callgrind --callgrind-out-file="$out" --dump-instr=no --dump-line=no \
        --compress-strings=no --compress-pos=no "$@"
}

# Ir, malloc-family calls and memset Ir of one callgrind dump, tab-separated.
counts() {
    awk '/^fn=/ { fn = substr($0, 4); next }
         /^cfn=/ { callee = substr($0, 5); next }
         /^calls=/ { split($1, a, "="); if (callee ~ /^(malloc|calloc|realloc|posix_memalign|aligned_alloc|memalign)$/) allocs += a[2]; call = 1; next }
         /^[0-9+-]/ { if (!call && fn ~ /^__memset/) memset += $2; call = 0; next }
         /^totals:/ { total = $2 }
         END { printf "%d\t%d\t%d\n", total, allocs, memset }' "$1"
}

# One batch of sequential GETs on one keep-alive connection; fails unless every answer is 200 on one connection.
curl_batch() {
    local url=$1 summary
    summary=$(curl -s "$url#[1-$REQUESTS]" -w '\nSTATUS %{http_code} %{num_connects}\n' \
        | awk '/^STATUS /{ n++; if ($2 == 200) ok++; c += $3 } END { printf "%d %d %d", n, ok, c }')
    [ "$summary" = "$REQUESTS $REQUESTS 1" ] || { echo "profile: batch on $url: requests answers-200 connections = $summary" >&2; return 1; }
}

# Has callgrind in PID write its counters since the last dump to FILE (and reset them).
dump() {
    callgrind_control -d "$1" >/dev/null 2>&1
    [ -s "$2" ] || { echo "profile: callgrind in $1 wrote no $2" >&2; return 1; }
}

RESULTS=$WORK/results.tsv; : >"$RESULTS"
# Records batches 2… of OUTFILE (batch 1 is the warm-up) for FIGURE and keeps the last one.
record() {
    local figure=$1 out=$2 k
    for k in $(seq 2 $((BATCHES + 1))); do
        printf '%s\t%s\n' "$figure" "$(counts "$out.$k")" >>"$RESULTS"
    done
    cp "$out.$((BATCHES + 1))" "$KEEP/$figure.callgrind"
}

# Voluntary context switches of every thread of PID so far: a thread that waits for another to hand it work
# sleeps and is woken, so this counts hand-offs between threads (callgrind counts no kernel work). Involuntary
# switches are left out: they count the other processes on the machine.
ctx_switches() {
    cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches:/ { n += $2 } END { print n + 0 }'
}

# Ends a batch of FIGURE in MODE: callgrind dumps its counters; native records the context switches since the
# last mark (warm-up batch 0 excluded).
mark() {
    local mode=$1 figure=$2 pid=$3 out=$4 k=$5 now
    if [ "$mode" = callgrind ]; then dump "$pid" "$out.$((k + 1))"; return; fi
    now=$(ctx_switches "$pid")
    [ "$k" = 0 ] || printf '%s\t%s\n' "$figure" "$((now - LAST_SWITCHES))" >>"$SWITCHES"
    LAST_SWITCHES=$now
}

# A figure measured on the gateway: MODE (callgrind or native) FIGURE PATH.
profile_gateway() {
    local mode=$1 figure=$2 path=$3 out=$WORK/$2.cg pid k
    # A fresh store per run (the default, ./funasr-gateway-state, carried jobs from earlier runs into this one).
    rm -f "$WORK/$figure-$mode.sqlite"*
    local command=("$WORK/funasr-gateway" --listen "127.0.0.1:$GW" --base-url "http://127.0.0.1:$UP" --api-key-file "$WORK/key"
        --store "$WORK/$figure-$mode.sqlite")
    if [ "$mode" = callgrind ]; then
        start_bg "$WORK/logs/$figure.log" exec_callgrind "$out" "${command[@]}"
    else
        start_bg "$WORK/logs/$figure-native.log" "${command[@]}"
    fi
    pid=$LAST_PID
    for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$GW") 2>/dev/null && break; sleep 0.1; done
    if [ "$figure" = local ]; then  # the job the local figure polls: recorded by this gateway, still running
        submit_open_job "$GW"
    fi
    for k in $(seq 0 "$BATCHES"); do
        curl_batch "http://127.0.0.1:$GW$path"
        mark "$mode" "$figure" "$pid" "$out" "$k"
    done
    stop_pid "$pid"
    [ "$mode" = native ] || record "$figure" "$out"
}

# The client alone (MODE as above): funasr-bench client-calls prints BATCH k and waits for a line before the next.
profile_client() {
    local mode=$1 out=$WORK/client.cg k line
    local command=("$WORK/funasr-bench" client-calls --base-url "http://127.0.0.1:$UP" --path "/api/v1/tasks/$TASK" --requests "$REQUESTS")
    if [ "$mode" = callgrind ]; then
        coproc CLIENT { exec_callgrind "$out" "${command[@]}" 2>"$WORK/logs/client.log"; }
    else
        coproc CLIENT { exec "${command[@]}" 2>"$WORK/logs/client-native.log"; }
    fi
    local pid=$CLIENT_PID in=${CLIENT[1]} from=${CLIENT[0]}
    STARTED_PIDS+=("$pid")
    for k in $(seq 0 "$BATCHES"); do
        read -r line <&"$from" || { echo "profile: client-calls ended early: $(tail -3 "$WORK/logs/client.log")" >&2; return 1; }
        [ "$line" = "BATCH $k" ] || { echo "profile: client-calls said '$line'" >&2; return 1; }
        mark "$mode" client "$pid" "$out" "$k"
        [ "$k" = "$BATCHES" ] || echo go >&"$in"
    done
    exec {in}>&-
    wait "$pid" || true
    [ "$mode" = native ] || record client "$out"
}

SWITCHES=$WORK/switches.tsv; : >"$SWITCHES"
for figure in $FIGURES; do
    for mode in callgrind native; do
        echo "== $figure ($mode): warm-up + $BATCHES batches of $REQUESTS requests"
        case $figure in
            server) profile_gateway "$mode" server /healthz ;;
            client) profile_client "$mode" ;;
            proxy) profile_gateway "$mode" proxy "/api/v1/tasks/$TASK" ;;
            local) profile_gateway "$mode" local "/v1/transcriptions/$OPEN" ;;
            *) echo "profile: unknown figure $figure" >&2; exit 1 ;;
        esac
    done
done

bash "$ROOT/scripts/profile-report.sh" "$RESULTS" "$SWITCHES" "$REQUESTS" "$BATCHES" "$KEEP" "$OUTPUT"

# Helpers for scripts/bench.sh (sourced): ports, processes started and stopped by pid, wrk and sse-client runs.
# Every server this starts listens on 127.0.0.1 and is killed by pid when the bench exits.

STARTED_PIDS=()

# The canned upstream's two tasks: an ended one (the passthrough queries) and the running one every submit is
# answered with (the local query polls it, once the gateway recorded it: submit_open_job).
TASK=8d4f8e2a-6c1b-4e3f-9a2d-5b7c0e1f3a90
OPEN=3b1f9c2e-7a4d-4f6b-8e2c-1d5a9b0c7e41

# A free loopback TCP port from $1 upwards.
free_port() {
    local port=$1
    while ss -Htln "sport = :$port" | grep -q .; do port=$((port + 1)); done
    echo "$port"
}

# Runs a command in the background with its output in a log; its pid is in LAST_PID and kept for cleanup.
start_bg() {
    local log=$1; shift
    "$@" >"$log" 2>&1 &
    LAST_PID=$!
    STARTED_PIDS+=("$LAST_PID")
}

# Kills one process we started (TERM, then KILL after 5 s) and waits for it.
stop_pid() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Stops every process started so far (the trap).
stop_all() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
    STARTED_PIDS=()
}

# Waits until 127.0.0.1:$1 accepts connections (5 s at most).
wait_port() {
    for _ in $(seq 500); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.01
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    return 1
}

# Fills a template's @NAME@ placeholders from NAME=value arguments; the file body values are sed-escaped.
render() {
    local template=$1 output=$2; shift 2
    local script="" pair name value
    for pair in "$@"; do
        name=${pair%%=*}; value=${pair#*=}
        value=$(printf '%s' "$value" | sed -e 's/[\/&|]/\\&/g')
        script+="s|@${name}@|${value}|g;"
    done
    sed -e "$script" "$template" >"$output"
}

# The pids of an nginx master and its workers, comma-separated.
nginx_pids() {
    local master=$1
    { echo "$master"; pgrep -P "$master"; } | paste -sd, -
}

# CPU clock ticks (user + system) used so far by the comma-separated pids.
cpu_ticks() {
    local total=0 pid
    for pid in ${1//,/ }; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# wrk against one condition; appends rps, p50_us, p99_us, failed (and cpu_us per request of PIDS) to $RAW.
#   run_wrk ROUTE CONNS CONDITION ROUND PORT METHOD PATH BODYFILE AUTH PIDS
run_wrk() {
    local route=$1 conns=$2 condition=$3 round=$4 port=$5 method=$6 path=$7 body=$8 auth=$9 pids=${10}
    local threads=2 line ticks_before ticks_after requests
    if [ "$conns" -lt 2 ]; then threads=1; fi
    ticks_before=$(cpu_ticks "$pids")
    line=$(BENCH_METHOD=$method BENCH_PATH=$path BENCH_BODY_FILE=$body BENCH_AUTH=$auth \
        wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 5s -s "$ROOT/bench/wrk.lua" "http://127.0.0.1:$port" \
        | grep '^WRK ' || true)
    ticks_after=$(cpu_ticks "$pids")
    if [ -z "$line" ]; then echo "  wrk produced no result for $route $conns $condition" >&2; return 0; fi
    local rps p50 p99 non2xx errors
    rps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")
    p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$line")
    p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line")
    non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$line")
    errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$line")
    printf 'http\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$route" "$conns" "$condition" "$round" rps "$rps" \
        "$route" "$conns" "$condition" "$round" p50_us "$p50" \
        "$route" "$conns" "$condition" "$round" p99_us "$p99" \
        "$route" "$conns" "$condition" "$round" failed "$((non2xx + errors))" >>"$RAW"
    requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
    if [ -n "$pids" ] && [ "$requests" -gt 0 ]; then
        printf 'http\t%s\t%s\t%s\t%s\tcpu_us\t%s\n' "$route" "$conns" "$condition" "$round" \
            "$(( (ticks_after - ticks_before) * 1000000 / $(getconf CLK_TCK) / requests ))" >>"$RAW"
    fi
    printf '  %-24s c=%-3s %-8s %10s req/s  p50 %6s us  p99 %6s us%s\n' "$route" "$conns" "$condition" "$rps" "$p50" "$p99" \
        "$([ $((non2xx + errors)) -gt 0 ] && echo "  FAILED $((non2xx + errors))")"
}

# sse-client against one condition; appends the given RESULT fields to $RAW under TEST.
#   run_sse TEST ROUTE CONNS CONDITION ROUND "FIELDS" -- sse-client args...
run_sse() {
    local test=$1 route=$2 conns=$3 condition=$4 round=$5 fields=$6; shift 7
    local line field value
    line=$("$BENCH" sse-client --label "$condition" "$@" 2>"$WORK/sse-client.err" | grep '^RESULT ' || true)
    if [ -z "$line" ]; then echo "  sse-client produced no result for $route $condition: $(head -c 300 "$WORK/sse-client.err")" >&2; return 0; fi
    for field in $fields; do
        value=$(tr ' ' '\n' <<<"$line" | sed -n "s/^${field}=//p")
        if [ -n "$value" ]; then
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$test" "$route" "$conns" "$condition" "$round" "$field" "$value" >>"$RAW"
        fi
    done
    echo "  $route $condition: ${line#RESULT }"
    grep -q 'status=ok' <<<"$line" || echo "  stream problem: $(head -c 300 "$WORK/sse-client.err")" >&2
}

# The three conditions rotated by round so none always runs first.
rotated_conditions() {
    case $(( $1 % 3 )) in
        1) echo "direct nginx gateway" ;;
        2) echo "nginx gateway direct" ;;
        *) echo "gateway direct nginx" ;;
    esac
}

# The median of the numbers given (empty ones skipped; decimals too), or n/a.
median() { printf '%s\n' "$@" | grep . | sort -g | awk '{a[NR]=$1} END{print (NR ? a[int((NR+1)/2)] : "n/a")}'; }

# Writes the nginx upstream double's configuration (bench/nginx-upstream.conf.in) with its canned answers.
render_upstream() {  # render_upstream OUTPUT DIR PORT
    render "$ROOT/bench/nginx-upstream.conf.in" "$1" DIR="$2" PORT="$3" \
        TASK_JSON="$(sed "s/@TASK@/$TASK/g" "$ROOT/bench/task-query.json")" OPEN="$OPEN" \
        OPEN_JSON="$(sed "s/@OPEN@/$OPEN/g" "$ROOT/bench/task-query-open.json")" \
        SUBMIT_JSON="$(sed "s/@OPEN@/$OPEN/g" "$ROOT/bench/submit-answer.json")"
}

# Submits through the gateway on PORT, so that it records the running task $OPEN (the canned submit answer).
submit_open_job() {  # submit_open_job PORT
    curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @"$ROOT/bench/submit-local.json" \
        "http://127.0.0.1:$1/v1/transcriptions"
}

#!/usr/bin/env bash
# `make bench`: funasr-gateway side by side with nginx (the reverse proxy people would use to inject the key)
# and a direct call to the upstream double, on loopback. Writes BENCHMARKS.md. Expects release binaries
# (.build/release/funasr-gateway and funasr-bench), nginx and wrk. Knobs (environment):
#   BENCH_ROUNDS (3) BENCH_DURATION (wrk seconds, 3) BENCH_CONNS ("1 16 64") BENCH_STREAMS (1000)
#   BENCH_ROUTES (bench/routes.tsv) BENCH_OUTPUT (BENCHMARKS.md) BENCH_COMMAND (the command recorded)
#   BENCH_PACED_RATE (2500 req/s, the open-loop latency test)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-3}
CONNS=${BENCH_CONNS:-"1 16 64"}
STREAMS=${BENCH_STREAMS:-1000}
ROUTES=${BENCH_ROUTES:-$ROOT/bench/routes.tsv}
OUTPUT=${BENCH_OUTPUT:-$ROOT/BENCHMARKS.md}
GATEWAY=$ROOT/.build/release/funasr-gateway
BENCH=$ROOT/.build/release/funasr-bench
KEY=sk-bench-0123456789abcdef
GENERATION=/api/v1/services/aigc/multimodal-generation/generation
source "$ROOT/scripts/bench-lib.sh"

for tool in nginx wrk "$GATEWAY" "$BENCH"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run make bench)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/funasr-bench.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/tmp" "$WORK/logs"
RAW=$WORK/raw.tsv
NOTES=$WORK/notes.md
: >"$RAW"; printf '## Notes\n\n' >"$NOTES"
trap 'stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
printf '%s' "$KEY" >"$WORK/key"; chmod 600 "$WORK/key"
note() { echo "$*" | tee -a "$NOTES"; }

echo "bench: $(nproc) cores; rounds=$ROUNDS wrk=${DURATION}s conns=($CONNS) streams=$STREAMS; work dir $WORK"
busy=$(pgrep -c -f 'swift-frontend|swift-build' || true)
[ "$busy" -eq 0 ] || echo "bench: WARNING: $busy swift-frontend/swift-build processes are running; figures will be noisy" >&2

UP=$(free_port 19310); SSE=$(free_port $((UP + 1))); PROXY=$(free_port $((SSE + 1)))
SIM=$(free_port $((PROXY + 1))); GW=$(free_port $((SIM + 1))); GWS=$(free_port $((GW + 1))); GWT=$(free_port $((GWS + 1)))
render_upstream "$WORK/upstream.conf" "$WORK" "$UP"
start_bg "$WORK/logs/upstream.out" nginx -p "$WORK" -c "$WORK/upstream.conf"
start_bg "$WORK/logs/sse-upstream.out" "$BENCH" sse-upstream --listen "127.0.0.1:$SSE"
wait_port "$UP"; wait_port "$SSE"

# 1. Start-up time and idle RSS (nothing else is busy yet).
echo "== start-up: process start -> first answered GET /healthz; idle RSS"
line=$("$BENCH" startup --port "$GWT" --runs 5 --log "$WORK/logs/startup.log" -- \
    "$GATEWAY" --listen "127.0.0.1:$GWT" --base-url "http://127.0.0.1:$UP" --api-key-file "$WORK/key" \
    --store "$WORK/startup.sqlite" | tee /dev/stderr | grep '^RESULT ')
for field in startup_ms idle_rss_kb; do
    printf 'startup\thealthz\t1\tgateway\t1\t%s\t%s\n' "$field" "$(tr ' ' '\n' <<<"$line" | sed -n "s/^$field=//p")" >>"$RAW"
done

# 2. The upstream double for plain requests: nginx's canned JSON or the simulator, whichever is faster.
echo "== upstream double: canned nginx vs the simulator (GET /api/v1/tasks/{id}, 64 connections, 2 s)"
start_bg "$WORK/logs/simulator.out" "$GATEWAY" simulate --listen "127.0.0.1:$SIM" --pending-ms 0 --running-ms 0 --event-interval-ms 0
sim_pid=$LAST_PID
wait_port "$SIM"
sim_task=$(curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -H 'X-DashScope-Async: enable' \
    --data @"$ROOT/bench/submit-dashscope.json" "http://127.0.0.1:$SIM/api/v1/services/audio/asr/transcription" \
    | sed -E 's/.*"task_id":"([^"]+)".*/\1/')
rate() {  # req/s of GET $2 on port $1, 0 when any answer was not 2xx
    BENCH_PATH=$2 BENCH_AUTH=$KEY wrk -t2 -c64 -d2s -s "$ROOT/bench/wrk.lua" "http://127.0.0.1:$1" \
        | sed -nE 's/^WRK rps=([0-9.]+) .* non2xx=0 errors=0 .*/\1/p' | grep . || echo 0
}
nginx_rate=$(rate "$UP" "/api/v1/tasks/$TASK"); sim_rate=$(rate "$SIM" "/api/v1/tasks/$sim_task")
stop_pid "$sim_pid"
note "- Upstream double for plain requests, measured once (wrk -c64 -d2s, GET /api/v1/tasks/{id}): canned nginx ${nginx_rate} req/s, the built-in simulator ${sim_rate} req/s."
if awk "BEGIN{exit !($sim_rate > $nginx_rate)}"; then
    note "  The simulator was faster this time, but its tasks live in memory and its answers are not canned; nginx is kept so every condition gets the same bytes."
else
    note "  nginx is faster and is the upstream for the plain-request tables."
fi

# 3. The nginx reverse proxy and the gateways (one per upstream: plain, SSE).
render "$ROOT/bench/nginx-proxy.conf.in" "$WORK/proxy.conf" DIR="$WORK" PORT="$PROXY" UPSTREAM_PORT="$UP" SSE_PORT="$SSE" KEY="$KEY"
start_bg "$WORK/logs/proxy.out" nginx -p "$WORK" -c "$WORK/proxy.conf"; proxy_pid=$LAST_PID
# Each gateway keeps its jobs in a store of its own in the work directory (the default, ./funasr-gateway-state,
# would carry jobs from one run to the next and change what a local query does).
start_bg "$WORK/logs/gateway.log" "$GATEWAY" --listen "127.0.0.1:$GW" --base-url "http://127.0.0.1:$UP" --api-key-file "$WORK/key" \
    --store "$WORK/gateway.sqlite"
gw_pid=$LAST_PID
start_bg "$WORK/logs/gateway-sse.log" "$GATEWAY" --listen "127.0.0.1:$GWS" --base-url "http://127.0.0.1:$SSE" --api-key-file "$WORK/key" \
    --store "$WORK/gateway-sse.sqlite"
gws_pid=$LAST_PID
wait_port "$PROXY"; wait_port "$GW"; wait_port "$GWS"
# task-query-local polls a job this gateway recorded: submitted (the canned answer names $OPEN) and still running.
submit_open_job "$GW"
port_of() { case $1 in direct) echo "$UP" ;; nginx) echo "$PROXY" ;; gateway) echo "$GW" ;; esac; }
pids_of() { case $1 in direct) echo "" ;; nginx) nginx_pids "$proxy_pid" ;; gateway) echo "$gw_pid" ;; esac; }

# Routes present: a probe of each must answer 2xx through the gateway.
HTTP_ROUTES=(); SSE_ROUTES=()
while IFS=$'\t' read -r kind name method gpath gbody dpath dbody; do
    case $kind in http|sse) ;; *) continue ;; esac
    gpath=${gpath//@TASK@/$TASK}; dpath=${dpath//@TASK@/$TASK}; gpath=${gpath//@OPEN@/$OPEN}; dpath=${dpath//@OPEN@/$OPEN}
    if [ "$kind" = http ]; then
        args=(-X "$method"); [ "$gbody" != - ] && args+=(-H 'Content-Type: application/json' --data-binary @"$ROOT/bench/$gbody")
        code=$(curl -s -o "$WORK/probe.out" -w '%{http_code}' "${args[@]}" "http://127.0.0.1:$GW$gpath")
        HTTP_ROUTES_LINE="$name|$method|$gpath|$gbody|$dpath|$dbody"
    else
        "$BENCH" sse-client --url "http://127.0.0.1:$GWS$gpath" --api "$gbody" --events 3 --interval-ms 1 --label probe \
            >"$WORK/probe.out" 2>&1 && code=200 || code=$(grep -o 'HTTP [0-9]*' "$WORK/probe.out" | head -1 | tr -dc 0-9)
    fi
    if [[ "$code" == 2* ]]; then
        [ "$kind" = http ] && HTTP_ROUTES+=("$HTTP_ROUTES_LINE") || SSE_ROUTES+=("$name|$gpath|$gbody|$dpath")
    else
        note "- Route \`$name\` ($method $gpath) skipped: the gateway answered HTTP ${code:-none} (route not present in this build)."
    fi
done <"$ROUTES"

# 4. Plain requests: wrk, conditions rotated inside each round.
echo "== plain requests: wrk -d${DURATION}s --latency, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
    for entry in "${HTTP_ROUTES[@]}"; do
        IFS='|' read -r name method gpath gbody dpath dbody <<<"$entry"
        for conns in $CONNS; do
            for condition in $(rotated_conditions "$round"); do
                path=$dpath; body=$dbody; auth=
                [ "$condition" = gateway ] && { path=$gpath; body=$gbody; }
                [ "$condition" = direct ] && auth=$KEY
                [ "$body" = - ] && body= || body=$ROOT/bench/$body
                run_wrk "$name" "$conns" "$condition" "$round" "$(port_of "$condition")" "$method" "$path" "$body" "$auth" \
                    "$(pids_of "$condition")"
            done
        done
    done
done

# 4b. The floor under the gateway's plain-request figures: its upstream client alone (async-http-client through
#     DashScopeClient), against the same canned upstream.
echo "== upstream client alone (funasr-bench client-floor), $ROUNDS rounds"
for conns in 16 64; do
    floor_rps=(); floor_cpu=()
    for round in $(seq "$ROUNDS"); do
        line=$("$BENCH" client-floor --base-url "http://127.0.0.1:$UP" --path "/api/v1/tasks/$TASK" --connections "$conns" \
            --seconds "$DURATION" | grep '^RESULT ' || true)
        echo "  c=$conns round $round: ${line#RESULT }"
        floor_rps+=("$(sed -nE 's/.*rps=([0-9.]+).*/\1/p' <<<"$line")"); floor_cpu+=("$(sed -nE 's/.*cpu_us=([0-9]+).*/\1/p' <<<"$line")")
    done
    note "- Upstream client alone (\`funasr-bench client-floor\`, GET /api/v1/tasks/{id}, $conns concurrent requests, median of $ROUNDS): $(median "${floor_rps[@]}") req/s at $(median "${floor_cpu[@]}") µs CPU per request. No gateway built on this client can pass this rate, whatever its server side costs."
done

#     And the server side alone: the gateway answering GET /healthz (no upstream call) under the same wrk load.
echo "== server side alone (GET /healthz on the gateway), $ROUNDS rounds"
for conns in 16 64; do
    health_rps=(); health_cpu=()
    for round in $(seq "$ROUNDS"); do
        before=$(cpu_ticks "$gw_pid")
        line=$(BENCH_PATH=/healthz wrk -t2 -c"$conns" -d"${DURATION}s" -s "$ROOT/bench/wrk.lua" "http://127.0.0.1:$GW" | grep '^WRK ' || true)
        after=$(cpu_ticks "$gw_pid")
        requests=$(sed -nE 's/.*requests=([0-9]+).*/\1/p' <<<"$line")
        echo "  c=$conns round $round: ${line#WRK }"
        health_rps+=("$(sed -nE 's/.*rps=([0-9.]+).*/\1/p' <<<"$line")")
        [ -n "$requests" ] && [ "$requests" -gt 0 ] && health_cpu+=("$(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))")
    done
    note "- Server side alone (the gateway's \`GET /healthz\`, no upstream call, wrk $conns connections, median of $ROUNDS): $(median "${health_rps[@]}") req/s at $(median "${health_cpu[@]}") µs CPU per request."
done

#     Open-loop latency: 16 requesters at a fixed 2,500 req/s in total (a quarter of the gateway's closed-loop rate),
#     latency counted from when each request was due, so it is not the queue wrk's closed loop builds at saturation.
#     Five rounds, not $ROUNDS: a 3 s round's p99 is its 75 slowest requests, and one stall of the VM's host
#     (perf sched showed both vCPUs stopped ~7 ms at once, charged to whatever ran) delays ~20 of them; the median
#     of five rounds is the third worst instead of the second.
PACED_RATE=${BENCH_PACED_RATE:-2500}
PACED_ROUNDS=${BENCH_PACED_ROUNDS:-5}
echo "== open-loop latency (funasr-bench paced, 16 connections, $PACED_RATE req/s), $PACED_ROUNDS rounds"
paced=$WORK/paced.txt; : >"$paced"
for round in $(seq "$PACED_ROUNDS"); do
    for condition in $(rotated_conditions "$round"); do
        line=$("$BENCH" paced --base-url "http://127.0.0.1:$(port_of "$condition")" --path "/api/v1/tasks/$TASK" \
            --connections 16 --rate "$PACED_RATE" --seconds "$DURATION" --key "$KEY" | grep '^RESULT ' || true)
        echo "  $condition round $round: ${line#RESULT }"
        echo "$condition $(sed -nE 's/.*p50_us=([0-9]+).*/\1/p' <<<"$line") $(sed -nE 's/.*p99_us=([0-9]+).*/\1/p' <<<"$line") $round" >>"$paced"
    done
done
paced_summary=""
for condition in direct nginx gateway; do
    p50=$(median $(awk -v c="$condition" '$1 == c { print $2 }' "$paced"))
    p99=$(median $(awk -v c="$condition" '$1 == c { print $3 }' "$paced"))
    paced_summary+="$condition p50 $p50 µs / p99 $p99 µs; "
done
# p99 added by the gateway, round by round (gateway − direct, the two measured minutes apart at most), then the median.
added=$(awk '$1 == "direct" { d[$4] = $3 } $1 == "gateway" { g[$4] = $3 } END { for (r in g) if (r in d) print g[r] - d[r] }' "$paced")
note "- Open-loop latency (\`funasr-bench paced\`, GET /api/v1/tasks/{id}, 16 connections, $PACED_RATE req/s in total, latency from each request's due time, median of $PACED_ROUNDS): ${paced_summary%; }; p99 added by the gateway (per round, then the median) $(median $added) µs (rounds: $(sort -g <<<"$added" | paste -sd ' '))."

# 5. SSE: per-event latency (1 stream x 400 events 5 ms apart; 10 staggered streams x 200 events 10 ms apart)
#    and one unpaced stream's events/s.
sse_url() { case $1 in direct) echo "http://127.0.0.1:$SSE$GENERATION" ;; nginx) echo "http://127.0.0.1:$PROXY$GENERATION" ;; gateway) echo "http://127.0.0.1:$GWS$2" ;; esac; }
sse_api() { [ "$1" = gateway ] && echo "$2" || echo dashscope; }
echo "== SSE relay: per-event latency and unpaced events/s, $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
    for entry in "${SSE_ROUTES[@]}"; do
        IFS='|' read -r name gpath shape streams_test <<<"$entry"
        for condition in $(rotated_conditions "$round"); do
            auth=(); [ "$condition" = direct ] && auth=(--key "$KEY")
            run_sse sse "$name" 1 "$condition" "$round" "p50_us p99_us max_us complete" -- \
                --url "$(sse_url "$condition" "$gpath")" --api "$(sse_api "$condition" "$shape")" "${auth[@]}" \
                --streams 1 --events 400 --interval-ms 5 --timeout-s 60
            run_sse sse "$name" 10 "$condition" "$round" "p50_us p99_us max_us complete" -- \
                --url "$(sse_url "$condition" "$gpath")" --api "$(sse_api "$condition" "$shape")" "${auth[@]}" \
                --streams 10 --events 200 --interval-ms 10 --timeout-s 60
            run_sse sse-rate "$name" 1 "$condition" "$round" "stream_events_per_s complete" -- \
                --url "$(sse_url "$condition" "$gpath")" --api "$(sse_api "$condition" "$shape")" "${auth[@]}" \
                --streams 1 --events 20000 --interval-ms 0 --timeout-s 60
        done
    done
done

# 6. Many open streams: a fresh gateway; 5 slow events 1 s apart (idle), then 25 events 200 ms apart (flowing).
echo "== $STREAMS concurrent streams: RSS and CPU idle and flowing"
stop_pid "$gws_pid"
for entry in "${SSE_ROUTES[@]}"; do
    IFS='|' read -r name gpath shape streams_test <<<"$entry"
    [ "$streams_test" = yes ] || continue
    for condition in direct nginx gateway; do
        pids=""; sse_pid=""
        case $condition in
            nginx) pids=$(nginx_pids "$proxy_pid") ;;
            gateway)
                start_bg "$WORK/logs/gateway-streams.log" "$GATEWAY" --listen "127.0.0.1:$GWS" \
                    --base-url "http://127.0.0.1:$SSE" --api-key-file "$WORK/key" --store "$WORK/gateway-streams.sqlite"
                sse_pid=$LAST_PID; wait_port "$GWS"; sleep 0.5; pids=$sse_pid ;;
        esac
        auth=(); [ "$condition" = direct ] && auth=(--key "$KEY")
        sample=(); [ -n "$pids" ] && sample=(--sample-pids "$pids")
        run_sse streams "$name" "$STREAMS" "$condition" 1 \
            "complete p99_us rss_base_kb rss_idle_kb rss_flow_kb rss_peak_kb cpu_idle_pct cpu_flow_pct" -- \
            --url "$(sse_url "$condition" "$gpath")" --api "$(sse_api "$condition" "$shape")" "${auth[@]}" "${sample[@]}" \
            --streams "$STREAMS" --slow-events 5 --slow-interval-ms 1000 --events 25 --interval-ms 200 --threads 1 --timeout-s 90
        if [ -n "$sse_pid" ]; then stop_pid "$sse_pid"; fi
    done
done

# 7. Peak memory of single uploads (a fresh gateway per case; the target: < 60 MB during a 60 MB upload).
note ""
note "## Upload memory (scripts/upload-rss.sh: VmHWM of the gateway process, idle and after one upload)"
note ""
note '```'
bash "$ROOT/scripts/upload-rss.sh" "$GATEWAY" | sed "s|$ROOT/||" | tee -a "$NOTES"
note '```'

# 8. Live audio over WebSocket: added latency per frame each way, and 1,000 sessions' memory.
note ""
bash "$ROOT/scripts/bench-live.sh" "$GATEWAY" "$BENCH" | tee -a "$NOTES"

# 9. The report.
query_route=task-query-passthrough; grep -q "^http	$query_route	" "$RAW" || query_route=task-query-local
sse_route=flash-passthrough; grep -q "^sse	$sse_route	" "$RAW" || sse_route=flash-local
[ "$query_route" = task-query-passthrough ] || note "- The query targets are judged on \`task-query-local\`: the passthrough route is not in this build."
cat "$ROOT/bench/notes.md" >>"$NOTES"
cp "$RAW" "$ROOT/.build/bench-raw.tsv" 2>/dev/null || true
"$BENCH" report --raw "$RAW" --command "${BENCH_COMMAND:-make bench}" \
    --wrk="-t2 (-t1 at 1 connection) -d${DURATION}s --latency" --query-route "$query_route" --sse-route "$sse_route" \
    --notes "$NOTES" >"$OUTPUT"
echo
cat "$OUTPUT"

#!/usr/bin/env bash
# The table `make profile` writes (scripts/profile.sh measures): per-request figures from each batch's counts,
# the median batch, and the functions with the most instructions of their own in each figure's kept dump.
#   profile-report.sh RESULTS.tsv SWITCHES.tsv REQUESTS BATCHES KEEPDIR OUTPUT ("-": standard output only)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RESULTS=$1 SWITCHES=$2 REQUESTS=$3 BATCHES=$4 KEEP=$5 OUTPUT=$6
TOP=${PROFILE_TOP:-12}

describe() {
    case $1 in
        server) echo 'server alone: the gateway answering `GET /healthz`' ;;
        client) echo 'client alone: `DashScopeClient.forward`, `GET /api/v1/tasks/{id}` (funasr-bench client-calls)' ;;
        proxy) echo 'proxy: `GET /api/v1/tasks/{id}` through the gateway (native passthrough)' ;;
        local) echo 'local: `GET /v1/transcriptions/{id}` of a running job the gateway recorded (one store read, the task query, the answer)' ;;
    esac
}

# "instructions memset allocations batch-list" per request for one figure, medians over its batches.
per_request() {
    awk -F'\t' -v f="$1" -v n="$REQUESTS" '$1 == f { k++; ir[k] = $2 / n; al[k] = $3 / n; ms[k] = $4 / n; list = list (list ? ", " : "") sprintf("%.0f", $2 / n) }
        function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return a[int((k + 1) / 2)] }
        END { if (k) printf "%.0f\t%.0f\t%.1f\t%s\n", median(ir, k), median(ms, k), median(al, k), list }' "$RESULTS"
}

# PROFILE_LABEL names what was measured when the binaries are not this tree's release build (A/B runs).
# Median context switches per request of one figure ("–" when none were counted).
switches() {
    awk -F'\t' -v f="$1" -v n="$REQUESTS" '$1 == f { k++; v[k] = $2 / n }
        END { if (!k) { print "–"; exit } for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
              printf "%.2f\n", v[int((k + 1) / 2)] }' "$SWITCHES"
}

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || commit="$commit + uncommitted changes in Sources"
commit=${PROFILE_LABEL:-$commit}
demangle() { if command -v swift >/dev/null; then swift demangle --simplified 2>/dev/null || cat; else cat; fi; }

report() {
    echo "# Per-request cost"
    echo
    echo "Counted $(date -u '+%Y-%m-%d %H:%M') UTC at commit \`$commit\` with \`make profile\` (valgrind's callgrind, $BATCHES batches"
    echo "of $REQUESTS sequential requests on one keep-alive connection after a warm-up batch; median batch)."
    echo
    echo "| figure | instructions / request | of which memset | allocations / request | voluntary context switches / request | each batch (instructions / request) |"
    echo "| --- | ---: | ---: | ---: | ---: | --- |"
    for figure in server client proxy local; do
        line=$(per_request "$figure"); [ -n "$line" ] || continue
        IFS=$'\t' read -r ir ms al list <<<"$line"
        printf '| %s | %s | %s | %s | %s | %s |\n' "$(describe "$figure")" "$ir" "$ms" "$al" "$(switches "$figure")" "$list"
    done
    server=$(per_request server | cut -f1); client=$(per_request client | cut -f1); proxy=$(per_request proxy | cut -f1)
    if [ -n "$server" ] && [ -n "$client" ] && [ -n "$proxy" ]; then
        echo
        echo "Glue (proxy − server − client): $((proxy - server - client)) instructions per request."
    fi
    echo
    echo "- Instructions are counted in the process measured only (the gateway, or the client driver), not in curl or"
    echo "  the nginx upstream. Idle work during a batch (timers, epoll wake-ups) is included; it is ~70k instructions a"
    echo "  second under valgrind, well under 1 % of a batch."
    echo "- Voluntary context switches are counted without valgrind (all threads of the process,"
    echo "  \`/proc/PID/task/*/status\`, median batch): each time a thread sleeps until something, often another"
    echo "  thread handing it work, wakes it; waiting for the next request on the socket counts too. Callgrind counts"
    echo "  user-space instructions only, so the kernel's share of a hand-off shows here, not in the instructions."
    echo "- \`memset\` is counted by valgrind one byte-iteration of \`rep stosb\` at a time: mostly libmicrohttpd zeroing"
    echo "  its per-connection memory pool for every request, far cheaper in time than in this count."
    echo "- Allocations are calls to malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign (the Swift"
    echo "  runtime allocates through them; task-local allocations inside a Swift task's slab are not among them)."
    echo "- The last batch of each figure is kept in \`${KEEP#"$ROOT"/}/\` (\`callgrind_annotate\` reads it); its functions by their own instructions:"
    for figure in server client proxy local; do
        file=$KEEP/$figure.callgrind
        [ -f "$file" ] && grep -q "^$figure	" "$RESULTS" || continue
        echo
        echo "<details><summary>$figure: top $TOP functions by own instructions per request</summary>"
        echo
        echo '```'
        awk -v n="$REQUESTS" '/^fn=/ { fn = substr($0, 4); next } /^calls=/ { call = 1; next }
            /^[0-9+-]/ { if (!call) own[fn] += $2; call = 0 }
            END { for (f in own) printf "%d\t%s\n", own[f] / n, f }' "$file" | sort -rn | awk -v top="$TOP" 'NR <= top' | demangle | cut -c1-140
        echo '```'
        echo
        echo "</details>"
    done
    # What was measured before, kept by hand (moves tried, kept or dropped): appended to every report.
    if [ -f "$ROOT/bench/profile-notes.md" ]; then echo; cat "$ROOT/bench/profile-notes.md"; fi
}

if [ "$OUTPUT" = - ]; then report; else report | tee "$OUTPUT"; echo "profile: wrote $OUTPUT"; fi

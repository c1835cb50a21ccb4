#!/usr/bin/env bash
# `make fuzz`: libFuzzer (+ AddressSanitizer) over the parsers that read untrusted bytes. Each target is compiled
# straight from the pure sources it exercises plus Fuzz/<Target>Fuzz.swift and Fuzz/FuzzEntry.swift (no SwiftPM:
# these modules have no dependencies, so a target builds in seconds), then runs for FUZZ_SECONDS over the committed
# seeds in Fuzz/corpus/<target>/ (new inputs go to a scratch copy, never into the repository). A crash leaves its
# input in .build/fuzz/crashes/ and fails the run; turn it into a unit test, then into a seed.
# Env: FUZZ_SECONDS (60 per target), FUZZ_TARGETS ("sse multipart json parameters").
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"sse multipart json parameters"}
out=.build/fuzz
mkdir -p "$out/crashes"

sources() {
    case $1 in
        sse) echo ServerSentEvents Fuzz/SSEParserFuzz.swift Sources/ServerSentEvents/*.swift ;;
        multipart) echo MultipartFuzz Fuzz/MultipartFuzz.swift Sources/Gateway/Server/MultipartForm.swift Sources/Gateway/Server/MultipartStreamReader.swift Sources/Gateway/Server/BytePattern.swift Sources/MicroHTTPServer/WhitespaceTrimming.swift ;;
        json) echo JSON Fuzz/JSONFuzz.swift Sources/JSON/*.swift ;;
        parameters) echo JSON Fuzz/ParametersFuzz.swift Sources/JSON/*.swift Sources/DashScope/Protocol/ParametersInsertion.swift ;;
        *) echo "fuzz: unknown target $1" >&2; exit 2 ;;
    esac
}

status=0
for target in $targets; do
    read -r module files <<<"$(sources "$target")"
    echo "== fuzz $target: building"
    # The module is named after the library so the sources' own `import` of it is a harmless self-import.
    if ! swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name "$module" \
        Fuzz/FuzzEntry.swift $files -o "$out/$target" 2>"$out/$target.build.log"; then
        cat "$out/$target.build.log" >&2
        exit 1
    fi
    scratch=$(mktemp -d)
    cp -r "Fuzz/corpus/$target/." "$scratch/" 2>/dev/null || true
    echo "== fuzz $target: ${seconds}s over $(ls "$scratch" | wc -l) seeds"
    if ! "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$out/crashes/$target-" -print_final_stats=1 "$scratch" 2>"$out/$target.log"; then
        echo "fuzz $target: FAILED, see $out/$target.log and $out/crashes/" >&2
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb" "$out/$target.log" | sed "s/^/  $target /"
    rm -rf "$scratch"
done
exit $status

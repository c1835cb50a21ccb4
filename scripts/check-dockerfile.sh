#!/usr/bin/env bash
# Checks the Dockerfile without a Docker engine (none runs on our machines or in CI):
#   1. it parses into stages: a Swift 6.3 builder and a debian:bookworm-slim runtime (the last stage);
#   2. the builder resolves packages in a layer of its own (COPY Package.swift, swift package resolve, then the
#      sources) and builds release with --static-swift-stdlib;
#   3. the runtime stage installs exactly libmicrohttpd12, libsqlite3-0 and ca-certificates, runs as a non-root USER, EXPOSEs 8080,
#      has a HEALTHCHECK, listens on 0.0.0.0:8080 and copies the binary from the builder;
#   4. the binary `make` built links only against what the runtime stage has. The release image build is too slow
#      for every test run, so we inspect the binary we have (.build/release if present, else .build/debug) with
#      ldd: every shared library must be either part of the Swift runtime (which --static-swift-stdlib links into
#      the image's binary, so the image never needs it) or a file of a Debian package in the runtime's closure:
#      the packages the runtime stage installs plus their Depends, recursively (read with dpkg-query from this
#      Debian 12 machine, the same release as the image), plus libc6, libgcc-s1, libstdc++6 and zlib1g, which
#      debian:bookworm-slim always has (dpkg and apt need them). Then the binary must actually run (--version).
# Usage: scripts/check-dockerfile.sh [Dockerfile]
set -euo pipefail
cd "$(dirname "$0")/.."
dockerfile=${1:-Dockerfile}
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok   $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL $1"; }
check() { if eval "$2"; then pass "$1"; else fail "$1"; fi; }

echo "check-dockerfile: $dockerfile"
[ -f "$dockerfile" ] || { echo "check-dockerfile: $dockerfile not found"; echo "0 passed, 1 failed"; exit 1; }

# One instruction per line: comments dropped, backslash continuations joined, each line prefixed with its stage.
instructions=$(awk '
    /^[[:space:]]*#/ && !continued { next }
    {
        line = $0
        continued = (line ~ /\\[[:space:]]*$/)
        sub(/\\[[:space:]]*$/, "", line)
        buffer = buffer line (continued ? " " : "")
        if (!continued) { if (buffer ~ /[^[:space:]]/) print buffer; buffer = "" }
    }
    END { if (buffer != "") print buffer }
' "$dockerfile" | awk '
    { sub(/^[[:space:]]+/, "") }
    toupper($1) == "FROM" { stage++ }
    { print stage "\t" $0 }
')
stages=$(printf '%s\n' "$instructions" | awk -F'\t' 'toupper(substr($2, 1, 5)) == "FROM " { n++ } END { print n + 0 }')
first_from=$(printf '%s\n' "$instructions" | awk -F'\t' '$1 == 1 && toupper(substr($2, 1, 5)) == "FROM " { print $2; exit }')
last_from=$(printf '%s\n' "$instructions" | awk -F'\t' -v s="$stages" '$1 == s && toupper(substr($2, 1, 5)) == "FROM " { print $2; exit }')
builder=$(printf '%s\n' "$instructions" | awk -F'\t' '$1 == 1 { print $2 }')
runtime=$(printf '%s\n' "$instructions" | awk -F'\t' -v s="$stages" '$1 == s { print $2 }')
builder_name=$(printf '%s\n' "$first_from" | awk '{ for (i = 1; i < NF; i++) if (toupper($i) == "AS") print $(i + 1) }')

# Stages.
check "at least two stages (found $stages)" '[ "$stages" -ge 2 ]'
check "builder is a Swift 6.3 image ($first_from)" 'printf "%s" "$first_from" | grep -Eq "^FROM +(--platform=[^ ]+ +)?swift:6\.3([.-][^ ]*)?( |$)"'
check "runtime is debian:bookworm-slim ($last_from)" 'printf "%s" "$last_from" | grep -Eq "^FROM +(--platform=[^ ]+ +)?debian:bookworm-slim( |$)"'

# Builder: cached resolve, then a static-stdlib release build.
line_of() { printf '%s\n' "$builder" | grep -nE "$1" | head -n1 | cut -d: -f1; }
copy_manifest=$(line_of '^COPY .*Package\.swift')
resolve=$(line_of '^RUN .*swift package resolve')
copy_all=$(line_of '^COPY +(\.|Sources)')
check "builder installs libmicrohttpd-dev" 'printf "%s\n" "$builder" | grep -Eq "^RUN .*apt-get .*install .*libmicrohttpd-dev"'
check "builder installs libsqlite3-dev" 'printf "%s\n" "$builder" | grep -Eq "^RUN .*apt-get .*install .*libsqlite3-dev"'
check "builder copies Package.swift, resolves, then copies the sources" \
    '[ -n "$copy_manifest" ] && [ -n "$resolve" ] && [ -n "$copy_all" ] && [ "$copy_manifest" -lt "$resolve" ] && [ "$resolve" -lt "$copy_all" ]'
check "builder runs swift build -c release --static-swift-stdlib" \
    'printf "%s\n" "$builder" | grep -E "^RUN .*swift build" | grep -e "-c release" | grep -q -e "--static-swift-stdlib"'

# Runtime: packages, user, port, health check, listen address, binary.
runtime_packages=$(printf '%s\n' "$runtime" | grep -E '^RUN ' | sed -e 's/&&/\n/g' -e 's/;/\n/g' | awk '
    { for (i = 1; i <= NF; i++) if ($i == "install" && ($(i-1) == "apt-get" || $(i-1) == "apt" || $(i-1) ~ /^-/)) {
        for (j = i + 1; j <= NF; j++) { if ($j ~ /^-/) continue; if ($j ~ /^[|&;]/) break; print $j } } }
' | sort -u | tr '\n' ' ' | sed 's/ $//')
check "runtime installs exactly ca-certificates libmicrohttpd12 libsqlite3-0 (found: $runtime_packages)" \
    '[ "$runtime_packages" = "ca-certificates libmicrohttpd12 libsqlite3-0" ]'
runtime_user=$(printf '%s\n' "$runtime" | awk 'toupper($1) == "USER" { user = $2 } END { print user }')
check "runtime runs as a non-root USER ($runtime_user)" \
    '[ -n "$runtime_user" ] && ! printf "%s" "$runtime_user" | grep -Eq "^(root|0)(:|$)"'
check "runtime EXPOSEs 8080" 'printf "%s\n" "$runtime" | grep -Eq "^EXPOSE +([^ ]+ +)*8080(/tcp)?( |$)"'
check "runtime has a HEALTHCHECK that runs a command" \
    'printf "%s\n" "$runtime" | grep -E "^HEALTHCHECK " | grep -vq "HEALTHCHECK +NONE" && printf "%s\n" "$runtime" | grep -E "^HEALTHCHECK " | grep -Eq " CMD "'
check "runtime sets FUNASR_GATEWAY_LISTEN=0.0.0.0:8080" \
    'printf "%s\n" "$runtime" | grep -Eq "^ENV +(.* )?FUNASR_GATEWAY_LISTEN(=| +)0\.0\.0\.0:8080( |$)"'
check "runtime copies the binary from the builder (--from=$builder_name)" \
    '[ -n "$builder_name" ] && printf "%s\n" "$runtime" | grep -Eq "^COPY +--from=$builder_name .*funasr-gateway"'

# The binary's shared libraries against the runtime's package closure.
binary=.build/release/funasr-gateway
[ -x "$binary" ] || binary=.build/debug/funasr-gateway
if [ ! -x "$binary" ]; then
    fail "a built binary to inspect (run swift build first)"
else
    swift_lib=$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift
    swift_lib=$(readlink -f "$swift_lib")
    allowed=" libc6 libgcc-s1 libstdc++6 zlib1g "
    queue="$runtime_packages"
    while [ -n "$queue" ]; do
        set -- $queue
        package=$1
        shift
        queue="$*"
        case "$allowed" in *" $package "*) continue ;; esac
        allowed="$allowed$package "
        depends=$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$package" 2>/dev/null || true)
        for dep in $(printf '%s' "$depends" | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:.*//' -e 's/[[:space:]]//g'); do
            [ -n "$dep" ] && queue="$queue $dep"
        done
    done
    bad=""
    while read -r library path; do
        [ -n "$path" ] || continue
        resolved=$(readlink -f "$path")
        case "$resolved" in "$swift_lib"/*) continue ;; esac
        owner=""
        for candidate in "$path" "$resolved" "/usr${path#/usr}" "${path#/usr}" "/usr$resolved" "${resolved#/usr}"; do
            owner=$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1) && [ -n "$owner" ] && break
        done
        case "$allowed" in *" ${owner:-?} "*) ;; *) bad="$bad $library(${owner:-no package})" ;; esac
    done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3; next } $1 ~ /^\// { print $1, $1 }')
    check "$binary links only Swift runtime libraries and packages the runtime stage has${bad:+ (not:$bad)}" '[ -z "$bad" ]'
    check "$binary runs (--version)" '"$binary" --version >/dev/null'
fi

echo "check-dockerfile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

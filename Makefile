# funasr-gateway: `make run` starts the gateway, `make test` runs every test. Both install what they need.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN_RELEASE := .build/release/funasr-gateway
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps browser-deps build release run test clean bench bench-deps fuzz load test-sanitizers profile profile-deps

all: build

# System packages the build links against (libmicrohttpd, libsqlite3 for the job store) and finds them with
# (pkg-config).
deps:
	@if ! dpkg -s libmicrohttpd-dev libsqlite3-dev pkg-config >/dev/null 2>&1; then \
		echo "installing libmicrohttpd-dev, libsqlite3-dev and pkg-config"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libmicrohttpd-dev libsqlite3-dev pkg-config >/dev/null; \
	fi

build: deps
	$(SWIFT) build

# Release builds link the Swift runtime statically (as the container image does): ~2.3 MB less idle RSS than
# loading libswiftCore and friends as shared libraries, and faster calls into the runtime.
RELEASE_FLAGS := -c release --static-swift-stdlib

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product funasr-gateway

# With DASHSCOPE_API_KEY or DASHSCOPE_API_KEY_FILE set: the real DashScope; otherwise the built-in simulator.
run: release
	@if [ -n "$$DASHSCOPE_API_KEY" ] || [ -n "$$DASHSCOPE_API_KEY_FILE" ]; then \
		echo "starting funasr-gateway against DashScope on $${FUNASR_GATEWAY_LISTEN:-$(LISTEN)}"; \
		exec $(BIN_RELEASE) --listen "$${FUNASR_GATEWAY_LISTEN:-$(LISTEN)}"; \
	else \
		echo "no DASHSCOPE_API_KEY configured: starting funasr-gateway in SIMULATE mode (synthetic results)"; \
		exec $(BIN_RELEASE) --simulate --listen "$${FUNASR_GATEWAY_LISTEN:-$(LISTEN)}"; \
	fi

# Swift Testing starts every test at once by default: ~470 tests, each with its own gateway, simulator and HTTP
# clients, on 2 cores and the test process's 2 cooperative threads. At most 12 at a time the run is as fast or faster
# and upstream calls no longer miss the tests' 5 s timeouts on a busy machine (measured: unbounded 42.7 s with a
# failure, 12 wide 31.1 s green, same load).
TEST_WIDTH ?= 12
# ScaleTests (1,000 connections and waiters) run alone after the rest: beside other tests they starved them.

# A headless browser for the page at / (BrowserPageTests drives it over WebDriver). Recommends are skipped: they
# would pull in desktop services (avahi, …) a test run does not need. About a minute on a clean machine.
browser-deps:
	@if ! dpkg -s chromium chromium-driver >/dev/null 2>&1; then \
		echo "installing chromium and chromium-driver (headless browser tests)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; \
	fi

test: deps browser-deps
	$(SWIFT) build --build-tests
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) $(SWIFT) test --skip-build --skip ScaleTests
	$(SWIFT) test --skip-build --filter ScaleTests
	$(MAKE) --no-print-directory .venv/.installed
	.venv/bin/openapi-spec-validator openapi.yaml
	bash scripts/check-dockerfile.sh
	bash scripts/run-schemathesis.sh
	bash scripts/sdk-tests.sh

# The Python test clients (openapi-spec-validator, schemathesis) in a project-local venv, rebuilt when
# requirements-test.txt changes.
.venv/.installed: requirements-test.txt
	rm -rf .venv
	python3 -m venv .venv
	.venv/bin/pip install -q -r requirements-test.txt
	touch $@

# nginx and wrk for `make bench` (Debian packages). A temporary policy-rc.d keeps the package from starting
# nginx as a system service: the bench runs its own nginx processes on loopback ports.
bench-deps: deps
	@if ! command -v nginx >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; then \
		echo "installing nginx and wrk"; \
		guard=; if [ ! -e /usr/sbin/policy-rc.d ]; then \
			printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null && \
			$(SUDO) chmod 755 /usr/sbin/policy-rc.d && guard=1; fi; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx wrk >/dev/null; status=$$?; \
		if [ -n "$$guard" ]; then $(SUDO) rm -f /usr/sbin/policy-rc.d; fi; \
		exit $$status; \
	fi

# Side-by-side benchmark against nginx and a direct call (about 10 minutes); writes BENCHMARKS.md. Not part of `make test`.
bench: bench-deps
	$(SWIFT) build $(RELEASE_FLAGS)
	BENCH_COMMAND="make bench" bash scripts/bench.sh

# valgrind for `make profile` (Debian package), on top of nginx for the canned upstream.
profile-deps: bench-deps
	@if ! command -v valgrind >/dev/null 2>&1; then \
		echo "installing valgrind"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq valgrind >/dev/null; \
	fi

# Instructions and allocations per request (callgrind: repeatable on a shared machine, unlike seconds) for the
# server alone, the upstream client alone and the proxy; writes PROFILE.md (about 2 minutes). Not part of `make test`.
profile: profile-deps
	$(SWIFT) build $(RELEASE_FLAGS)
	bash scripts/profile.sh

# 10,000 malformed requests (0 server errors, still serving) and 1,000 concurrent streams (every event once, in
# order) against the release build on loopback; about a minute. Not part of `make test`.
load: deps
	$(SWIFT) build $(RELEASE_FLAGS)
	bash scripts/load.sh

# libFuzzer + AddressSanitizer over the SSE parser, the multipart reader, the JSON reader and the passthrough's
# parameters insertion, FUZZ_SECONDS (60) each over the seeds in Fuzz/corpus/. Not part of `make test`.
fuzz:
	bash scripts/fuzz.sh

# The Swift suite under ThreadSanitizer, then AddressSanitizer, each in its own build directory (a cold build took
# 10-17 minutes on this 2-core machine while others compiled; the serial run 4-6 minutes). SANITIZERS="thread"
# runs one. Any report fails the run (the sanitizers exit non-zero). Tests that start the binary start the
# instrumented one from the same build directory.
# The ThreadSanitizer build adds -DFUNASR_TSAN: every module's Mutex is then a pthread mutex TSan can see
# (Sources/Locking); Synchronization.Mutex parks on a futex TSan does not see, and TSan reported every access it
# guards as a race. Tests run one at a time (SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=1): at sanitizer speed
# a CPU-heavy test holds one of the two cooperative threads for seconds, and in parallel the in-process servers of
# every other test starved past their timeouts (about 5 minutes each run instead of 1-2).
SANITIZERS ?= thread address
test-sanitizers: deps
	@for s in $(SANITIZERS); do \
		flags=; if [ "$$s" = thread ]; then flags="-Xswiftc -DFUNASR_TSAN"; fi; \
		echo "== swift test --sanitize=$$s $$flags"; \
		$(SWIFT) build --build-tests --sanitize=$$s $$flags --scratch-path .build-$$s || exit 1; \
		ASAN_OPTIONS=detect_leaks=0 SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=1 \
			$(SWIFT) test --skip-build --sanitize=$$s $$flags --scratch-path .build-$$s || exit 1; \
	done

clean:
	rm -rf .build .build-thread .build-address .venv

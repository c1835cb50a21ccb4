# funasr-gateway: `make run` starts the gateway, `make test` runs every test. Both install what they need.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN_RELEASE := .build/release/funasr-gateway
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build release run test clean

all: build

# System packages the build links against (libmicrohttpd) and finds it with (pkg-config).
deps:
	@if ! dpkg -s libmicrohttpd-dev pkg-config >/dev/null 2>&1; then \
		echo "installing libmicrohttpd-dev and pkg-config"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libmicrohttpd-dev pkg-config >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product funasr-gateway

# With DASHSCOPE_API_KEY or DASHSCOPE_API_KEY_FILE set: the real DashScope; otherwise the built-in simulator.
run: release
	@if [ -n "$$DASHSCOPE_API_KEY" ] || [ -n "$$DASHSCOPE_API_KEY_FILE" ]; then \
		echo "starting funasr-gateway against DashScope on $${FUNASR_GATEWAY_LISTEN:-$(LISTEN)}"; \
		exec $(BIN_RELEASE) --listen "$${FUNASR_GATEWAY_LISTEN:-$(LISTEN)}"; \
	else \
		echo "no DASHSCOPE_API_KEY configured: starting funasr-gateway in SIMULATE mode (synthetic results)"; \
		exec $(BIN_RELEASE) --simulate --listen "$${FUNASR_GATEWAY_LISTEN:-$(LISTEN)}"; \
	fi

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build .venv

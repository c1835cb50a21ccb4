# syntax=docker/dockerfile:1
# funasr-gateway as a container (e.g. a sidecar next to an app).
#
#   docker build -t funasr-gateway .
#   docker run --rm -p 8080:8080 \
#     -e DASHSCOPE_API_KEY_FILE=/run/secrets/dashscope_api_key \
#     -v "$PWD/dashscope_api_key:/run/secrets/dashscope_api_key:ro" \
#     -e FUNASR_GATEWAY_TOKENS=change-me-local-token \
#     funasr-gateway
#
# Inside the container the gateway listens on 0.0.0.0:8080 (FUNASR_GATEWAY_LISTEN below). The gateway refuses a
# non-loopback address unless local tokens are set (FUNASR_GATEWAY_TOKENS, comma-separated; clients then send
# `Authorization: Bearer <token>`) or `--allow-unauthenticated` is passed (only on a network you trust, e.g. a
# pod where only the app container can reach the port). Without a key, `--simulate` runs on synthetic results.
# scripts/check-dockerfile.sh (run by `make test`) checks this file's shape without a Docker engine.

# ---- builder: Swift 6.3 on Debian bookworm ----
FROM swift:6.3-bookworm AS builder
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libmicrohttpd-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve packages in their own layer: it is rebuilt only when Package.swift changes.
COPY Package.swift ./
RUN swift package resolve
COPY . .
# --static-swift-stdlib: the Swift runtime and Foundation go into the binary, so the runtime image needs no
# Swift toolchain; libmicrohttpd and libsqlite3 stay shared libraries (libmicrohttpd12, libsqlite3-0 below).
RUN swift build -c release --static-swift-stdlib --product funasr-gateway \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/funasr-gateway" /out/funasr-gateway

# ---- runtime: slim Debian with libmicrohttpd, libsqlite3 and CA certificates only ----
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libmicrohttpd12 libsqlite3-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin funasr \
    && install -d -o 10001 -g 10001 /var/lib/funasr-gateway
COPY --from=builder /out/funasr-gateway /usr/local/bin/funasr-gateway
USER 10001:10001
ENV FUNASR_GATEWAY_LISTEN=0.0.0.0:8080
# The job store (kept jobs and results); mount a volume here to keep them across containers.
ENV FUNASR_GATEWAY_STORE=/var/lib/funasr-gateway/jobs.sqlite
VOLUME /var/lib/funasr-gateway
EXPOSE 8080
# No curl in the slim image: the binary probes itself (GET /healthz on the port of FUNASR_GATEWAY_LISTEN).
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/funasr-gateway", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/funasr-gateway"]
CMD ["serve"]

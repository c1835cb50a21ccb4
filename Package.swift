// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "funasr-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "funasr-gateway", targets: ["funasr-gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        // SHA-1 for the WebSocket handshake, HMAC-SHA256 for webhook signatures. 4.x imports FoundationEssentials on
        // Linux (3.x imports all of Foundation, which this binary keeps out).
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        // SQLite's C API for the job store; only Sources/Gateway/Store/SQLiteDatabase.swift imports it (no GRDB: it
        // imports Foundation, which this binary keeps out).
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Empty except in ThreadSanitizer builds (-DFUNASR_TSAN): a Mutex TSan can see (Sources/Locking).
        .target(name: "Locking"),
        // WebSocket connections on NIO (NIOWebSocket's codec): adopting an upgraded socket, dialling ws/wss, messages.
        .target(
            name: "WebSockets",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "MicroHTTPServer",
            dependencies: ["ASCIIText", "CMicroHTTPD", "Locking", "WebSockets", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "ServerSentEvents"),
        // ASCII text without case (header names): shared by the server, the DashScope client and the gateway.
        .target(name: "ASCIIText"),
        // JSON value, reader, writer and the one string escaper: shared by the client, the gateway, the simulator and logs.
        .target(name: "JSON"),
        .target(
            name: "DashScope",
            dependencies: [
                "ASCIIText", "JSON", "Locking", "ServerSentEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The whole-answer path's TLS (NIOWholeAnswerClient); already linked for WebSockets.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DashScopeSimulator",
            dependencies: [
                "JSON", "Locking", "MicroHTTPServer", "ServerSentEvents", "WebSockets", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "ASCIIText", "CSQLite", "JSON", "Locking", "MicroHTTPServer", "DashScope", "ServerSentEvents", "WebSockets",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Webhook deliveries (the same client the DashScope module uses).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Keep-alive timers of event streams (scheduled callbacks on the shared event loops).
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "funasr-gateway",
            dependencies: [
                "Gateway", "DashScopeSimulator", "JSON", "Locking",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // `transcribe` talks to a running gateway with the HTTP client the gateway already carries.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            // Release links with lld, without exporting every symbol of the package's objects (swiftc's static
            // stdlib arguments pass -export-dynamic; nothing looks them up) and with packed relative relocations
            // (DT_RELR, glibc >= 2.36): the loader no longer reads 2 MB of .rela.dyn and ~1.8 MB of dynamic symbol
            // tables at start. Idle RSS 26.2 -> 22.4 MB with the binary's pages read back from disk, 28.8 -> 22.6 MB
            // as the linker left them in the page cache (bench `startup`, median of 5).
            linkerSettings: [
                .unsafeFlags(
                    ["-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        // Benchmark tools behind `make bench` (not used by any test).
        .executableTarget(
            name: "funasr-bench",
            dependencies: [
                "MicroHTTPServer", "ServerSentEvents", "DashScope", "WebSockets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ServerSentEventsTests", dependencies: ["ServerSentEvents"]),
        .testTarget(
            name: "MicroHTTPServerTests",
            dependencies: [
                "Locking", "MicroHTTPServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "DashScopeSimulatorTests", dependencies: ["DashScopeSimulator", "JSON", "Locking", "MicroHTTPServer"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "DashScope", "DashScopeSimulator", "JSON", "Locking", "MicroHTTPServer", "ServerSentEvents", "WebSockets",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

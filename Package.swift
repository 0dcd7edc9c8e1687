// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Pacer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pacer", targets: ["pacer"]),
        .library(name: "Recurrence", targets: ["Recurrence"]),
        .library(name: "PacerCore", targets: ["PacerCore"]),
        .library(name: "PacerStore", targets: ["PacerStore", "PacerSQLite", "PacerPostgres", "PacerStoreURL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // Rules and time: cron, every-N, weekly, monthly, one-shot. Foundation only.
        .target(name: "Recurrence"),
        // Child processes started with posix_spawn and reaped by a thread of their own.
        .target(name: "ChildProcess"),
        // Domain types and validation. Pure: no I/O, no logging.
        .target(
            name: "PacerCore",
            dependencies: [
                "Recurrence",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The store's roles (schedule catalogue, fire store, run records, events, sessions,
        // tokens, settings) and what the drivers share. No database library.
        .target(name: "PacerStore", dependencies: ["PacerCore"]),
        // The SQLite driver (GRDB): the embedded store of one machine.
        .target(
            name: "PacerSQLite",
            dependencies: ["PacerStore", "PacerCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The PostgreSQL driver (PostgresNIO): the store several replicas share.
        .target(
            name: "PacerPostgres",
            dependencies: ["PacerStore", "PacerCore", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // Opens the store a database URL names, with either driver.
        .target(name: "PacerStoreURL", dependencies: ["PacerStore", "PacerSQLite", "PacerPostgres"]),
        // The operations every surface offers (CLI, YAML, REST API, MCP), written once: they
        // take domain values, return domain values or structured errors, and use the store.
        .target(
            name: "PacerOperations",
            dependencies: ["PacerCore", "PacerStore", "Recurrence"]
        ),
        // Pacer's own MCP server: its tool catalogue, and the streamable HTTP exchange without a
        // web framework. `pacer mcp` serves it over stdio; `pacer serve` mounts it at /mcp.
        .target(
            name: "PacerMCP",
            dependencies: [
                "PacerCore", "PacerStore", "PacerOperations", "PacerAgents", "Recurrence",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // How talking HTTP fails, read from AsyncHTTPClient's and NIO's typed errors.
        .target(
            name: "PacerHTTP",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The scheduler loop: due-time heap, claims, overlap/misfire/retry/timeout policy, drain,
        // retention. Runners come in through PacerCore's protocols.
        .target(
            name: "PacerEngine",
            dependencies: [
                "PacerCore", "PacerStore", "Recurrence",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Agent sessions: model providers, the tool loop, built-in tools, caps, approval.
        .target(
            name: "PacerAgents",
            dependencies: [
                "PacerCore", "PacerOperations", "PacerHTTP", "ChildProcess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
        // The runners of each target kind, item sources and deliverers.
        .target(
            name: "PacerRunners",
            dependencies: [
                "PacerCore", "PacerAgents", "PacerHTTP", "ChildProcess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP server: health and metrics now, the REST API and dashboard later.
        .target(
            name: "PacerServer",
            dependencies: [
                "PacerCore", "PacerStore", "PacerEngine", "PacerAgents", "PacerOperations", "PacerMCP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The dashboard's page, style sheets and scripts, compiled into the binary.
            resources: [
                .embedInCode("Dashboard/Files/index.html"),
                .embedInCode("Dashboard/Files/base.css"),
                .embedInCode("Dashboard/Files/parts.css"),
                .embedInCode("Dashboard/Files/core.js"),
                .embedInCode("Dashboard/Files/client.js"),
                .embedInCode("Dashboard/Files/auth.js"),
                .embedInCode("Dashboard/Files/live.js"),
                .embedInCode("Dashboard/Files/schedules.js"),
                .embedInCode("Dashboard/Files/schedule-detail.js"),
                .embedInCode("Dashboard/Files/schedule-form.js"),
                .embedInCode("Dashboard/Files/sessions.js"),
                .embedInCode("Dashboard/Files/start.js"),
            ]
        ),
        // Test support: the store conformance suite, a manual clock, a local HTTP receiver.
        .target(
            name: "PacerTesting",
            dependencies: [
                "PacerStore", "PacerCore", "Recurrence", "PacerEngine", "PacerOperations", "ChildProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A small program that drives a store from another process: multi-process claim tests,
        // kill tests and the claim-rate benchmark.
        .executableTarget(
            name: "pacer-store-probe",
            dependencies: ["PacerStore", "PacerStoreURL", "PacerCore", "Recurrence"],
            path: "Sources/PacerStoreProbe"
        ),
        // The command line.
        .executableTarget(
            name: "pacer",
            dependencies: [
                "Recurrence", "PacerCore", "PacerStore", "PacerStoreURL", "PacerSQLite", "PacerOperations", "PacerEngine", "PacerAgents", "PacerRunners", "PacerServer", "PacerMCP",
                "ChildProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
        // Release-mode throughput benchmark of `next()`; run by scripts/bench-recurrence.sh.
        .executableTarget(
            name: "RecurrenceBenchmark",
            dependencies: ["Recurrence"],
            path: "Benchmarks/RecurrenceBenchmark"
        ),
        // Release-mode engine benchmark (lateness, sustained fires/s, burst, memory); run by
        // scripts/bench-engine.sh beside the same workloads on a peer scheduler.
        .executableTarget(
            name: "EngineBenchmark",
            dependencies: [
                "PacerEngine", "PacerStore", "PacerSQLite", "PacerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/EngineBenchmark"
        ),
        .testTarget(
            name: "RecurrenceTests",
            dependencies: ["Recurrence"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "ChildProcessTests", dependencies: ["ChildProcess"]),
        .testTarget(
            name: "PacerCoreTests",
            dependencies: ["PacerCore", "Recurrence"]
        ),
        .testTarget(
            name: "PacerStoreTests",
            dependencies: ["PacerStore", "PacerSQLite", "PacerPostgres", "PacerStoreURL", "PacerCore", "Recurrence", "PacerTesting", "pacer-store-probe",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "PacerEngineTests",
            dependencies: ["PacerEngine", "PacerStore", "PacerSQLite", "PacerCore", "Recurrence", "PacerTesting",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "PacerAgentsTests",
            dependencies: [
                "PacerAgents", "PacerCore", "PacerStore", "PacerSQLite", "PacerTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "PacerRunnersTests",
            dependencies: [
                "PacerRunners", "PacerAgents", "PacerCore", "PacerStore", "PacerSQLite", "PacerEngine", "PacerTesting", "PacerHTTP", "PacerOperations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PacerServerTests",
            dependencies: [
                "PacerServer", "PacerStore", "PacerSQLite", "PacerCore", "PacerEngine", "PacerTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "PacerOperationsTests",
            dependencies: ["PacerOperations", "PacerSQLite", "PacerStore", "PacerCore", "PacerTesting"]
        ),
        .testTarget(
            name: "PacerCLITests",
            dependencies: ["pacer", "PacerTesting", "PacerStore", "PacerStoreURL", "PacerSQLite", "PacerCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Every import a file uses is declared in that file.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}

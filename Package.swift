// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Pacer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pacer", targets: ["pacer"]),
        .library(name: "Recurrence", targets: ["Recurrence"]),
        .library(name: "PacerCore", targets: ["PacerCore"]),
        .library(name: "PacerStore", targets: ["PacerStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Rules and time: cron, every-N, weekly, monthly, one-shot. Foundation only.
        .target(name: "Recurrence"),
        // Domain types and validation. Pure: no I/O, no logging.
        .target(name: "PacerCore", dependencies: ["Recurrence"]),
        // The store: one protocol, on SQLite (GRDB) and PostgreSQL (PostgresNIO).
        .target(
            name: "PacerStore",
            dependencies: [
                "PacerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Test support: the store conformance suite (later: manual clock, scripted model server).
        .target(
            name: "PacerTesting",
            dependencies: ["PacerStore", "PacerCore", "Recurrence"]
        ),
        // A small program that drives a store from another process: multi-process claim tests,
        // kill tests and the claim-rate benchmark.
        .executableTarget(
            name: "pacer-store-probe",
            dependencies: ["PacerStore", "PacerCore", "Recurrence"],
            path: "Sources/PacerStoreProbe"
        ),
        // The command line.
        .executableTarget(
            name: "pacer",
            dependencies: [
                "Recurrence",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Release-mode throughput benchmark of `next()`; run by scripts/bench-recurrence.sh.
        .executableTarget(
            name: "RecurrenceBenchmark",
            dependencies: ["Recurrence"],
            path: "Benchmarks/RecurrenceBenchmark"
        ),
        .testTarget(
            name: "RecurrenceTests",
            dependencies: ["Recurrence"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "PacerCoreTests",
            dependencies: ["PacerCore", "Recurrence"]
        ),
        .testTarget(
            name: "PacerStoreTests",
            dependencies: ["PacerStore", "PacerCore", "Recurrence", "PacerTesting", "pacer-store-probe"]
        ),
        .testTarget(
            name: "PacerCLITests",
            dependencies: ["pacer", "PacerTesting"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

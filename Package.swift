// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Drover",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "drover", targets: ["drover"]),
        .library(name: "DroverCore", targets: ["DroverCore"]),
        .library(name: "DroverSSH", targets: ["DroverSSH"]),
        .library(name: "DroverEngine", targets: ["DroverEngine"]),
        .library(name: "DroverStore", targets: ["DroverStore"]),
        .library(name: "DroverRuntime", targets: ["DroverRuntime"]),
        .library(name: "DroverServer", targets: ["DroverServer"]),
        .library(name: "DroverClient", targets: ["DroverClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
    ],
    targets: [
        // C only here, behind a thin shim (SwiftNIO's C* convention).
        .systemLibrary(
            name: "CLibSSH",
            pkgConfig: "libssh",
            providers: [.apt(["libssh-dev"])]
        ),
        // Models, inventory, templating: no I/O beyond reading files.
        .target(
            name: "DroverCore",
            dependencies: [
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The only place that sees an ssh_session.
        .target(
            name: "DroverSSH",
            dependencies: [
                "CLibSSH",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Plays, strategy, batches, modules, rollback; decisions are pure state machines.
        .target(
            name: "DroverEngine",
            dependencies: [
                "DroverCore",
                "DroverSSH",
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The run store: the only place that sees SQL. It knows the run
        // vocabulary (DroverCore), not the engine that produces it.
        .target(
            name: "DroverStore",
            dependencies: [
                "DroverCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The run use-case as a service: RunService, connections, cancellation, host locks.
        .target(
            name: "DroverRuntime",
            dependencies: [
                "DroverCore",
                "DroverSSH",
                "DroverEngine",
                "DroverStore",
            ]
        ),
        // The controller: HTTP API, job templates, run queue. A thin layer
        // over DroverRuntime; the only place that sees Hummingbird.
        .target(
            name: "DroverServer",
            dependencies: [
                "DroverCore",
                "DroverEngine",
                "DroverStore",
                "DroverRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The controller server's API as a client sees it (`drover remote`):
        // requests, errors, the event stream. No server code.
        .target(
            name: "DroverClient",
            dependencies: [
                "DroverCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "drover",
            dependencies: [
                "DroverServer",
                "DroverClient",
                "DroverRuntime",
                "DroverCore",
                "DroverSSH",
                "DroverEngine",
                "DroverStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // Shared by the test targets: the real sshd hosts and process helpers.
        .target(
            name: "DroverTestSupport",
            dependencies: ["DroverSSH", "DroverCore", "DroverEngine"],
            path: "Tests/DroverTestSupport"
        ),
        .testTarget(
            name: "DroverRuntimeTests",
            dependencies: ["DroverRuntime", "DroverEngine", "DroverStore", "DroverCore", "DroverSSH", "DroverTestSupport"]
        ),
        .testTarget(
            name: "DroverServerTests",
            dependencies: [
                "DroverServer",
                "DroverClient",
                "DroverRuntime",
                "DroverStore",
                "DroverCore",
                "DroverEngine",
                "DroverTestSupport",
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "DroverCoreTests",
            dependencies: ["DroverCore", .product(name: "OrderedCollections", package: "swift-collections")],
            exclude: ["Fixtures"]  // test data read via #filePath
        ),
        .testTarget(
            name: "DroverStoreTests",
            dependencies: [
                "DroverStore",
                "DroverEngine",
                "DroverCore",
                "DroverTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "DroverEngineTests",
            dependencies: [
                "DroverEngine",
                "DroverCore",
                "DroverSSH",
                "DroverTestSupport",
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "DroverSSHTests",
            dependencies: [
                "DroverSSH",
                "DroverCore",
                "DroverTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"]  // test data read via #filePath
        ),
    ]
)

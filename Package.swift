// swift-tools-version:6.2
import PackageDescription

/// Strict Swift 6 everywhere, plus the upcoming features the Hummingbird packages use.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let postgres = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let jwt = Target.Dependency.product(name: "JWTKit", package: "jwt-kit")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")

/// A daemon is a library with its `buildApplication` (so tests run the code that ships)
/// plus a one-line executable.
func daemon(_ executable: String, library: String, dependencies: [Target.Dependency]) -> [Target] {
    [
        .target(name: library, dependencies: dependencies, path: "Services/\(executable)/Sources", swiftSettings: strict),
        .executableTarget(name: executable, dependencies: [.byName(name: library)], path: "Services/\(executable)/Main", swiftSettings: strict),
    ]
}

let serviceBase: [Target.Dependency] = ["Budgets", "ServiceKit", "TracePropagation", hummingbird, logging]

let package = Package(
    name: "prompt-card-system",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["gateway"]),
        .executable(name: "cards-api", targets: ["cards-api"]),
        .executable(name: "realtime", targets: ["realtime"]),
        .executable(name: "queue-worker", targets: ["queue-worker"]),
        .executable(name: "llm-proxy", targets: ["llm-proxy"]),
        .executable(name: "healthd", targets: ["healthd"]),
        .executable(name: "assertion-bench", targets: ["assertion-bench"]),
        .executable(name: "queue-bench", targets: ["queue-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // Spans over OTLP/HTTP only: the gRPC exporter would double the build for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    ],
    targets: [
        // Named budgets on every input (size, count, nesting, work, time, quota), one catalog. Pure.
        .target(name: "Budgets", path: "Libraries/Budgets", swiftSettings: strict),
        // Pure domain: templates, assertions. No I/O.
        // JSON values and a strict parser, shared by the assertion engine and the schema validator.
        .target(name: "JSONCore", path: "Libraries/JSONCore", swiftSettings: strict),
        // JSON Schema (draft 2020-12 and draft-07) validation. Pure.
        .target(name: "JSONSchema", dependencies: ["Budgets", "JSONCore"], path: "Libraries/JSONSchema", swiftSettings: strict),
        .target(name: "PromptCards", dependencies: ["Budgets", "JSONCore", "JSONSchema"], path: "Libraries/PromptCards", swiftSettings: strict),
        // The ModelGrader over llm-proxy, for the services that grade (queue-worker, cards-api).
        // The one client of llm-proxy (chat, streamed chat, embeddings) and the grader over it.
        .target(name: "LLMProxyClient", dependencies: ["PromptCards", "ServiceKit", httpClient], path: "Libraries/LLMProxyClient", swiftSettings: strict),
        // bench/assertions.sh: assertions per second on one core (PromptCards only, so its release build is quick).
        .executableTarget(name: "assertion-bench", dependencies: ["PromptCards"], path: "bench/AssertionBench", swiftSettings: strict),
        // bench/queue.sh: no-op jobs per second through the queue's whole path.
        .executableTarget(name: "queue-bench", dependencies: ["Queue", "RedisClient"], path: "bench/QueueBench", swiftSettings: strict),
        // hiredis, the one C boundary.
        .systemLibrary(name: "CHiredis", path: "Libraries/CHiredis"),
        .target(name: "RedisClient", dependencies: ["CHiredis", lifecycle], path: "Libraries/RedisClient", swiftSettings: strict),
        // Config, logging, metrics, health, problem errors, auth checks, lifecycle.
        .target(
            name: "ServiceKit",
            dependencies: [
                "Budgets", hummingbird, logging, jwt, lifecycle, httpClient,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "TracePropagation",
            ],
            path: "Libraries/ServiceKit", swiftSettings: strict),
        // The W3C trace context where the tracer cannot carry it: into jobs and events.
        .target(name: "TracePropagation", dependencies: [.product(name: "Tracing", package: "swift-distributed-tracing")],
                path: "Libraries/TracePropagation", swiftSettings: strict),
        // The typed event vocabulary (run.queued … run.failed) and its envelope. Pure.
        .target(name: "Events", dependencies: ["JSONCore"], path: "Libraries/Events", swiftSettings: strict),
        // The job protocol over Redis Streams: enqueue, claim, lease, retry, dead letters.
        .target(name: "Queue", dependencies: ["RedisClient", "PromptCards", "JSONCore"], path: "Libraries/Queue", swiftSettings: strict),
        // Event channels over Redis: bounded history streams plus pub/sub wake-ups.
        .target(name: "EventStreams", dependencies: ["Events", "JSONCore", "RedisClient"], path: "Libraries/EventStreams", swiftSettings: strict),
        // The outbox relay: publishes committed events from Postgres to Redis, at least once, idempotently.
        .target(name: "EventRelay", dependencies: ["Budgets", "Events", "EventStreams", "Storage", logging, lifecycle], path: "Libraries/EventRelay", swiftSettings: strict),
        // promptfoo configs in and out (YAML or JSON). Pure.
        .target(name: "Promptfoo", dependencies: ["Budgets", "PromptCards", yams], path: "Libraries/Promptfoo", swiftSettings: strict),
        // Postgres pool, migrations, repositories.
        .target(name: "Storage", dependencies: ["Budgets", "Events", "PromptCards", "TracePropagation", postgres, logging], path: "Libraries/Storage", swiftSettings: strict),
        // What runs put on the queue: their test-case jobs (launching a run) and their completion webhooks.
        // Limits shared by every replica through Redis: concurrency slots and request rates (GCRA).
        .target(name: "RateLimiting", dependencies: [
            "Budgets", "RedisClient", logging, .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Libraries/RateLimiting", swiftSettings: strict),
        .target(name: "RunJobs", dependencies: ["Events", "JSONCore", "Queue", "Storage", "TracePropagation", logging], path: "Libraries/RunJobs", swiftSettings: strict),
    ]
    + daemon("gateway", library: "GatewayService", dependencies: serviceBase + [
        "RateLimiting", "RedisClient", httpClient, lifecycle, .product(name: "Metrics", package: "swift-metrics"), .product(name: "Crypto", package: "swift-crypto"),
    ])
    + daemon("cards-api", library: "CardsAPIService", dependencies: serviceBase + [
        "PromptCards", "Promptfoo", "Storage", "Events", "EventStreams", "EventRelay", "Queue", "RedisClient", "LLMProxyClient",
        "RunJobs", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        .product(name: "Crypto", package: "swift-crypto"),
    ])
    + daemon("realtime", library: "RealtimeService", dependencies: serviceBase + [
        "Events", "EventStreams", "RedisClient", httpClient,
        .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
    ])
    + daemon("queue-worker", library: "QueueWorkerService", dependencies: serviceBase + [
        "PromptCards", "Storage", "Events", "EventStreams", "EventRelay", "Queue", "RedisClient", "LLMProxyClient", "RunJobs",
        "JSONCore", httpClient, .product(name: "Crypto", package: "swift-crypto"),
    ])
    + daemon("llm-proxy", library: "LLMProxyService", dependencies: serviceBase + ["RateLimiting", "RedisClient", httpClient])
    + daemon("healthd", library: "HealthService", dependencies: serviceBase + ["RedisClient", "Storage", postgres, httpClient])
    + [
        .target(name: "TestSupport", dependencies: ["Budgets", "RedisClient", httpClient, postgres, logging], path: "Tests/TestSupport", swiftSettings: strict),
        // Runs stored as cards-api stores them, for the tests of the daemons that work on runs.
        .target(name: "RunTestSupport", dependencies: ["Budgets", "PromptCards", "Storage", postgres, logging], path: "Tests/RunTestSupport", swiftSettings: strict),
        .testTarget(name: "EventsTests", dependencies: ["Events", "JSONCore", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PromptCardsTests", dependencies: ["PromptCards", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "JSONCore", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "RedisClientTests", dependencies: ["RedisClient", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "RateLimitingTests", dependencies: ["RateLimiting", "RedisClient", "TestSupport", logging], swiftSettings: strict),
        .testTarget(name: "ServiceKitTests", dependencies: ["Budgets", "ServiceKit", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird")], swiftSettings: strict),
        .testTarget(name: "LLMProxyTests", dependencies: [
            "LLMProxyService", "ServiceKit", "TestSupport", "LLMProxyClient", "PromptCards", "RedisClient", logging,
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: strict),
        .testTarget(name: "CardsAPITests", dependencies: [
            "CardsAPIService", "ServiceKit", "Storage", "TestSupport", "JSONSchema", "PromptCards", "Queue", "Events", "EventStreams", "RedisClient",
            logging, postgres,
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: strict),
        .testTarget(name: "RealtimeTests", dependencies: [
            "RealtimeService", "ServiceKit", "TestSupport", "EventStreams", "Events", "EventRelay", "Storage", "RunTestSupport", "RedisClient", postgres, "JSONCore", "Budgets", httpClient,
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        ], swiftSettings: strict),
        .testTarget(name: "GatewayTests", dependencies: [
            "GatewayService", "ServiceKit", "Budgets", "TestSupport", httpClient, lifecycle,
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: strict),
        .testTarget(name: "PromptfooTests", dependencies: ["Promptfoo", "PromptCards", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "QueueTests", dependencies: [
            "Queue", "Events", "EventStreams", "EventRelay", "Storage", "TestSupport", "RedisClient", logging, postgres,
        ], swiftSettings: strict),
        .testTarget(name: "QueueWorkerTests", dependencies: [
            "QueueWorkerService", "Queue", "RunJobs", "Events", "EventStreams", "Storage", "PromptCards", "RunTestSupport", "Budgets", "RedisClient", "ServiceKit", "TestSupport",
            "JSONCore", hummingbird, logging, postgres, lifecycle, .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .testTarget(name: "HealthTests", dependencies: [
            "HealthService", "ServiceKit", "Storage", "TestSupport", logging, postgres,
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], swiftSettings: strict),
        .testTarget(name: "StorageTests", dependencies: ["Budgets", "Events", "Storage", "TestSupport"], swiftSettings: strict),
        // Dockerfiles, Kubernetes manifests and compose checked against the real daemons;
        // backup/restore exercised on real Postgres and Redis.
        .testTarget(name: "DeploymentTests", dependencies: [
            "TestSupport", "Storage", "RedisClient", yams, httpClient, postgres, logging,
        ], swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "EventStreams", "RedisClient", "TracePropagation", httpClient, logging, hummingbird,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
    ]
)

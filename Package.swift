// swift-tools-version:6.0
import PackageDescription

// No unsafe flags here, so a package that depends on Marquee by version builds it with a plain
// `swift build`. Marquee's own fast release builds (AVX2 + FMA, x86-64-v3) add the CPU flags on the
// command line, from one place: `release_build` in Tools/lib/common.sh (see the README, "CPU").

let package = Package(
    name: "Marquee",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "marquee", targets: ["marquee"]),
        .executable(name: "marquee-bench", targets: ["marquee-bench"]),
        .library(name: "Support", targets: ["Support"]),
        .library(name: "Dataset", targets: ["Dataset"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "VectorSearch", targets: ["VectorSearch"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
        .library(name: "TextEmbedding", targets: ["TextEmbedding"]),
        .library(name: "Charts", targets: ["Charts"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "Workspace", targets: ["Workspace"]),
        .library(name: "Server", targets: ["Server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Documentation only: `swift package generate-documentation --target X` (Tools/check-docs).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS"]),
        .target(name: "Support"),
        .target(name: "Dataset", dependencies: ["Support", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Models", dependencies: ["Dataset", "LinearAlgebra", "Support"]),
        .target(name: "VectorSearch", dependencies: ["LinearAlgebra", "Support"]),
        .target(name: "Retrieval", dependencies: ["Dataset", "Models", "VectorSearch", "LinearAlgebra", "Support"]),
        .target(name: "Evaluation", dependencies: ["Dataset", "Models", "LinearAlgebra", "Retrieval", "Support"]),
        .target(name: "TextEmbedding", dependencies: ["LinearAlgebra", "Support"]),
        .target(name: "Charts"),
        .target(name: "Simulation", dependencies: ["Dataset", "Models", "Retrieval", "Evaluation", "LinearAlgebra", "Support"]),
        .target(name: "Workspace", dependencies: [
            "Dataset", "Models", "VectorSearch", "Retrieval", "Evaluation", "Simulation", "Charts", "TextEmbedding",
            "LinearAlgebra", "Support",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The HTTP API and the web page (Swift string literals, so the binary carries it) over a workspace. Hummingbird stays in this target alone (and the
        // executables that link it), so the libraries build without it.
        .target(
            name: "Server",
            dependencies: [
                "Workspace", "Dataset", "Models", "Retrieval", "Support",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "MarqueeCLI", dependencies: [
            "Workspace", "Models", "Retrieval", "VectorSearch", "Support",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(
            name: "marquee",
            dependencies: [
                "MarqueeCLI", "Workspace", "Server", "Simulation", "Dataset", "Models", "VectorSearch", "Evaluation", "Retrieval", "LinearAlgebra", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "marquee-bench",
            dependencies: [
                "MarqueeCLI", "Workspace", "TextEmbedding", "Dataset", "Models", "VectorSearch", "Evaluation", "Retrieval", "LinearAlgebra", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "Support"]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "DatasetTests", dependencies: ["Dataset", "Support", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Dataset"]),
        .testTarget(name: "VectorSearchTests", dependencies: ["VectorSearch", "LinearAlgebra", "Support"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Models", "Dataset"]),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "Evaluation", "Models", "Dataset", "VectorSearch", "LinearAlgebra", "Support"]),
        .testTarget(name: "TextEmbeddingTests", dependencies: ["TextEmbedding", "LinearAlgebra", "Support"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Evaluation", "Retrieval", "Models", "Dataset"]),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace", "Charts", "Dataset", "Models", "VectorSearch", "Retrieval", "Evaluation"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Workspace", "Dataset",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "MarqueeCLITests", dependencies: ["marquee", "marquee-bench"]),
    ]
)

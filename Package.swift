// swift-tools-version:6.0
import PackageDescription

// Hot targets are compiled for x86-64-v3 (AVX2 + FMA) in release builds so that SIMD
// `addingProduct` becomes a real FMA instruction. Set MARQUEE_PORTABLE=1 to build for baseline x86-64.
let portable = Context.environment["MARQUEE_PORTABLE"] != nil
#if arch(x86_64)
let hotFlags: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-Xcc", "-march=x86-64-v3"])]
#else
let hotFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "Marquee",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "marquee", targets: ["marquee"]),
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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS"], swiftSettings: hotFlags),
        .target(name: "Support", swiftSettings: hotFlags),
        .target(name: "Dataset", dependencies: ["Support", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                swiftSettings: hotFlags),
        .target(name: "Models", dependencies: ["Dataset", "LinearAlgebra", "Support"], swiftSettings: hotFlags),
        .target(name: "VectorSearch", dependencies: ["LinearAlgebra", "Support"], swiftSettings: hotFlags),
        .target(name: "Retrieval", dependencies: ["Dataset", "Models", "VectorSearch", "LinearAlgebra", "Support"],
                swiftSettings: hotFlags),
        .target(name: "Evaluation", dependencies: ["Dataset", "Models", "LinearAlgebra", "Retrieval"], swiftSettings: hotFlags),
        .target(name: "TextEmbedding", dependencies: ["LinearAlgebra", "Support"], swiftSettings: hotFlags),
        .target(name: "Charts"),
        .target(name: "Simulation", dependencies: ["Dataset", "Models", "Retrieval", "Evaluation", "LinearAlgebra", "Support"],
                swiftSettings: hotFlags),
        .target(name: "Workspace", dependencies: [
            "Dataset", "Models", "VectorSearch", "Retrieval", "Evaluation", "Simulation", "Charts", "TextEmbedding",
            "LinearAlgebra", "Support",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(
            name: "marquee",
            dependencies: [
                "Dataset", "Models", "VectorSearch", "Evaluation", "Retrieval", "LinearAlgebra", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "Support"]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "DatasetTests", dependencies: ["Dataset", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Dataset"]),
        .testTarget(name: "VectorSearchTests", dependencies: ["VectorSearch", "LinearAlgebra", "Support"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Models", "Dataset"]),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "Evaluation", "Models", "Dataset", "VectorSearch", "LinearAlgebra"]),
        .testTarget(name: "TextEmbeddingTests", dependencies: ["TextEmbedding", "LinearAlgebra", "Support"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Evaluation", "Retrieval", "Models", "Dataset"]),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace", "Dataset", "Models", "VectorSearch", "Retrieval", "Evaluation"]),
        .testTarget(name: "MarqueeCLITests", dependencies: ["marquee"]),
    ]
)

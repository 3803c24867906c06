// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for every reader Marquee has, kept apart from the main manifest so that the
// sanitizer and fuzzer flags never touch it. Build and run them with `Tools/fuzz`, which passes
// `-sanitize=fuzzer,address -parse-as-library` (and `-enable-testing`, for the readers that are internal).
// One executable per harness; each defines `LLVMFuzzerTestOneInput` and gets libFuzzer's `main`.

/// Harness name → the Marquee modules it reads through.
let harnesses: [(String, [String])] = [
    ("fuzz-ratings-csv", ["Dataset"]),
    ("fuzz-ratings-dat", ["Dataset"]),
    ("fuzz-u-data", ["Dataset"]),
    ("fuzz-movies-csv", ["Dataset"]),
    ("fuzz-movies-dat", ["Dataset"]),
    ("fuzz-u-item", ["Dataset"]),
    ("fuzz-tags-csv", ["Dataset"]),
    ("fuzz-links-csv", ["Dataset"]),
    ("fuzz-config-yaml", ["Workspace"]),
    ("fuzz-npy", ["VectorSearch"]),
    ("fuzz-fvecs", ["VectorSearch"]),
    ("fuzz-ivecs", ["VectorSearch"]),
    ("fuzz-dataset-cache", ["Dataset"]),
    ("fuzz-als-model", ["Models"]),
    ("fuzz-ncf-model", ["Models"]),
    ("fuzz-hnsw-index", ["VectorSearch"]),
    ("fuzz-embedding-store", ["VectorSearch"]),
]

let package = Package(
    name: "MarqueeFuzz",
    dependencies: [
        .package(name: "Marquee", path: ".."),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["FuzzDriver", .product(name: "Support", package: "Marquee")]),
        .target(name: "FuzzDataset", dependencies: ["FuzzSupport", .product(name: "Dataset", package: "Marquee")]),
    ] + harnesses.map { name, dependencies in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport"] + (dependencies == ["Dataset"] ? ["FuzzDataset"] : [])
                + dependencies.map { .product(name: $0, package: "Marquee") },
            path: "Sources/\(name)"
        )
    }
)

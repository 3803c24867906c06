import Foundation
import LinearAlgebra
import Support

/// A deterministic synthetic ANN benchmark set: base vectors, query vectors and their exact nearest
/// neighbours, in the formats of SIFT1M / ann-benchmarks (`base.fvecs`, `queries.fvecs`,
/// `groundtruth.ivecs`).
///
/// The vectors come from a seeded Gaussian mixture that is deliberately not easy: component sizes are
/// uneven (log-normal weights), spreads differ between components (log-normal scales), and every
/// component is anisotropic, with a decaying spectrum of per-axis scales laid on its own random
/// permutation of the axes, so local intrinsic dimension is moderate and varies between regions, as in
/// real embeddings. Components overlap. Queries are fresh draws from the same mixture (never copies of
/// base points).
///
/// Generation is parallel in fixed chunks of rows, each with its own `SeededGenerator(seed:stream:)`,
/// so the same parameters give byte-identical files whatever the number of threads.
public struct SyntheticVectors: Sendable {
    /// Number of base vectors.
    public var count: Int
    /// Dimension of every vector.
    public var dimension: Int
    /// Number of query vectors.
    public var queries: Int
    /// Number of mixture components.
    public var clusters: Int
    /// Neighbours per query in the ground truth.
    public var k: Int
    /// The seed every random choice derives from (same seed and sizes: same files).
    public var seed: UInt64

    /// Rows per generation chunk (fixed, so the output does not depend on the thread count).
    static let rowsPerChunk = 4096

    /// A generator of `count` base vectors and `queries` queries of `dimension` floats drawn from
    /// `clusters` Gaussian components, with the exact `k` nearest neighbours (squared L2) of each query.
    public init(count: Int, dimension: Int, queries: Int, clusters: Int = 100, k: Int = 100, seed: UInt64 = 42) {
        self.count = count
        self.dimension = dimension
        self.queries = queries
        self.clusters = clusters
        self.k = k
        self.seed = seed
    }

    /// Checks the parameters.
    /// - Throws: `SyntheticVectorsError.invalid` naming the bad parameter.
    public func validate() throws {
        guard count > 0 else { throw SyntheticVectorsError.invalid("count must be positive (got \(count))") }
        guard dimension > 0 && dimension <= 65_536 else {
            throw SyntheticVectorsError.invalid("dimension must be in 1...65536 (got \(dimension))")
        }
        guard queries > 0 else { throw SyntheticVectorsError.invalid("queries must be positive (got \(queries))") }
        guard clusters > 0 else { throw SyntheticVectorsError.invalid("clusters must be positive (got \(clusters))") }
        guard k > 0 && k <= count else { throw SyntheticVectorsError.invalid("k must be in 1...\(count) (got \(k))") }
        guard count < Int(Int32.max) else { throw SyntheticVectorsError.invalid("count must fit in 32-bit ids") }
    }

    /// The base and query vectors (row-major, `dimension` columns).
    public func generate(threads: Int = Threads.count) -> (base: Matrix<Float>, queries: Matrix<Float>) {
        let mixture = Mixture(dimension: dimension, clusters: clusters, seed: seed)
        let base = mixture.draw(rows: count, streamBase: 1 << 32, threads: threads)
        let query = mixture.draw(rows: queries, streamBase: 2 << 32, threads: threads)
        return (base, query)
    }

    /// Writes `base.fvecs`, `queries.fvecs` and `groundtruth.ivecs` into `directory` (each atomically).
    /// - Returns: what was written and how long each part took.
    /// - Throws: `SyntheticVectorsError`, or the file errors of `VecsFile`.
    @discardableResult
    public func write(to directory: URL, threads: Int = Threads.count, progress: ProgressReporter? = nil) throws -> SyntheticVectorsSummary {
        try validate()
        var summary = SyntheticVectorsSummary(count: count, dimension: dimension, queries: queries, clusters: clusters, k: k)
        var start = Date()
        let (base, query) = generate(threads: threads)
        summary.generateSeconds = Date().timeIntervalSince(start)

        start = Date()
        let truth = Self.groundTruth(base: base, queries: query, k: k, threads: threads, progress: progress)
        progress?.finish()
        summary.groundTruthSeconds = Date().timeIntervalSince(start)

        start = Date()
        // All three files or none: a staging folder swapped in when complete (`AtomicDirectory`).
        do {
            try AtomicDirectory.publish(to: directory) { staging in
                try VecsFile.write(base, to: staging.appendingPathComponent("base.fvecs"))
                try VecsFile.write(query, to: staging.appendingPathComponent("queries.fvecs"))
                try VecsFile.write(truth, to: staging.appendingPathComponent("groundtruth.ivecs"))
            }
        } catch let error as ArtifactError {
            throw SyntheticVectorsError.writeFailed(path: directory.path, reason: "\(error)")
        }
        summary.writeSeconds = Date().timeIntervalSince(start)
        return summary
    }
}

/// What `SyntheticVectors.write` produced.
public struct SyntheticVectorsSummary: Sendable, Equatable, Codable {
    /// Base vectors written.
    public var count: Int
    /// Floats per vector.
    public var dimension: Int
    /// Query vectors written.
    public var queries: Int
    /// Mixture components.
    public var clusters: Int
    /// Ground-truth neighbours per query.
    public var k: Int
    /// Wall time of generating the vectors, in seconds.
    public var generateSeconds = 0.0
    /// Wall time of the exact ground truth, in seconds.
    public var groundTruthSeconds = 0.0
    /// Wall time of writing the files, in seconds.
    public var writeSeconds = 0.0

    enum CodingKeys: String, CodingKey {
        case count, dimension, queries, clusters, k, generateSeconds = "generate_seconds"
        case groundTruthSeconds = "groundtruth_seconds", writeSeconds = "write_seconds"
    }
}

/// What can go wrong when generating synthetic vectors.
public enum SyntheticVectorsError: Error, CustomStringConvertible, Equatable {
    /// A size or setting out of range, in words.
    case invalid(String)
    /// Writing an output file failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(reason): return "synthetic vectors: \(reason)"
        case let .writeFailed(path, reason): return "\(path): write failed (\(reason))"
        }
    }
}

/// The Gaussian mixture: component weights, centres, spreads and per-axis scales.
struct Mixture: Sendable {
    let dimension: Int
    let clusters: Int
    let seed: UInt64
    /// Cumulative component weights (for a binary-search draw).
    let cumulative: [Double]
    /// `clusters × dimension` centres.
    let centres: [Float]
    /// `clusters × dimension` per-axis standard deviations.
    let scales: [Float]

    init(dimension d: Int, clusters c: Int, seed: UInt64) {
        dimension = d
        clusters = c
        self.seed = seed
        var g = SeededGenerator(seed: seed, stream: 0)
        var weights = (0..<c).map { _ in exp(1.0 * Double(g.nextGaussian())) }
        let sum = weights.reduce(0, +)
        var acc = 0.0
        for i in 0..<c { acc += weights[i] / sum; weights[i] = acc }
        weights[c - 1] = 1
        cumulative = weights
        centres = (0..<(c * d)).map { _ in g.nextGaussian() }
        // Spectrum (j+1)^-0.7 scaled so a component's mean squared radius is spread² × 0.35 × d:
        // neighbouring components overlap.
        let spectrum = (0..<d).map { Float(pow(Double($0 + 1), -0.7)) }
        let norm = (spectrum.reduce(0) { $0 + $1 * $1 } / Float(d)).squareRoot()
        var s = [Float](repeating: 0, count: c * d)
        for cluster in 0..<c {
            let spread = 0.6 * exp(0.35 * g.nextGaussian())
            var axes = Array(0..<d)
            axes.shuffle(using: &g)
            for j in 0..<d { s[cluster * d + axes[j]] = spread * spectrum[j] / norm }
        }
        scales = s
    }

    /// Draws `rows` points; chunk i uses stream `streamBase + i`.
    func draw(rows: Int, streamBase: UInt64, threads: Int) -> Matrix<Float> {
        let d = dimension
        var values = [Float](repeating: 0, count: rows * d)
        let chunk = SyntheticVectors.rowsPerChunk
        values.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendable(buffer.baseAddress!)
            parallelFor(rows, threads: threads, grain: chunk) { range, _ in
                // One stream per fixed chunk (a single worker gets the whole range at once).
                for chunkStart in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
                    var g = SeededGenerator(seed: seed, stream: streamBase + UInt64(chunkStart / chunk))
                    centres.withUnsafeBufferPointer { centres in
                        scales.withUnsafeBufferPointer { scales in
                            for r in chunkStart..<min(range.upperBound, chunkStart + chunk) {
                                let c = component(g.nextDouble())
                                let row = out.value + r * d
                                for j in 0..<d { row[j] = centres[c * d + j] + scales[c * d + j] * g.nextGaussian() }
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: rows, columns: d, values: values)
    }

    /// The component whose cumulative weight interval holds `u`.
    private func component(_ u: Double) -> Int {
        var lo = 0, hi = clusters - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

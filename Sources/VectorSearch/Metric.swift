import LinearAlgebra
import Support

/// How two vectors are compared. Every index reports a *distance*: smaller is closer.
///
/// - `l2`: squared Euclidean distance ‖a − b‖².
/// - `innerProduct`: 1 − a·b (maximum inner product search; the same convention as hnswlib).
/// - `cosine`: 1 − a·b over unit vectors. Vectors are normalised when inserted and queries when asked;
///   a zero vector has no direction, so indexes refuse it (and report its id) instead of storing it.
public enum Metric: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Squared Euclidean distance ‖a − b‖².
    case l2
    /// 1 − a·b, for maximum inner product search.
    case innerProduct = "ip"
    /// 1 − cos(a, b), computed as 1 − a·b over normalised vectors.
    case cosine

    /// Parses "l2", "ip" / "inner_product" / "dot", "cosine" / "cos".
    public init?(name: String) {
        switch name.lowercased() {
        case "l2", "euclidean", "squared_l2": self = .l2
        case "ip", "inner_product", "innerproduct", "dot", "mips": self = .innerProduct
        case "cosine", "cos", "angular": self = .cosine
        default: return nil
        }
    }

    public var description: String { rawValue }

    /// The distance between `a` and `b` (`count` elements each). Cosine assumes both are already unit vectors.
    @inline(__always)
    public func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        switch self {
        case .l2: return Kernels.squaredL2(a, b, count: count)
        case .innerProduct, .cosine: return 1 - Kernels.dot(a, b, count: count)
        }
    }

    /// The similarity people expect to see for a distance: 1 − distance for inner product and cosine
    /// (the inner product or the cosine itself), −distance for L2.
    public func score(distance: Float) -> Float {
        self == .l2 ? -distance : 1 - distance
    }
}

/// A distance kernel chosen once per query so the hot loop has no switch (generic specialisation).
@usableFromInline
protocol DistanceKernel {
    static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float
}

/// Squared L2.
@usableFromInline
enum L2Kernel: DistanceKernel {
    @inline(__always) @usableFromInline
    static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        // `count` is the index's fixed dimension, so this branch is always predicted.
        count == 64 ? Kernels.squaredL2x64(a, b) : Kernels.squaredL2(a, b, count: count)
    }
}

/// 1 − inner product.
@usableFromInline
enum DotKernel: DistanceKernel {
    @inline(__always) @usableFromInline
    static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        1 - (count == 64 ? Kernels.dotx64(a, b) : Kernels.dot(a, b, count: count))
    }
}

/// One answer of a k-NN query: the vector's id and its distance to the query (see `Metric`).
public struct Neighbor: Sendable, Equatable, Hashable, Codable {
    /// The id the vector was added with.
    public let id: Int
    /// Distance to the query under the index's metric (smaller is closer).
    public let distance: Float

    /// A neighbour with its distance.
    public init(id: Int, distance: Float) {
        self.id = id
        self.distance = distance
    }
}

/// Errors of the vector indexes and the embedding store.
public enum VectorIndexError: Error, CustomStringConvertible, Equatable {
    /// A vector or query of another length than the index's dimension.
    case dimensionMismatch(expected: Int, found: Int)
    /// An id added twice.
    case duplicateID(Int)
    /// An id the index never held.
    case unknownID(Int)
    /// An id that was removed (searches skip it; it cannot be removed again).
    case removedID(Int)
    /// A vector holding NaN or ±infinity.
    case nonFiniteVector(id: Int)
    /// An all-zero vector under cosine, which has no direction.
    case zeroVector(id: Int)
    /// A construction or search setting out of range (`m`, `ef`, `k`, …), by name.
    case badParameter(name: String, reason: String)
    /// A saved index or embedding store whose contents disagree with its metadata.
    case badFile(path: String, reason: String)
    /// An embedding store without the matrix asked for.
    case missingMatrix(path: String, name: String)

    public var description: String {
        switch self {
        case let .dimensionMismatch(expected, found): return "vector has \(found) dimensions, the index has \(expected)"
        case let .duplicateID(id): return "id \(id) is already in the index"
        case let .unknownID(id): return "id \(id) is not in the index"
        case let .removedID(id): return "id \(id) was removed from the index"
        case let .nonFiniteVector(id): return "vector \(id) holds NaN or infinity"
        case let .zeroVector(id): return "vector \(id) is all zeros: it has no direction, so cosine similarity is undefined"
        case let .badParameter(name, reason): return "\(name): \(Echo.quote(reason, limit: 300))"
        case let .badFile(path, reason): return "\(path): \(Echo.quote(reason, limit: 300))"
        case let .missingMatrix(path, name): return "\(path): no matrix named '\(Echo.quote(name, limit: 40))'"
        }
    }
}

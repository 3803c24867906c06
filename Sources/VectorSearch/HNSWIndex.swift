import Foundation
import LinearAlgebra
import Support

/// How an inner-product index answers maximum-inner-product queries.
public enum MIPSStrategy: String, Codable, Sendable, CaseIterable {
    /// Build the graph directly on 1 − x·y (not a metric, but HNSW copes; as hnswlib's "ip" space).
    case graph
    /// Reduce MIPS to L2 with one extra coordinate (Bachrach et al., 2014): x' = [x, √(B² − ‖x‖²)] with
    /// B the largest norm, q' = [q, 0], so ‖q' − x'‖² = ‖q‖² + B² − 2 q·x ranks as −q·x.
    case l2Reduction = "l2-reduction"
}

/// An approximate nearest-neighbour index: a Hierarchical Navigable Small World graph (Malkov &
/// Yashunin, "Efficient and robust approximate nearest neighbor search using Hierarchical Navigable
/// Small World graphs", IEEE TPAMI 2018).
///
/// Each vector gets a random top level ℓ = ⌊−ln U · mL⌋ with mL = 1 / ln m. Level 0 holds every node
/// with up to `2m` links; higher levels hold exponentially fewer nodes with up to `m` links each. A query
/// descends greedily from the entry point through the upper levels, then runs a best-first search of
/// width `ef` on level 0.
///
/// **Layout.** Level 0 is one flat, 64-byte-aligned block addressed by a `UInt32` internal id: each node's
/// slot holds its vector, then its link count and `2m` link slots, so one node is a few adjacent cache
/// lines. Upper-level links live in a separate flat `UInt32` array; ids (labels), levels and deleted
/// flags are separate arrays. There are no per-node objects.
///
/// **Concurrency model.** Any number of searches may run at once from any threads: they take a shared
/// (read) lock and never write to the graph. Mutations (`add`, `remove`) take the lock exclusively, so a
/// search sees the index either before or after a mutation, never halfway. Within one bulk `add`, the
/// insertion itself runs on several threads, guarding each link list with striped mutexes and the entry
/// point with its own lock. Per-query knobs (`ef`, filters) are parameters, never stored on the index.
///
/// **Determinism.** Levels come from a `SeededGenerator` drawn in insertion order, so a single-threaded
/// build with a seed is reproducible bit for bit. Parallel builds give equally good but not identical graphs.
public final class HNSWIndex: @unchecked Sendable {
    /// Construction settings.
    public struct Parameters: Sendable, Equatable, Codable {
        /// Links per node on the upper levels (`2m` on level 0). 12–48 are typical; 16 is the default.
        public var m: Int
        /// Width of the candidate list while inserting: larger builds slower and gives better recall.
        public var efConstruction: Int
        /// Seed of the random levels.
        public var seed: UInt64
        /// How `.innerProduct` indexes are built (ignored for other metrics). The default, `.graph`, gave
        /// better recall at equal speed on ALS vectors (BENCHMARKS.md, "Vector search (HNSW)").
        public var mipsStrategy: MIPSStrategy

        /// hnswlib's defaults for `m` and `efConstruction` (16, 200), seed 42, the `graph` MIPS strategy.
        public init(m: Int = 16, efConstruction: Int = 200, seed: UInt64 = 42, mipsStrategy: MIPSStrategy = .graph) {
            self.m = m
            self.efConstruction = efConstruction
            self.seed = seed
            self.mipsStrategy = mipsStrategy
        }
    }

    /// What a bulk `add` did.
    public struct AddReport: Sendable, Equatable {
        /// Vectors inserted.
        public var added = 0
        /// Ids of zero vectors refused under cosine (they have no direction).
        public var refusedZeroVectors: [Int] = []
        /// Nodes the build left unreachable, on any level, that the closing repair pass linked back in
        /// (`relinkUnreachable()`): 0 when insertion alone kept the graph connected.
        public var relinked = 0
        /// The ids of those that were unreachable on level 0 (no search could have returned them).
        public var relinkedIDs: [Int] = []
    }

    /// The metric every distance is reported in.
    public let metric: Metric
    /// Dimension of the vectors as added and queried.
    public let dimension: Int
    /// Construction settings.
    public let parameters: Parameters

    // Derived settings.
    let storedDimension: Int
    let reduction: Bool
    let l2Space: Bool
    let m: Int
    let maxM0: Int
    let mL: Double
    let nodeStride: Int
    let linksOffset: Int

    // Storage (see the type's documentation).
    var level0: UnsafeMutableRawPointer
    var ownsLevel0: Bool
    var capacity: Int
    var count: Int = 0
    var labels: UnsafeMutablePointer<Int64>
    var levels: UnsafeMutablePointer<UInt8>
    var deleted: UnsafeMutablePointer<UInt8>
    var upperStart: UnsafeMutablePointer<UInt32>
    var upper: UnsafeMutablePointer<UInt32>
    var upperCapacity: Int
    var upperUsed: Int = 0
    var nodeOfLabel: [Int64: UInt32] = [:]
    var entryPoint: UInt32 = .max
    var maxLevel: Int = -1
    var deletedCount = 0
    /// Largest norm B of the MIPS reduction (fixed by the first bulk add).
    var normBound: Float = 0
    var levelGenerator: SeededGenerator
    /// Zero vectors refused under cosine, over the index's life.
    public internal(set) var refusedZeroVectors: [Int] = []
    /// Where the index came from (the model it was built over and its checksum, the data, the settings),
    /// set by the builder before `save`; nil for indexes that never had it. Saved in `meta`.
    public var provenance: Provenance?
    /// Where the ids came from (`.rows` when the vectors came without ids); saved with the index.
    public internal(set) var idSource: IDSource = .unknown

    let rwLock = ReadWriteLock()
    let stripes = StripedLocks()
    let entryLock = NSLock()
    let pool: ScratchPool
    /// Keeps a memory-mapped file alive while `level0` points into it.
    var backing: ArtifactReader?

    /// The largest vector dimension an index takes (a node's slot must stay addressable).
    public static let maximumDimension = 1 << 16

    /// An empty index.
    /// - Parameters:
    ///   - dimension: length of every vector, in 1...``maximumDimension``.
    ///   - metric: `.l2`, `.innerProduct` or `.cosine`.
    ///   - parameters: `m` (2...200), `efConstruction`, seed, MIPS strategy.
    ///   - capacity: vectors to reserve room for (grows as needed).
    /// - Precondition: `dimension` and `parameters.m` are in range (the CLI and config check them first).
    public init(dimension: Int, metric: Metric, parameters: Parameters = Parameters(), capacity: Int = 1024) {
        precondition(dimension > 0 && dimension <= HNSWIndex.maximumDimension, "dimension must be in 1...\(HNSWIndex.maximumDimension)")
        precondition(parameters.m >= 2 && parameters.m <= 200, "m must be in 2...200")
        self.metric = metric
        self.dimension = dimension
        self.parameters = parameters
        reduction = metric == .innerProduct && parameters.mipsStrategy == .l2Reduction
        l2Space = metric == .l2 || reduction
        storedDimension = dimension + (reduction ? 1 : 0)
        m = parameters.m
        maxM0 = 2 * parameters.m
        mL = 1 / log(Double(parameters.m))
        linksOffset = storedDimension * 4
        nodeStride = (linksOffset + 4 * (1 + maxM0) + 15) / 16 * 16
        self.capacity = max(1, capacity)
        level0 = UnsafeMutableRawPointer.allocate(byteCount: self.capacity * nodeStride, alignment: 64)
        ownsLevel0 = true
        labels = .allocate(capacity: self.capacity)
        levels = .allocate(capacity: self.capacity)
        deleted = .allocate(capacity: self.capacity)
        upperStart = .allocate(capacity: self.capacity)
        upperCapacity = 1024
        upper = .allocate(capacity: upperCapacity)
        levelGenerator = SeededGenerator(seed: parameters.seed)
        pool = ScratchPool(maxLinks: maxM0, dimension: storedDimension)
    }

    deinit {
        if ownsLevel0 { level0.deallocate() }
        labels.deallocate()
        levels.deallocate()
        deleted.deallocate()
        upperStart.deallocate()
        upper.deallocate()
    }

    /// Vectors in the index, including removed ones not yet reclaimed.
    public var totalCount: Int { rwLock.withRead { count } }

    /// Vectors that searches can return.
    public var liveCount: Int { rwLock.withRead { count - deletedCount } }

    /// Whether `id` is in the index and not removed.
    public func contains(_ id: Int) -> Bool {
        rwLock.withRead {
            guard let node = nodeOfLabel[Int64(id)] else { return false }
            return deleted[Int(node)] == 0
        }
    }

    /// Bytes of the index's arrays: the level-0 block (vectors and links), upper links, ids, levels, deleted
    /// flags — what `save` writes. The id → node hash map comes on top in memory (about 16–32 bytes per
    /// vector), as hnswlib's label map does on top of its saved size.
    public var memoryBytes: Int {
        rwLock.withRead { count * nodeStride + upperUsed * 4 + count * (8 + 1 + 1 + 4) }
    }

    /// The stored ids of every live vector, in internal order.
    public var ids: [Int] {
        rwLock.withRead { (0..<count).filter { deleted[$0] == 0 }.map { Int(labels[$0]) } }
    }

    // MARK: Node access (callers hold the appropriate lock)

    @inline(__always)
    func vector(_ node: UInt32) -> UnsafeMutablePointer<Float> {
        (level0 + Int(node) * nodeStride).assumingMemoryBound(to: Float.self)
    }

    /// The link list of `node` at `level`: element 0 is the count, then the links.
    @inline(__always)
    func links(_ node: UInt32, level: Int) -> UnsafeMutablePointer<UInt32> {
        if level == 0 {
            return (level0 + Int(node) * nodeStride + linksOffset).assumingMemoryBound(to: UInt32.self)
        }
        return upper + Int(upperStart[Int(node)]) + (level - 1) * (m + 1)
    }

    @inline(__always)
    func maxLinks(level: Int) -> Int { level == 0 ? maxM0 : m }

    /// Distance between two stored nodes in the index's internal space.
    @inline(__always)
    func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        l2Space ? L2Kernel.distance(a, b, storedDimension) : DotKernel.distance(a, b, storedDimension)
    }

    /// Grows every per-node array to hold at least `needed` nodes (caller holds the write lock).
    func reserve(nodes needed: Int) {
        makeWritable()
        guard needed > capacity else { return }
        let newCapacity = max(needed, capacity + capacity / 2)
        let block = UnsafeMutableRawPointer.allocate(byteCount: newCapacity * nodeStride, alignment: 64)
        block.copyMemory(from: level0, byteCount: count * nodeStride)
        level0.deallocate()
        level0 = block
        func grow<T>(_ p: inout UnsafeMutablePointer<T>) {
            let q = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
            q.moveInitialize(from: p, count: count)
            p.deallocate()
            p = q
        }
        grow(&labels)
        grow(&levels)
        grow(&deleted)
        grow(&upperStart)
        capacity = newCapacity
    }

    /// Grows the upper-level link storage to hold at least `words` UInt32s.
    func reserve(upperWords words: Int) {
        guard words > upperCapacity else { return }
        let newCapacity = max(words, upperCapacity + upperCapacity / 2)
        let q = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        q.moveInitialize(from: upper, count: upperUsed)
        upper.deallocate()
        upper = q
        upperCapacity = newCapacity
    }

    /// Copies a memory-mapped level-0 block into owned memory before the first mutation.
    func makeWritable() {
        guard !ownsLevel0 else { return }
        let block = UnsafeMutableRawPointer.allocate(byteCount: max(1, capacity) * nodeStride, alignment: 64)
        block.copyMemory(from: level0, byteCount: count * nodeStride)
        level0 = block
        ownsLevel0 = true
        backing = nil
    }

    /// A random level ⌊−ln U · mL⌋ (capped at 31).
    func drawLevel() -> Int {
        let u = 1 - levelGenerator.nextDouble() // (0, 1]
        return min(31, Int(-log(u) * mL))
    }
}

/// The graph's raw pointers and strides, copied once per operation so that hot loops read no class
/// properties (each of which would be a reload and an exclusivity check).
struct GraphView {
    let level0: UnsafeMutableRawPointer
    let stride: Int
    let linksOffset: Int
    let upper: UnsafeMutablePointer<UInt32>
    let upperStart: UnsafeMutablePointer<UInt32>
    let upperListWords: Int
    let dimension: Int
    let l2: Bool

    @inline(__always) func vector(_ node: UInt32) -> UnsafeMutablePointer<Float> {
        (level0 + Int(node) &* stride).assumingMemoryBound(to: Float.self)
    }

    @inline(__always) func links0(_ node: UInt32) -> UnsafeMutablePointer<UInt32> {
        (level0 + (Int(node) &* stride &+ linksOffset)).assumingMemoryBound(to: UInt32.self)
    }

    @inline(__always) func links(_ node: UInt32, level: Int) -> UnsafeMutablePointer<UInt32> {
        level == 0 ? links0(node) : upper + Int(upperStart[Int(node)]) + (level - 1) * upperListWords
    }

    @inline(__always) func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        l2 ? L2Kernel.distance(a, b, dimension) : DotKernel.distance(a, b, dimension)
    }
}

extension HNSWIndex {
    /// A view of the current storage (valid until the next reallocation, i.e. within one locked operation).
    var view: GraphView {
        GraphView(level0: level0, stride: nodeStride, linksOffset: linksOffset, upper: upper, upperStart: upperStart,
                  upperListWords: m + 1, dimension: storedDimension, l2: l2Space)
    }
}

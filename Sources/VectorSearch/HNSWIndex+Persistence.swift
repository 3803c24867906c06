import Foundation
import Support

extension HNSWIndex {
    /// Artefact kind of saved indexes.
    public static let artifactKind = "hnsw"
    static let layoutVersion: UInt32 = 1

    struct Metadata: Codable {
        var metric: Metric
        var dimension: Int
        var storedDimension: Int
        var m: Int
        var efConstruction: Int
        var seed: UInt64
        var mipsStrategy: MIPSStrategy
        var normBound: Float
        var count: Int
        var deletedCount: Int
        var entryPoint: UInt32
        var maxLevel: Int
        var nodeStride: Int
        var upperWords: Int
        var provenance: Provenance?
        /// Where the ids came from; absent in files written before it was recorded (loaded as `.unknown`).
        var ids: IDSource?
    }

    /// Saves the index as one artefact file (kind "hnsw"), atomically.
    ///
    /// Sections: `meta` (metric, dimension, m, efConstruction, seed, counts, layout, `ids`: the id source), `level0` (the
    /// level-0 block as is), `upper` and `upper_start` (upper-level links), `labels`, `levels`,
    /// `deleted`, `refused` (zero vectors refused under cosine); `meta` also carries `provenance` when set.
    /// - Throws: `ArtifactError.writeFailed`.
    public func save(to url: URL) throws {
        try rwLock.withRead {
            var writer = ArtifactWriter(kind: Self.artifactKind, kindVersion: Self.layoutVersion)
            try writer.addMetadata(Metadata(
                metric: metric, dimension: dimension, storedDimension: storedDimension, m: m,
                efConstruction: parameters.efConstruction, seed: parameters.seed, mipsStrategy: parameters.mipsStrategy,
                normBound: normBound, count: count, deletedCount: deletedCount, entryPoint: entryPoint,
                maxLevel: maxLevel, nodeStride: nodeStride, upperWords: upperUsed, provenance: provenance, ids: idSource))
            writer.add("level0", UnsafeBufferPointer(start: level0.assumingMemoryBound(to: UInt8.self), count: count * nodeStride))
            writer.add("upper", UnsafeBufferPointer(start: upper, count: upperUsed))
            writer.add("upper_start", UnsafeBufferPointer(start: upperStart, count: count))
            writer.add("labels", UnsafeBufferPointer(start: labels, count: count))
            writer.add("levels", UnsafeBufferPointer(start: levels, count: count))
            writer.add("deleted", UnsafeBufferPointer(start: deleted, count: count))
            writer.add("refused", refusedZeroVectors.map { Int64($0) })
            try writer.write(to: url)
        }
    }

    /// Loads a saved index. The level-0 block (vectors and links, nearly all of the file) is used in
    /// place from the memory-mapped file; it is copied only if the index is later changed.
    /// - Parameters:
    ///   - url: the index file (`.hnsw`).
    ///   - verifyChecksums: check every section's checksum (default; O(file size)).
    /// - Throws: `ArtifactError` for a missing, truncated, altered, wrong-kind or wrong-version file;
    ///   `VectorIndexError.badFile` when the sections disagree with the metadata.
    public static func load(from url: URL, verifyChecksums: Bool = true) throws -> HNSWIndex {
        let reader = try ArtifactReader(url: url, expectedKind: artifactKind, verifyChecksums: verifyChecksums)
        let path = url.path
        guard reader.kindVersion == layoutVersion else {
            throw ArtifactError.unsupportedVersion(path: path, found: reader.kindVersion, supported: layoutVersion)
        }
        let meta = try reader.metadata(Metadata.self)
        func bad(_ reason: String) -> VectorIndexError { .badFile(path: path, reason: reason) }
        guard meta.dimension > 0, meta.dimension <= HNSWIndex.maximumDimension, meta.m >= 2, meta.m <= 200, meta.count >= 0,
              meta.count < Int(UInt32.max), meta.efConstruction > 0, meta.maxLevel >= -1, meta.maxLevel <= 31,
              meta.deletedCount >= 0, meta.deletedCount <= meta.count, meta.upperWords >= 0 else {
            throw bad("implausible metadata (dimension \(meta.dimension), m \(meta.m), count \(meta.count), efConstruction \(meta.efConstruction), max level \(meta.maxLevel))")
        }
        let parameters = Parameters(m: meta.m, efConstruction: meta.efConstruction, seed: meta.seed, mipsStrategy: meta.mipsStrategy)
        let index = HNSWIndex(dimension: meta.dimension, metric: meta.metric, parameters: parameters, capacity: 1)
        guard index.nodeStride == meta.nodeStride, index.storedDimension == meta.storedDimension else {
            throw bad("node layout \(meta.nodeStride) bytes does not match this build's \(index.nodeStride)")
        }
        let level0 = try reader.buffer("level0", as: UInt8.self)
        let upper = try reader.buffer("upper", as: UInt32.self)
        let upperStart = try reader.buffer("upper_start", as: UInt32.self)
        let labels = try reader.buffer("labels", as: Int64.self)
        let levels = try reader.buffer("levels", as: UInt8.self)
        let deleted = try reader.buffer("deleted", as: UInt8.self)
        let n = meta.count
        let (level0Bytes, overflow) = n.multipliedReportingOverflow(by: index.nodeStride)
        guard !overflow, level0.count == level0Bytes, upperStart.count == n, labels.count == n, levels.count == n,
              deleted.count == n, upper.count == meta.upperWords else {
            throw bad("section sizes do not match \(n) vectors")
        }
        guard (n == 0 && meta.entryPoint == .max) || (Int(meta.entryPoint) < n && meta.maxLevel == Int(levels[Int(meta.entryPoint)])) else {
            throw bad("entry point \(meta.entryPoint) is not a top-level node")
        }
        // Check the graph refers only to existing nodes, so a search can never read out of bounds.
        for node in 0..<n {
            let level = Int(levels[node])
            guard level <= max(0, meta.maxLevel) else { throw bad("node \(node) has level \(level), above the top level \(meta.maxLevel)") }
            if level > 0 && Int(upperStart[node]) + level * (meta.m + 1) > upper.count { throw bad("upper links of node \(node) out of range") }
        }
        if n > 0, let mapped = level0.baseAddress {
            index.level0.deallocate()
            index.level0 = UnsafeMutableRawPointer(mutating: mapped)
            index.ownsLevel0 = false
            index.backing = reader
            index.capacity = n
        }
        index.labels.deallocate(); index.labels = .allocate(capacity: max(1, n))
        index.levels.deallocate(); index.levels = .allocate(capacity: max(1, n))
        index.deleted.deallocate(); index.deleted = .allocate(capacity: max(1, n))
        index.upperStart.deallocate(); index.upperStart = .allocate(capacity: max(1, n))
        if n > 0 {
            index.labels.initialize(from: labels.baseAddress!, count: n)
            index.levels.initialize(from: levels.baseAddress!, count: n)
            index.deleted.initialize(from: deleted.baseAddress!, count: n)
            index.upperStart.initialize(from: upperStart.baseAddress!, count: n)
        }
        index.reserve(upperWords: upper.count)
        if upper.count > 0 { index.upper.initialize(from: upper.baseAddress!, count: upper.count) }
        index.upperUsed = upper.count
        index.count = n
        var deletedFlags = 0
        for node in 0..<n where index.deleted[node] != 0 { deletedFlags += 1 }
        guard deletedFlags == meta.deletedCount else { throw bad("\(deletedFlags) removed vectors flagged, metadata says \(meta.deletedCount)") }
        index.deletedCount = meta.deletedCount
        index.entryPoint = meta.entryPoint
        index.maxLevel = meta.maxLevel
        index.normBound = meta.normBound
        index.provenance = meta.provenance
        index.refusedZeroVectors = try reader.array("refused", as: Int64.self).map { Int($0) }
        index.idSource = meta.ids ?? .unknown
        index.nodeOfLabel.reserveCapacity(n)
        for node in 0..<n {
            for level in 0...Int(index.levels[node]) {
                let list = index.links(UInt32(node), level: level)
                let c = Int(list[0])
                guard c <= index.maxLinks(level: level) else { throw bad("node \(node) has \(c) links at level \(level)") }
                for j in 0..<c {
                    let other = Int(list[1 + j])
                    guard other < n else { throw bad("node \(node) links to missing node \(other)") }
                    // A search follows level-ℓ links into the other node's level-ℓ list: it must have one.
                    guard Int(index.levels[other]) >= level else {
                        throw bad("node \(node) links at level \(level) to node \(other), whose top level is \(index.levels[other])")
                    }
                }
            }
            index.nodeOfLabel[labels[node]] = UInt32(node)
        }
        // Later additions continue a level sequence of their own (reproducible from seed and count).
        index.levelGenerator = SeededGenerator(seed: meta.seed, stream: UInt64(n))
        return index
    }
}

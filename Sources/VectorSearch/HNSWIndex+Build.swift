import Foundation
import LinearAlgebra
import Support

extension HNSWIndex {
    /// Builds an index over the rows of `vectors`.
    /// - Parameters:
    ///   - vectors: one vector per row.
    ///   - ids: the id of each row (default: the row numbers).
    ///   - idSource: where `ids` came from, saved with the index (default: `.rows` without ids, `.unknown`
    ///     with them).
    ///   - metric: distance to index under.
    ///   - parameters: `m`, `efConstruction`, seed, MIPS strategy.
    ///   - threads: insertion threads (default every core; 1 gives a reproducible graph).
    ///   - progress: reports inserted vectors.
    /// - Returns: the index; zero vectors refused under cosine are listed in `refusedZeroVectors`.
    /// - Throws: `VectorIndexError` for duplicate ids, NaN/∞ values or a length mismatch.
    /// - Complexity: about O(n · log n · efConstruction · m) distance computations.
    public static func build(
        vectors: Matrix<Float>, ids: [Int]? = nil, idSource: IDSource? = nil, metric: Metric,
        parameters: Parameters = Parameters(), threads: Int = Threads.count, progress: ProgressReporter? = nil
    ) throws -> HNSWIndex {
        let index = HNSWIndex(dimension: vectors.columns, metric: metric, parameters: parameters, capacity: vectors.rows)
        try index.add(vectors, ids: ids, threads: threads, progress: progress)
        index.idSource = idSource ?? (ids == nil ? .rows : .unknown)
        return index
    }

    /// Inserts the rows of `vectors` (in parallel on `threads` threads).
    ///
    /// For `.cosine` each vector is stored normalised, and all-zero vectors are refused and reported.
    /// For the MIPS reduction the first non-empty batch fixes the norm bound B; a later vector longer
    /// than B gets extra coordinate 0 (its scores stay exact, its ranking approximate).
    /// - Returns: how many were added and which ids were refused.
    /// - Throws: `VectorIndexError.duplicateID` when an id is already live (or repeats in the batch),
    ///   `.nonFiniteVector`, `.dimensionMismatch`.
    @discardableResult
    public func add(_ vectors: Matrix<Float>, ids: [Int]? = nil, threads: Int = Threads.count, progress: ProgressReporter? = nil) throws -> AddReport {
        guard vectors.columns == dimension else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, found: vectors.columns)
        }
        let ids = ids ?? Array(0..<vectors.rows)
        guard ids.count == vectors.rows else {
            throw VectorIndexError.badParameter(name: "ids", reason: "\(ids.count) ids for \(vectors.rows) vectors")
        }
        return try vectors.values.withUnsafeBufferPointer { buffer in
            try rwLock.withWrite { try addLocked(buffer.baseAddress!, rows: vectors.rows, ids: ids, threads: threads, progress: progress) }
        }
    }

    /// Inserts one vector.
    /// - Throws: as the bulk `add`; a zero vector under cosine throws `.zeroVector`.
    public func add(_ vector: [Float], id: Int) throws {
        let report = try add(Matrix(rows: 1, columns: vector.count, values: vector), ids: [id], threads: 1)
        if report.added == 0 { throw VectorIndexError.zeroVector(id: id) }
    }

    /// Marks `id` removed: searches skip it, but the graph still routes through it until `rebuilt()`.
    /// - Throws: `.unknownID` when the id was never added, `.removedID` when it is already removed.
    public func remove(_ id: Int) throws {
        try rwLock.withWrite {
            guard let node = nodeOfLabel[Int64(id)] else { throw VectorIndexError.unknownID(id) }
            guard deleted[Int(node)] == 0 else { throw VectorIndexError.removedID(id) }
            makeWritable()
            deleted[Int(node)] = 1
            deletedCount += 1
        }
    }

    /// A new index holding only the live vectors (removed ones reclaimed), built with the same settings.
    public func rebuilt(threads: Int = Threads.count) throws -> HNSWIndex {
        let (rows, ids) = rwLock.withRead { () -> ([Float], [Int]) in
            var values: [Float] = []
            var ids: [Int] = []
            values.reserveCapacity((count - deletedCount) * dimension)
            for node in 0..<count where deleted[node] == 0 {
                let v = vector(UInt32(node))
                values.append(contentsOf: UnsafeBufferPointer(start: v, count: dimension))
                ids.append(Int(labels[node]))
            }
            return (values, ids)
        }
        let fresh = HNSWIndex(dimension: dimension, metric: metric, parameters: parameters, capacity: ids.count)
        if reduction { fresh.normBound = normBound }
        try fresh.add(Matrix(rows: ids.count, columns: dimension, values: rows), ids: ids, threads: threads)
        fresh.refusedZeroVectors = refusedZeroVectors
        fresh.idSource = idSource
        return fresh
    }

    // MARK: Insertion (write lock held)

    private func addLocked(_ base: UnsafePointer<Float>, rows: Int, ids: [Int], threads: Int, progress: ProgressReporter?) throws -> AddReport {
        var report = AddReport()
        var accepted: [Int] = []
        accepted.reserveCapacity(rows)
        var seen = Set<Int>(minimumCapacity: rows)
        var maxNorm: Float = 0
        for r in 0..<rows {
            let v = base + r * dimension
            let id = ids[r]
            var finite = true
            for j in 0..<dimension where !v[j].isFinite { finite = false; break }
            guard finite else { throw VectorIndexError.nonFiniteVector(id: id) }
            if let node = nodeOfLabel[Int64(id)], deleted[Int(node)] == 0 { throw VectorIndexError.duplicateID(id) }
            guard seen.insert(id).inserted else { throw VectorIndexError.duplicateID(id) }
            let norm = Kernels.norm(v, count: dimension)
            if metric == .cosine && !(norm > 0) {
                report.refusedZeroVectors.append(id)
                continue
            }
            maxNorm = max(maxNorm, norm)
            accepted.append(r)
        }
        refusedZeroVectors.append(contentsOf: report.refusedZeroVectors)
        guard !accepted.isEmpty else { return report }
        if reduction && normBound == 0 { normBound = maxNorm }

        // Lay out every new node sequentially (levels drawn in insertion order: reproducible).
        reserve(nodes: count + accepted.count)
        let first = count
        var upperNeeded = upperUsed
        var newLevels: [Int] = []
        newLevels.reserveCapacity(accepted.count)
        for _ in accepted {
            let level = drawLevel()
            newLevels.append(level)
            upperNeeded += level * (m + 1)
        }
        reserve(upperWords: upperNeeded)
        for (j, r) in accepted.enumerated() {
            let node = UInt32(first + j)
            store(base + r * dimension, into: node)
            labels[Int(node)] = Int64(ids[r])
            levels[Int(node)] = UInt8(newLevels[j])
            deleted[Int(node)] = 0
            links(node, level: 0)[0] = 0
            upperStart[Int(node)] = UInt32(upperUsed)
            if newLevels[j] > 0 {
                let words = newLevels[j] * (m + 1)
                (upper + upperUsed).initialize(repeating: 0, count: words)
                upperUsed += words
            }
            nodeOfLabel[Int64(ids[r])] = node
        }
        count = first + accepted.count

        // Insert: the very first node alone (it becomes the entry point), then the rest in parallel.
        var start = first
        if entryPoint == .max {
            let scratch = pool.take(nodes: count)
            insert(UInt32(start), scratch: scratch)
            pool.give(scratch)
            progress?.advance()
            start += 1
        }
        let remaining = count - start
        let startNode = start
        parallelFor(remaining, threads: max(1, threads), grain: 64) { range, _ in
            let scratch = self.pool.take(nodes: self.count)
            for i in range { self.insert(UInt32(startNode + i), scratch: scratch) }
            self.pool.give(scratch)
            progress?.advance(by: range.count)
        }
        progress?.finish()
        // Pruning, clusters of identical vectors and concurrent linking can each leave a node nobody links
        // to; a bulk add ends connected (a single-vector add leaves it to `relinkUnreachable()`).
        if accepted.count > 1 {
            let relinked = relinkUnreachableLocked()
            report.relinked = relinked.count
            report.relinkedIDs = relinked.level0
        }
        report.added = accepted.count
        return report
    }

    /// Copies (and for cosine normalises, for the MIPS reduction augments) a vector into its slot.
    private func store(_ v: UnsafePointer<Float>, into node: UInt32) {
        (level0 + Int(node) * nodeStride).initializeMemory(as: UInt8.self, repeating: 0, count: nodeStride)
        let slot = vector(node)
        slot.update(from: v, count: dimension)
        if metric == .cosine {
            Kernels.normalize(slot, count: dimension)
        } else if reduction {
            let squared = Kernels.dot(v, v, count: dimension)
            slot[dimension] = max(0, normBound * normBound - squared).squareRoot()
        }
    }

    /// Links `node` into every level up to its own (Malkov & Yashunin, algorithm 1).
    private func insert(_ node: UInt32, scratch: SearchScratch) {
        let g = view
        let level = Int(levels[Int(node)])
        let q = UnsafePointer(g.vector(node))
        entryLock.lock()
        let entry = entryPoint
        let top = maxLevel
        let raising = level > top
        if !raising { entryLock.unlock() }
        if entry == .max {
            entryPoint = node
            maxLevel = level
            entryLock.unlock()
            return
        }
        var current = entry
        var currentDistance = g.distance(q, g.vector(current))
        if level < top {
            for lc in stride(from: top, to: level, by: -1) {
                var changed = true
                while changed {
                    changed = false
                    stripes.lock(current)
                    let list = g.links(current, level: lc)
                    let n = Int(list[0])
                    scratch.links.update(from: list + 1, count: n)
                    stripes.unlock(current)
                    for j in 0..<n {
                        let candidate = scratch.links[j]
                        let d = g.distance(q, g.vector(candidate))
                        if d < currentDistance {
                            currentDistance = d
                            current = candidate
                            changed = true
                        }
                    }
                }
            }
        }
        for lc in stride(from: min(level, top), through: 0, by: -1) {
            if l2Space {
                searchLayer(L2Kernel.self, query: q, entry: current, entryDistance: currentDistance, ef: parameters.efConstruction,
                            level: lc, gate: OpenGate(), locked: true, scratch: scratch)
            } else {
                searchLayer(DotKernel.self, query: q, entry: current, entryDistance: currentDistance, ef: parameters.efConstruction,
                            level: lc, gate: OpenGate(), locked: true, scratch: scratch)
            }
            let closest = connect(node, level: lc, scratch: scratch)
            if closest.node != .max {
                current = closest.node
                currentDistance = closest.distance
            }
        }
        if raising {
            entryPoint = node
            maxLevel = level
            entryLock.unlock()
        }
    }

    /// Chooses `node`'s neighbours at `level` from the search results in `scratch` with the heuristic,
    /// links both ways, and prunes any neighbour whose list overflows.
    /// - Returns: the nearest selected neighbour (the entry for the next level down).
    private func connect(_ node: UInt32, level: Int, scratch: SearchScratch) -> HeapEntry {
        let g = view
        let found = scratch.drainResults()
        // Drop the node itself if a concurrent insertion already linked it in.
        var n = 0
        for i in 0..<found where scratch.ordered[i].node != node {
            scratch.ordered[n] = scratch.ordered[i]
            n += 1
        }
        let selectedCount = selectNeighbors(scratch.ordered, count: n, limit: m, into: scratch.selected, view: g)
        let capacity = maxLinks(level: level)
        let own = g.links(node, level: level)
        stripes.lock(node)
        if own[0] == 0 {
            own[0] = UInt32(selectedCount)
            for j in 0..<selectedCount { own[1 + j] = scratch.selected[j].node }
        } else {
            // A concurrent insertion found `node` through a higher level and linked itself in here while
            // `node` was still searching: keep those links (overwriting them left the other node unreachable).
            mergeLinks(own, with: scratch.selected, count: selectedCount, of: node, capacity: capacity, view: g)
        }
        stripes.unlock(node)

        for j in 0..<selectedCount {
            let other = scratch.selected[j].node
            stripes.lock(other)
            let list = g.links(other, level: level)
            let c = Int(list[0])
            if c < capacity {
                list[1 + c] = node
                list[0] = UInt32(c + 1)
            } else {
                let otherVector = UnsafePointer(g.vector(other))
                scratch.selection[0] = HeapEntry(scratch.selected[j].distance, node)
                for e in 0..<c {
                    let neighbour = list[1 + e]
                    scratch.selection[1 + e] = HeapEntry(g.distance(otherVector, g.vector(neighbour)), neighbour)
                }
                sortAscending(scratch.selection, count: c + 1)
                let kept = selectNeighbors(scratch.selection, count: c + 1, limit: capacity, into: scratch.pruned, view: g)
                for e in 0..<kept { list[1 + e] = scratch.pruned[e].node }
                list[0] = UInt32(kept)
            }
            stripes.unlock(other)
        }
        return selectedCount > 0 ? scratch.selected[0] : HeapEntry(.infinity, .max)
    }

    /// Merges `selected` into `node`'s existing link list (caller holds the node's stripe lock), pruning
    /// with the heuristic when the union overflows `capacity`. Rare (only under a parallel build), so it
    /// may allocate.
    private func mergeLinks(_ list: UnsafeMutablePointer<UInt32>, with selected: UnsafeMutablePointer<HeapEntry>, count: Int,
                            of node: UInt32, capacity: Int, view g: GraphView) {
        let base = UnsafePointer(g.vector(node))
        var union: [HeapEntry] = []
        var members = Set<UInt32>()
        for j in 0..<Int(list[0]) where members.insert(list[1 + j]).inserted {
            union.append(HeapEntry(g.distance(base, g.vector(list[1 + j])), list[1 + j]))
        }
        for j in 0..<count where members.insert(selected[j].node).inserted { union.append(selected[j]) }
        union.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.node < $1.node) }
        if union.count <= capacity {
            for (j, e) in union.enumerated() { list[1 + j] = e.node }
            list[0] = UInt32(union.count)
            return
        }
        let kept = union.withUnsafeMutableBufferPointer { candidates in
            let output = UnsafeMutablePointer<HeapEntry>.allocate(capacity: capacity)
            defer { output.deallocate() }
            let kept = selectNeighbors(candidates.baseAddress!, count: candidates.count, limit: capacity, into: output, view: g)
            for e in 0..<kept { list[1 + e] = output[e].node }
            return kept
        }
        list[0] = UInt32(kept)
    }

    /// The neighbour-selection heuristic (Malkov & Yashunin, algorithm 4, without extension or kept
    /// pruned links): walk candidates nearest first and keep one only if it is closer to the base than
    /// to every neighbour kept so far, so links spread in different directions.
    /// - Parameters: `candidates` sorted ascending by distance to the base, `limit` links at most.
    /// - Returns: how many were written to `output`.
    @inline(__always)
    func selectNeighbors(_ candidates: UnsafeMutablePointer<HeapEntry>, count n: Int, limit: Int,
                         into output: UnsafeMutablePointer<HeapEntry>, view g: GraphView) -> Int {
        if n < limit {
            output.update(from: candidates, count: n)
            return n
        }
        var kept = 0
        for i in 0..<n {
            if kept >= limit { break }
            let c = candidates[i]
            let cv = UnsafePointer(g.vector(c.node))
            var good = true
            for j in 0..<kept where g.distance(g.vector(output[j].node), cv) < c.distance {
                good = false
                break
            }
            if good {
                output[kept] = c
                kept += 1
            }
        }
        return kept
    }

    private func sortAscending(_ a: UnsafeMutablePointer<HeapEntry>, count n: Int) {
        guard n > 1 else { return }
        for i in 1..<n {
            let x = a[i]
            var j = i - 1
            while j >= 0 && (a[j].distance > x.distance || (a[j].distance == x.distance && a[j].node > x.node)) {
                a[j + 1] = a[j]
                j -= 1
            }
            a[j + 1] = x
        }
    }
}

import Foundation
import LinearAlgebra
import Support

/// Which nodes a search may return. Specialised generically so the unfiltered path has no branch.
@usableFromInline
protocol NodeGate {
    static var isOpen: Bool { get }
    func allows(_ node: UInt32) -> Bool
}

/// Every node passes (no filter, no deletions).
@usableFromInline
struct OpenGate: NodeGate {
    @usableFromInline static var isOpen: Bool { true }
    @inline(__always) @usableFromInline func allows(_ node: UInt32) -> Bool { true }
}

/// Live nodes pass, optionally only those set in a bitset over internal ids.
@usableFromInline
struct BitsetGate: NodeGate {
    let deleted: UnsafePointer<UInt8>
    let bits: UnsafePointer<UInt64>?
    @usableFromInline static var isOpen: Bool { false }
    @inline(__always) @usableFromInline func allows(_ node: UInt32) -> Bool {
        if deleted[Int(node)] != 0 { return false }
        guard let bits else { return true }
        return bits[Int(node >> 6)] & (1 << UInt64(node & 63)) != 0
    }
}

/// Live nodes whose id satisfies a predicate.
@usableFromInline
struct PredicateGate: NodeGate {
    let deleted: UnsafePointer<UInt8>
    let labels: UnsafePointer<Int64>
    let predicate: (Int) -> Bool
    @usableFromInline static var isOpen: Bool { false }
    @inline(__always) @usableFromInline func allows(_ node: UInt32) -> Bool {
        deleted[Int(node)] == 0 && predicate(Int(labels[Int(node)]))
    }
}

/// Restricts a search to some ids: a set of allowed ids, a set of excluded ids, or a predicate.
///
/// Filters are evaluated during the graph walk: nodes that fail still route the search but are never
/// returned. When few ids pass (so the walk would have to visit most of the graph to find `k` of them),
/// the index instead scans the allowed ids exactly; it estimates both costs and picks the cheaper.
public struct SearchFilter: @unchecked Sendable {
    enum Rule {
        case allowing(Set<Int>)
        case excluding(Set<Int>)
        case matching((Int) -> Bool)
    }
    let rule: Rule

    /// Only these ids may be returned.
    public static func allowing<S: Sequence>(_ ids: S) -> SearchFilter where S.Element == Int {
        SearchFilter(rule: .allowing(Set(ids)))
    }

    /// These ids may not be returned (e.g. the movies a user has already seen).
    public static func excluding<S: Sequence>(_ ids: S) -> SearchFilter where S.Element == Int {
        SearchFilter(rule: .excluding(Set(ids)))
    }

    /// Only ids for which `predicate` is true may be returned (e.g. movies of one genre).
    public static func matching(_ predicate: @escaping (Int) -> Bool) -> SearchFilter {
        SearchFilter(rule: .matching(predicate))
    }
}

extension HNSWIndex {
    /// The `k` nearest live vectors to `query`.
    /// - Parameters:
    ///   - query: a vector of `dimension` values.
    ///   - k: how many neighbours; fewer come back when fewer pass (never an error).
    ///   - ef: search width on level 0 (at least `k` is used). Larger is slower and more accurate.
    ///   - filter: restrict the ids that may be returned.
    /// - Returns: neighbours, nearest first. Empty for a zero query under cosine.
    /// - Throws: `VectorIndexError.dimensionMismatch` when `query` does not have `dimension` values
    ///   (checked once per call, never per distance).
    /// - Complexity: about O(ef · m · log n) distance computations; filtered searches that fall back to
    ///   an exact scan cost O(allowed).
    public func search(_ query: [Float], k: Int, ef: Int = 64, filter: SearchFilter? = nil) throws -> [Neighbor] {
        guard query.count == dimension else { throw VectorIndexError.dimensionMismatch(expected: dimension, found: query.count) }
        return query.withUnsafeBufferPointer { q in
            rwLock.withRead {
                let scratch = pool.take(nodes: count)
                defer { pool.give(scratch) }
                return searchLocked(q.baseAddress!, k: k, ef: ef, filter: filter, scratch: scratch)
            }
        }
    }

    /// Searches every row of `queries`, in parallel on `threads` threads.
    /// - Returns: one neighbour list per query, in query order.
    /// - Throws: `VectorIndexError.dimensionMismatch` when the rows do not have `dimension` values.
    public func search(batch queries: Matrix<Float>, k: Int, ef: Int = 64, filter: SearchFilter? = nil,
                       threads: Int = Threads.count) throws -> [[Neighbor]] {
        guard queries.columns == dimension else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, found: queries.columns)
        }
        var answers = [[Neighbor]](repeating: [], count: queries.rows)
        answers.withUnsafeMutableBufferPointer { out in
            queries.values.withUnsafeBufferPointer { q in
                let outBox = UnsafeSendable(out.baseAddress!)
                let qBox = UnsafeSendable(q.baseAddress!)
                rwLock.withRead {
                    parallelFor(queries.rows, threads: threads, grain: 16) { range, _ in
                        let scratch = self.pool.take(nodes: self.count)
                        for i in range {
                            outBox.value[i] = self.searchLocked(qBox.value + i * self.dimension, k: k, ef: ef, filter: filter, scratch: scratch)
                        }
                        self.pool.give(scratch)
                    }
                }
            }
        }
        return answers
    }

    /// The `k` nearest live vectors to the stored vector with id `id`, excluding itself.
    /// - Throws: `.unknownID` or `.removedID`.
    public func neighbors(of id: Int, k: Int, ef: Int = 64) throws -> [Neighbor] {
        let query: [Float] = try rwLock.withRead {
            guard let node = nodeOfLabel[Int64(id)] else { throw VectorIndexError.unknownID(id) }
            guard deleted[Int(node)] == 0 else { throw VectorIndexError.removedID(id) }
            return Array(UnsafeBufferPointer(start: vector(node), count: dimension))
        }
        return try search(query, k: k + 1, ef: max(ef, k + 1), filter: nil).filter { $0.id != id }.prefix(k).map { $0 }
    }

    /// The stored vector of `id` (normalised under cosine), or nil when absent or removed.
    public func vector(of id: Int) -> [Float]? {
        rwLock.withRead {
            guard let node = nodeOfLabel[Int64(id)], deleted[Int(node)] == 0 else { return nil }
            return Array(UnsafeBufferPointer(start: vector(node), count: dimension))
        }
    }

    // MARK: Internals (read lock held)

    func searchLocked(_ raw: UnsafePointer<Float>, k: Int, ef: Int, filter: SearchFilter?, scratch: SearchScratch) -> [Neighbor] {
        guard k > 0, count - deletedCount > 0, entryPoint != .max else { return [] }
        let q = scratch.query
        q.update(from: raw, count: dimension)
        var queryNormSquared: Float = 0
        if metric == .cosine {
            guard Kernels.normalize(q, count: dimension) > 0 else { return [] }
        } else if reduction {
            q[dimension] = 0
            queryNormSquared = Kernels.dot(q, q, count: dimension)
        }
        let width = max(ef, k)
        let found: Int
        if let filter {
            found = filteredSearch(q, k: k, ef: width, filter: filter, scratch: scratch)
        } else if deletedCount == 0 {
            found = l2Space ? graphSearch(L2Kernel.self, q, k: k, ef: width, gate: OpenGate(), scratch: scratch)
                : graphSearch(DotKernel.self, q, k: k, ef: width, gate: OpenGate(), scratch: scratch)
        } else {
            let gate = BitsetGate(deleted: deleted, bits: nil)
            found = l2Space ? graphSearch(L2Kernel.self, q, k: k, ef: width, gate: gate, scratch: scratch)
                : graphSearch(DotKernel.self, q, k: k, ef: width, gate: gate, scratch: scratch)
        }
        var answer: [Neighbor] = []
        answer.reserveCapacity(found)
        let bound = normBound * normBound
        for i in 0..<found {
            let e = scratch.ordered[i]
            let d = reduction ? 1 - (queryNormSquared + bound - e.distance) / 2 : e.distance
            answer.append(Neighbor(id: Int(labels[Int(e.node)]), distance: d))
        }
        return answer
    }

    /// Greedy descent through the upper levels, then a best-first search on level 0; leaves the best
    /// `k` in `scratch.ordered`, nearest first.
    @inline(__always)
    func graphSearch<K: DistanceKernel, G: NodeGate>(_ kernel: K.Type, _ q: UnsafePointer<Float>, k: Int, ef: Int, gate: G,
                                                     scratch: SearchScratch) -> Int {
        let g = view
        var current = entryPoint
        var currentDistance = K.distance(q, g.vector(current), storedDimension)
        var lc = maxLevel
        while lc > 0 {
            var changed = true
            while changed {
                changed = false
                let list = g.links(current, level: lc)
                let n = Int(list[0])
                for j in 0..<n {
                    let candidate = list[1 + j]
                    let d = K.distance(q, g.vector(candidate), storedDimension)
                    if d < currentDistance {
                        currentDistance = d
                        current = candidate
                        changed = true
                    }
                }
            }
            lc -= 1
        }
        searchLayer(K.self, query: q, entry: current, entryDistance: currentDistance, ef: ef, level: 0, gate: gate,
                    locked: false, scratch: scratch)
        while scratch.results.count > k { scratch.results.pop() }
        return scratch.drainResults()
    }

    /// Best-first search of width `ef` on one level (Malkov & Yashunin, algorithm 2); the results stay
    /// in `scratch.results` (a max-heap of at most `ef` entries that pass `gate`).
    /// - Parameter locked: copy each link list under its stripe lock (during a parallel build).
    @inline(__always)
    func searchLayer<K: DistanceKernel, G: NodeGate>(
        _ kernel: K.Type, query: UnsafePointer<Float>, entry: UInt32, entryDistance: Float, ef: Int, level: Int,
        gate: G, locked: Bool, scratch: SearchScratch
    ) {
        let g = view
        scratch.beginVisit(nodes: count)
        let visited = scratch.visited
        let tag = scratch.tag
        let dim = storedDimension
        let gathered = scratch.gathered
        var results = scratch.results
        var candidates = scratch.candidates
        results.removeAll()
        candidates.removeAll()
        var lowerBound = Float.infinity
        if G.isOpen || gate.allows(entry) {
            results.push(entryDistance, entry)
            lowerBound = entryDistance
        }
        candidates.push(-entryDistance, entry)
        visited[Int(entry)] = tag
        while !candidates.isEmpty {
            let current = candidates.top
            if -current.distance > lowerBound && (G.isOpen || results.count >= ef) { break }
            candidates.pop()
            let list: UnsafePointer<UInt32>
            if locked {
                stripes.lock(current.node)
                let source = g.links(current.node, level: level)
                scratch.links.update(from: source, count: Int(source[0]) + 1)
                stripes.unlock(current.node)
                list = UnsafePointer(scratch.links)
            } else {
                list = UnsafePointer(g.links(current.node, level: level))
            }
            // Two passes over the list (as FAISS does): first mark the unvisited neighbours and start fetching
            // all their vectors at once, so the memory loads overlap; then compute distances over the
            // gathered ids. Same visiting order and the same heap operations as one interleaved pass.
            let n = Int(list[0])
            var fresh = 0
            var j = 1
            while j <= n {
                let neighbour = list[j]
                j += 1
                if visited[Int(neighbour)] == tag { continue }
                visited[Int(neighbour)] = tag
                let v = UnsafeRawPointer(g.vector(neighbour))
                Kernels.prefetch(v)
                if dim > 16 { Kernels.prefetch(v + 64) }
                gathered[fresh] = neighbour
                fresh += 1
            }
            var i = 0
            while i < fresh {
                let neighbour = gathered[i]
                if dim > 32 && i + 1 < fresh {
                    let v = UnsafeRawPointer(g.vector(gathered[i + 1]))
                    Kernels.prefetch(v + 128)
                    if dim > 48 { Kernels.prefetch(v + 192) }
                }
                i += 1
                let d = K.distance(query, g.vector(neighbour), dim)
                if results.count < ef || d < lowerBound {
                    candidates.push(-d, neighbour)
                    if level == 0 { Kernels.prefetch(g.links0(candidates.top.node)) }
                    if G.isOpen || gate.allows(neighbour) {
                        results.push(d, neighbour)
                        if results.count > ef { results.pop() }
                    }
                    if !results.isEmpty { lowerBound = results.top.distance }
                }
            }
        }
        scratch.results = results
        scratch.candidates = candidates
    }
}

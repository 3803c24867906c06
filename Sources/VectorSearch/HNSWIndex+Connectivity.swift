import Foundation
import LinearAlgebra
import Support

extension HNSWIndex {
    /// The live vectors that no search can reach on `level`: a breadth-first walk from the entry point over
    /// that level's links (removed nodes still route, as they do in a search) never arrives at them.
    ///
    /// On level 0 such a vector can never be returned, at any `ef`, except by a filtered exact scan. Bulk
    /// `add` ends with `relinkUnreachable()`, so after a build this is empty; it is a diagnostic for tests,
    /// benchmarks and files written by older builds.
    /// - Parameter level: 0 (every vector) up to the top level (vectors whose level is at least `level`).
    /// - Returns: the ids, in internal order.
    /// - Complexity: O(n · m).
    public func unreachableIDs(level: Int = 0) -> [Int] {
        rwLock.withRead { unreachableNodes(level: level).map { Int(labels[Int($0)]) } }
    }

    /// Links every live vector that the graph leaves unreachable on any level back into it, and returns
    /// how many it linked (on all levels together).
    ///
    /// A parallel build, clusters of identical vectors, and the heuristic's pruning of a full link list can
    /// each leave a node that nobody links to. For each such node (in internal order) this searches the
    /// reachable graph for its nearest nodes and adds a link from the nearest one with a free slot; when
    /// every candidate's list is full, it splices the node into the nearest candidate's farthest link
    /// (r → w becomes r → node → w), which keeps everything reachable that was. One pass connects a level.
    /// - Complexity: O(n · m) per level for the walks, plus one search per unreachable node.
    @discardableResult
    public func relinkUnreachable() -> Int {
        rwLock.withWrite { relinkUnreachableLocked().count }
    }

    // MARK: Internals

    /// Live nodes of level ≥ `level` not reached from the entry point (caller holds a lock).
    func unreachableNodes(level: Int) -> [UInt32] {
        guard entryPoint != .max, level >= 0, level <= maxLevel else { return [] }
        var seen = [Bool](repeating: false, count: count)
        walk(from: entryPoint, level: level, marking: &seen)
        var lost: [UInt32] = []
        for node in 0..<count where !seen[node] && deleted[node] == 0 && Int(levels[node]) >= level {
            lost.append(UInt32(node))
        }
        return lost
    }

    /// Breadth-first walk over `level` from `start`, marking every node reached in `seen`.
    private func walk(from start: UInt32, level: Int, marking seen: inout [Bool]) {
        guard !seen[Int(start)] else { return }
        let g = view
        var queue: [UInt32] = [start]
        seen[Int(start)] = true
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            let list = g.links(node, level: level)
            for j in 0..<Int(list[0]) {
                let next = list[1 + j]
                if !seen[Int(next)] {
                    seen[Int(next)] = true
                    queue.append(next)
                }
            }
        }
    }

    /// The write-locked body of `relinkUnreachable()`.
    /// - Returns: how many nodes it linked on all levels, and the ids of those linked on level 0.
    @discardableResult
    func relinkUnreachableLocked() -> (count: Int, level0: [Int]) {
        guard entryPoint != .max else { return (0, []) }
        let scratch = pool.take(nodes: count)
        defer { pool.give(scratch) }
        var changed = 0
        var level0: [Int] = []
        for level in 0...maxLevel {
            var seen = [Bool](repeating: false, count: count)
            walk(from: entryPoint, level: level, marking: &seen)
            for node in 0..<count where !seen[node] && deleted[node] == 0 && Int(levels[node]) >= level {
                relink(UInt32(node), level: level, reachable: seen, scratch: scratch)
                changed += 1
                if level == 0 { level0.append(Int(labels[node])) }
                walk(from: UInt32(node), level: level, marking: &seen)
            }
        }
        return (changed, level0)
    }

    /// Links `node` (unreachable on `level`) from its nearest reachable node (see `relinkUnreachable()`).
    private func relink(_ node: UInt32, level: Int, reachable: [Bool], scratch: SearchScratch) {
        let g = view
        let q = UnsafePointer(g.vector(node))
        var current = entryPoint
        var currentDistance = g.distance(q, g.vector(current))
        if maxLevel > level {
            for lc in stride(from: maxLevel, to: level, by: -1) {
                var moved = true
                while moved {
                    moved = false
                    let list = g.links(current, level: lc)
                    for j in 0..<Int(list[0]) {
                        let candidate = list[1 + j]
                        let d = g.distance(q, g.vector(candidate))
                        if d < currentDistance { currentDistance = d; current = candidate; moved = true }
                    }
                }
            }
        }
        // The upper levels may lead into a part of this level that its walk from the entry point never
        // reaches, so only candidates marked reachable count.
        if l2Space {
            searchLayer(L2Kernel.self, query: q, entry: current, entryDistance: currentDistance, ef: parameters.efConstruction,
                        level: level, gate: OpenGate(), locked: false, scratch: scratch)
        } else {
            searchLayer(DotKernel.self, query: q, entry: current, entryDistance: currentDistance, ef: parameters.efConstruction,
                        level: level, gate: OpenGate(), locked: false, scratch: scratch)
        }
        let found = scratch.drainResults()
        let capacity = maxLinks(level: level)
        let own = g.links(node, level: level)
        // The nearest reachable node with a free slot links to `node`.
        var nearest = entryPoint
        for i in stride(from: found - 1, through: 0, by: -1) where reachable[Int(scratch.ordered[i].node)] {
            nearest = scratch.ordered[i].node
        }
        for i in 0..<found where reachable[Int(scratch.ordered[i].node)] {
            let candidate = scratch.ordered[i].node
            let list = g.links(candidate, level: level)
            let c = Int(list[0])
            if c < capacity {
                list[1 + c] = node
                list[0] = UInt32(c + 1)
                if own[0] == 0 { own[1] = candidate; own[0] = 1 }
                return
            }
        }
        // Every candidate is full: splice `node` into the nearest one's farthest link, r → w becomes
        // r → node → w. Nothing reachable before is lost (w is still reached, through `node`), and the link
        // `node` may give up for it led nowhere reachable before (`node` was unreachable).
        let r = nearest
        let list = g.links(r, level: level)
        let base = UnsafePointer(g.vector(r))
        var farthest = 0
        var farthestDistance = -Float.infinity
        for j in 0..<Int(list[0]) {
            let d = g.distance(base, g.vector(list[1 + j]))
            if d > farthestDistance { farthestDistance = d; farthest = j }
        }
        let w = list[1 + farthest]
        list[1 + farthest] = node
        let c = Int(own[0])
        for j in 0..<c where own[1 + j] == w { return }
        if c < capacity {
            own[1 + c] = w
            own[0] = UInt32(c + 1)
        } else {
            var ownFarthest = 0
            var ownFarthestDistance = -Float.infinity
            for j in 0..<c {
                let d = g.distance(q, g.vector(own[1 + j]))
                if d > ownFarthestDistance { ownFarthestDistance = d; ownFarthest = j }
            }
            own[1 + ownFarthest] = w
        }
    }
}

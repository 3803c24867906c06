import Foundation
import LinearAlgebra

extension HNSWIndex {
    /// Runs a filtered search, choosing between the graph walk and an exact scan of the allowed ids.
    ///
    /// Cost model, in distance computations: the graph walk needs about `ef · 2m · 1.5 / f` of them when
    /// a fraction `f` of the live nodes pass (it must look at ~1/f nodes per allowed one it keeps); the
    /// exact scan needs one per allowed node. The cheaper wins. Very selective filters also break the
    /// graph's connectivity for the walk, so the scan keeps recall too.
    func filteredSearch(_ q: UnsafePointer<Float>, k: Int, ef: Int, filter: SearchFilter, scratch: SearchScratch) -> Int {
        let live = max(1, count - deletedCount)
        let words = (count + 63) / 64
        switch filter.rule {
        case .matching(let predicate):
            // Estimate the passing fraction from an evenly spaced sample of live nodes.
            let samples = min(count, 512)
            var passed = 0, looked = 0
            for s in 0..<samples {
                let node = s * count / samples
                if deleted[node] != 0 { continue }
                looked += 1
                if predicate(Int(labels[node])) { passed += 1 }
            }
            let fraction = looked == 0 ? 0 : Double(passed) / Double(looked)
            let allowed = fraction * Double(live)
            if preferExact(allowed: allowed, live: live, ef: ef) {
                return exactScan(q, k: k, scratch: scratch) { node in
                    self.deleted[node] == 0 && predicate(Int(self.labels[node]))
                }
            }
            let gate = PredicateGate(deleted: deleted, labels: labels, predicate: predicate)
            return l2Space ? graphSearch(L2Kernel.self, q, k: k, ef: ef, gate: gate, scratch: scratch)
                : graphSearch(DotKernel.self, q, k: k, ef: ef, gate: gate, scratch: scratch)

        case .allowing(let ids):
            var bits = [UInt64](repeating: 0, count: words)
            var nodes: [Int] = []
            nodes.reserveCapacity(ids.count)
            for id in ids {
                guard let node = nodeOfLabel[Int64(id)], deleted[Int(node)] == 0 else { continue }
                bits[Int(node) >> 6] |= 1 << UInt64(node & 63)
                nodes.append(Int(node))
            }
            if nodes.isEmpty { return 0 }
            if preferExact(allowed: Double(nodes.count), live: live, ef: ef) {
                nodes.sort()
                return exactScan(q, k: k, scratch: scratch, nodes: nodes)
            }
            return bits.withUnsafeBufferPointer { b in
                let gate = BitsetGate(deleted: deleted, bits: b.baseAddress!)
                return l2Space ? graphSearch(L2Kernel.self, q, k: k, ef: ef, gate: gate, scratch: scratch)
                    : graphSearch(DotKernel.self, q, k: k, ef: ef, gate: gate, scratch: scratch)
            }

        case .excluding(let ids):
            var bits = [UInt64](repeating: ~0, count: words)
            var excluded = 0
            for id in ids {
                guard let node = nodeOfLabel[Int64(id)], deleted[Int(node)] == 0 else { continue }
                bits[Int(node) >> 6] &= ~(1 << UInt64(node & 63))
                excluded += 1
            }
            let allowed = live - excluded
            if allowed <= 0 { return 0 }
            if preferExact(allowed: Double(allowed), live: live, ef: ef) {
                return bits.withUnsafeBufferPointer { b in
                    exactScan(q, k: k, scratch: scratch) { node in
                        self.deleted[node] == 0 && b[node >> 6] & (1 << UInt64(node & 63)) != 0
                    }
                }
            }
            return bits.withUnsafeBufferPointer { b in
                let gate = BitsetGate(deleted: deleted, bits: b.baseAddress!)
                return l2Space ? graphSearch(L2Kernel.self, q, k: k, ef: ef, gate: gate, scratch: scratch)
                    : graphSearch(DotKernel.self, q, k: k, ef: ef, gate: gate, scratch: scratch)
            }
        }
    }

    /// Whether scanning `allowed` nodes exactly is cheaper than a filtered graph walk.
    func preferExact(allowed: Double, live: Int, ef: Int) -> Bool {
        let fraction = max(allowed / Double(live), 1e-9)
        let graphCost = Double(ef) * Double(maxM0) * 1.5 / fraction
        return allowed <= graphCost
    }

    /// Exact top-k over the given nodes; leaves them in `scratch.ordered`, nearest first.
    func exactScan<Nodes: Sequence<Int>>(_ q: UnsafePointer<Float>, k: Int, scratch: SearchScratch, nodes: Nodes) -> Int {
        var results = scratch.results
        results.removeAll()
        for node in nodes {
            let d = distance(q, vector(UInt32(node)))
            if results.count < k {
                results.push(d, UInt32(node))
            } else if d < results.top.distance {
                results.pop()
                results.push(d, UInt32(node))
            }
        }
        scratch.results = results
        return scratch.drainResults()
    }

    /// Exact top-k over every node that passes `allows`.
    func exactScan(_ q: UnsafePointer<Float>, k: Int, scratch: SearchScratch, where allows: (Int) -> Bool) -> Int {
        exactScan(q, k: k, scratch: scratch, nodes: (0..<count).lazy.filter(allows))
    }
}

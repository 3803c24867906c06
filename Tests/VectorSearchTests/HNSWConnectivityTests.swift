import Foundation
import Support
import Testing
@testable import VectorSearch

/// Every live vector must be reachable from the entry point after a build, whatever the threads, the
/// seed, the metric, and however many identical or nearly identical vectors there are.
@Suite struct HNSWConnectivityTests {
    /// Clustered vectors, then 60 copies of one of them and 60 copies with noise of 1e-6.
    static func awkwardVectors(seed: UInt64) -> Matrix<Float> {
        let dimension = 8
        var base = TestVectors.clustered(rows: 600, dimension: dimension, seed: seed).values
        var g = SeededGenerator(seed: seed &+ 1000)
        let original = Array(base[0..<dimension])
        for _ in 0..<60 { base += original }
        for _ in 0..<60 { base += original.map { $0 + Float(g.nextGaussian()) * 1e-6 } }
        return Matrix(rows: base.count / dimension, columns: dimension, values: base)
    }

    /// The oracle, independent of `unreachableIDs`: a depth-first walk over level 0 from the entry point.
    static func reachedByWalk(_ index: HNSWIndex) -> Set<Int> {
        var reached = Set<UInt32>()
        var stack: [UInt32] = [index.entryPoint]
        while let node = stack.popLast() {
            guard reached.insert(node).inserted else { continue }
            let list = index.links(node, level: 0)
            for j in 0..<Int(list[0]) { stack.append(list[1 + j]) }
        }
        return Set(reached.map { Int(index.labels[Int($0)]) })
    }

    @Test(arguments: [Metric.cosine, .l2, .innerProduct])
    func everyVectorIsReachableAfterAParallelBuild(metric: Metric) throws {
        for seed in [UInt64(1), 2, 3] {
            let vectors = Self.awkwardVectors(seed: seed)
            for threads in [1, 2, 4] {
                let index = HNSWIndex(dimension: vectors.columns, metric: metric,
                                      parameters: .init(m: 6, efConstruction: 32, seed: seed), capacity: vectors.rows)
                let report = try index.add(vectors, threads: threads)
                #expect(index.unreachableIDs().isEmpty, "\(metric) seed \(seed), \(threads) threads")
                #expect(Self.reachedByWalk(index) == Set(0..<vectors.rows), "\(metric) seed \(seed), \(threads) threads")
                for level in 1...max(1, index.maxLevel) {
                    #expect(index.unreachableIDs(level: level).isEmpty, "level \(level)")
                }
                // The repair pass only ever linked nodes the walk could not reach.
                #expect(report.relinkedIDs.count <= report.relinked)
            }
        }
    }

    @Test func aNodeCutOffByHandIsFoundAndRelinked() throws {
        let vectors = TestVectors.clustered(rows: 400, dimension: 8, seed: 5)
        let index = try HNSWIndex.build(vectors: vectors, metric: .l2, parameters: .init(m: 6, efConstruction: 32), threads: 1)
        // Cut every level-0 link to one node (not the entry point).
        let victim = index.entryPoint == 7 ? UInt32(8) : UInt32(7)
        for node in 0..<UInt32(index.count) {
            let list = index.links(node, level: 0)
            var kept: [UInt32] = []
            for j in 0..<Int(list[0]) where list[1 + j] != victim { kept.append(list[1 + j]) }
            for (j, x) in kept.enumerated() { list[1 + j] = x }
            list[0] = UInt32(kept.count)
        }
        let id = Int(index.labels[Int(victim)])
        #expect(index.unreachableIDs().contains(id))
        #expect(!Self.reachedByWalk(index).contains(id))
        #expect(index.relinkUnreachable() >= 1)
        #expect(index.unreachableIDs().isEmpty)
        #expect(Self.reachedByWalk(index).count == vectors.rows)
        // And a search for its own vector now returns it.
        let found = try index.search(Array(vectors.row(id)), k: 1, ef: 64)
        #expect(found.first?.id == id)
    }
}

import Foundation
import Support
import Testing
@testable import VectorSearch

@Suite struct HNSWIndexTests {
    static let dimension = 16
    /// One 20,000-vector index shared by the read-only tests (built once: debug builds are slow).
    static let all = TestVectors.clustered(rows: 20_200, dimension: dimension, seed: 1)
    static let base = TestVectors.rows(all, 0..<20_000)
    /// Queries from the same distribution as the base vectors (but not among them).
    static let queries = TestVectors.rows(all, 20_000..<20_200)
    static let parameters = HNSWIndex.Parameters(m: 12, efConstruction: 80, seed: 7)
    static let index = try! HNSWIndex.build(vectors: base, metric: .l2, parameters: parameters)
    static let truth = try! FlatIndex(vectors: base, metric: .l2).search(batch: queries, k: 10)

    @Test func recallAtTenAgainstFlatIndex() throws {
        let found = try Self.index.search(batch: Self.queries, k: 10, ef: 64)
        let recall = TestVectors.recall(found, Self.truth)
        #expect(recall >= 0.95, "recall@10 = \(recall)")
        // Distances are the true squared L2 distances of the returned ids.
        let hit = found[0][0]
        let v = Array(Self.base.row(hit.id))
        let q = Array(Self.queries.row(0))
        let d = zip(v, q).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        #expect(abs(d - hit.distance) <= 1e-3 * max(1, d))
    }

    @Test func concurrentSearchesMatchSerialOnes() throws {
        let serial = try (0..<Self.queries.rows).map { try Self.index.search(Array(Self.queries.row($0)), k: 10, ef: 40) }
        let parallel = try Self.index.search(batch: Self.queries, k: 10, ef: 40, threads: 8)
        #expect(serial == parallel)
        // And many threads hammering single searches at once.
        let results = UnsafeMutableBufferPointer<[Neighbor]>.allocate(capacity: Self.queries.rows)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        let box = UnsafeSendable(results)
        DispatchQueue.concurrentPerform(iterations: Self.queries.rows) { i in
            box.value[i] = try! Self.index.search(Array(Self.queries.row(i)), k: 10, ef: 40)
        }
        #expect(Array(results) == serial)
    }

    @Test func filteredSearchReturnsOnlyAllowedIdsAndKeepsRecall() throws {
        let allowed = Set(stride(from: 0, to: Self.base.rows, by: 20)) // 5 %
        let subset = allowed.sorted()
        let values = subset.flatMap { Array(Self.base.row($0)) }
        let exact = FlatIndex(vectors: .init(rows: subset.count, columns: Self.dimension, values: values), ids: subset, metric: .l2)
        let truth = try exact.search(batch: Self.queries, k: 10)
        let found = try Self.index.search(batch: Self.queries, k: 10, ef: 64, filter: .allowing(allowed))
        #expect(found.allSatisfy { $0.allSatisfy { allowed.contains($0.id) } })
        #expect(TestVectors.recall(found, truth) >= 0.9)
        // The same through a predicate, and through the graph walk when 50 % pass.
        let byPredicate = try Self.index.search(batch: Self.queries, k: 10, ef: 64, filter: .matching { $0 % 20 == 0 })
        #expect(TestVectors.recall(byPredicate, truth) >= 0.9)
        let half = try Self.index.search(batch: Self.queries, k: 10, ef: 64, filter: .matching { $0 % 2 == 0 })
        #expect(half.allSatisfy { $0.count == 10 && $0.allSatisfy { $0.id % 2 == 0 } })
        let excluded = try Self.index.search(batch: Self.queries, k: 10, ef: 64, filter: .excluding(Set(Self.truth[0].map(\.id))))
        #expect(Set(excluded[0].map(\.id)).isDisjoint(with: Self.truth[0].map(\.id)))
    }

    @Test func fewerThanKWhenFewerExist() throws {
        let small = try HNSWIndex.build(vectors: TestVectors.rows(Self.base, 0..<5), metric: .l2, threads: 1)
        #expect(try small.search(Array(Self.queries.row(0)), k: 10).count == 5)
        #expect(try Self.index.search(Array(Self.queries.row(0)), k: 10, filter: .allowing([3, 4])).map(\.id).sorted() == [3, 4])
        let empty = HNSWIndex(dimension: Self.dimension, metric: .l2)
        #expect(try empty.search(Array(Self.queries.row(0)), k: 10).isEmpty)
    }

    @Test func singleThreadedBuildsWithOneSeedAreIdentical() throws {
        let data = TestVectors.rows(Self.base, 0..<2_000)
        let p = HNSWIndex.Parameters(m: 8, efConstruction: 40, seed: 99)
        let a = try HNSWIndex.build(vectors: data, metric: .l2, parameters: p, threads: 1)
        let b = try HNSWIndex.build(vectors: data, metric: .l2, parameters: p, threads: 1)
        #expect(a.count == b.count && a.upperUsed == b.upperUsed && a.entryPoint == b.entryPoint && a.maxLevel == b.maxLevel)
        #expect(memcmp(a.level0, b.level0, a.count * a.nodeStride) == 0)
        #expect(memcmp(a.upper, b.upper, a.upperUsed * 4) == 0)
        let c = try HNSWIndex.build(vectors: data, metric: .l2, parameters: .init(m: 8, efConstruction: 40, seed: 100), threads: 1)
        #expect(memcmp(a.level0, c.level0, a.count * a.nodeStride) != 0)
    }

    @Test func removedIdsNeverComeBack() throws {
        let data = TestVectors.rows(Self.base, 0..<3_000)
        let index = try HNSWIndex.build(vectors: data, metric: .l2, parameters: .init(m: 8, efConstruction: 40), threads: 2)
        let queries = TestVectors.rows(Self.queries, 0..<50)
        let before = try index.search(batch: queries, k: 10)
        let gone = Set(before.flatMap { $0.prefix(3).map(\.id) })
        for id in gone { try index.remove(id) }
        #expect(throws: VectorIndexError.removedID(gone.first!)) { try index.remove(gone.first!) }
        #expect(throws: VectorIndexError.unknownID(123_456)) { try index.remove(123_456) }
        let after = try index.search(batch: queries, k: 10)
        #expect(after.allSatisfy { $0.count == 10 && $0.allSatisfy { !gone.contains($0.id) } })
        let rebuilt = try index.rebuilt(threads: 1)
        #expect(rebuilt.totalCount == 3_000 - gone.count)
        #expect(try rebuilt.search(batch: queries, k: 10).allSatisfy { $0.allSatisfy { !gone.contains($0.id) } })
        // Incremental add: a new vector is found as its own nearest neighbour.
        let fresh = Array(Self.queries.row(60))
        try index.add(fresh, id: 1_000_000)
        #expect(try index.search(fresh, k: 1).first?.id == 1_000_000)
        #expect(throws: VectorIndexError.duplicateID(1_000_000)) { try index.add(fresh, id: 1_000_000) }
        #expect(try index.neighbors(of: 1_000_000, k: 5).allSatisfy { $0.id != 1_000_000 })
    }

    @Test func cosineKeepsZeroVectorsOut() throws {
        var values = TestVectors.rows(Self.base, 0..<500).values
        let zeroRows = [3, 17, 250]
        for r in zeroRows { for j in 0..<Self.dimension { values[r * Self.dimension + j] = 0 } }
        let data = Matrix(rows: 500, columns: Self.dimension, values: values)
        let ids = (0..<500).map { $0 + 1000 }
        let index = try HNSWIndex.build(vectors: data, ids: ids, metric: .cosine, parameters: .init(m: 8, efConstruction: 40), threads: 1)
        #expect(index.refusedZeroVectors == zeroRows.map { $0 + 1000 })
        #expect(index.totalCount == 497)
        let found = try index.search(batch: TestVectors.rows(Self.queries, 0..<20), k: 500)
        #expect(found.allSatisfy { $0.count == 497 && $0.allSatisfy { !index.refusedZeroVectors.contains($0.id) } })
        #expect(throws: VectorIndexError.zeroVector(id: 5)) { try index.add([Float](repeating: 0, count: Self.dimension), id: 5) }
        let flat = FlatIndex(vectors: data, ids: ids, metric: .cosine)
        #expect(flat.refusedZeroVectors == zeroRows.map { $0 + 1000 })
        // Cosine distances agree with brute force.
        let q = Array(Self.queries.row(0))
        let truth = TestVectors.naive(data, ids: ids, query: q, k: 5, metric: .cosine)
        let got = try index.search(q, k: 5, ef: 200)
        #expect(got.map(\.id) == truth.map(\.id))
        for (a, b) in zip(got, truth) { #expect(abs(a.distance - b.distance) < 1e-4) }
    }

    @Test func wrongDimensionQueriesThrowANamedError() throws {
        let long = [Float](repeating: 0.5, count: Self.dimension + 1)
        let mismatch = VectorIndexError.dimensionMismatch(expected: Self.dimension, found: Self.dimension + 1)
        #expect(throws: mismatch) { try Self.index.search(long, k: 3) }
        #expect(throws: mismatch) { try Self.index.search(long, k: 3, filter: .allowing([1, 2])) }
        let batch = Matrix(rows: 2, columns: Self.dimension + 1, values: long + long)
        #expect(throws: mismatch) { try Self.index.search(batch: batch, k: 3) }
        let flat = FlatIndex(vectors: TestVectors.rows(Self.base, 0..<100), metric: .l2)
        #expect(throws: mismatch) { try flat.search(long, k: 3) }
        #expect(throws: mismatch) { try flat.search(batch: batch, k: 3) }
        #expect(mismatch.description == "vector has 17 dimensions, the index has 16")
        // The right length still works after the refusals.
        #expect(try Self.index.search(Array(Self.queries.row(0)), k: 3).count == 3)
    }
}

import Foundation
import Support
import Testing
@testable import VectorSearch

@Suite struct PersistenceAndMetricTests {
    static let data = TestVectors.clustered(rows: 3_000, dimension: 12, seed: 5)
    static let queries = TestVectors.rows(TestVectors.clustered(rows: 3_040, dimension: 12, seed: 5), 3_000..<3_040)

    func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("marquee-vs-\(getpid())-\(UInt32.random(in: 0 ... .max))-\(name)")
    }

    @Test func saveLoadGivesIdenticalResults() throws {
        let ids = (0..<Self.data.rows).map { $0 * 3 + 7 }
        let index = try HNSWIndex.build(vectors: Self.data, ids: ids, metric: .l2, parameters: .init(m: 8, efConstruction: 40), threads: 2)
        try index.remove(ids[10])
        let url = temporaryURL("a.hnsw")
        defer { try? FileManager.default.removeItem(at: url) }
        try index.save(to: url)
        let loaded = try HNSWIndex.load(from: url)
        #expect(loaded.totalCount == index.totalCount && loaded.liveCount == index.liveCount)
        #expect(loaded.metric == .l2 && loaded.dimension == 12 && loaded.parameters == index.parameters)
        #expect(try loaded.search(batch: Self.queries, k: 10, ef: 50) == index.search(batch: Self.queries, k: 10, ef: 50))
        #expect(try loaded.neighbors(of: ids[5], k: 5) == index.neighbors(of: ids[5], k: 5))
        #expect(!loaded.contains(ids[10]))
        // A loaded index still takes additions (its mapped block is copied first).
        try loaded.add(Array(Self.queries.row(0)), id: -1)
        #expect(try loaded.search(Array(Self.queries.row(0)), k: 1).first?.id == -1)
    }

    @Test func truncatedOrAlteredFilesAreRefused() throws {
        let index = try HNSWIndex.build(vectors: TestVectors.rows(Self.data, 0..<300), metric: .cosine, parameters: .init(m: 8, efConstruction: 20), threads: 1)
        let url = temporaryURL("b.hnsw")
        defer { try? FileManager.default.removeItem(at: url) }
        try index.save(to: url)
        let bytes = try Data(contentsOf: url)

        try bytes.prefix(bytes.count - 100).write(to: url)
        #expect(throws: ArtifactError.self) { try HNSWIndex.load(from: url) }

        var altered = bytes
        altered[bytes.count - 50] ^= 0xFF
        try altered.write(to: url)
        #expect(throws: ArtifactError.self) { try HNSWIndex.load(from: url) }

        var wrongVersion = bytes
        wrongVersion[8] = 99
        try wrongVersion.write(to: url)
        #expect(throws: ArtifactError.self) { try HNSWIndex.load(from: url) }

        // Another kind of artefact is refused too.
        var writer = ArtifactWriter(kind: "embeddings")
        writer.add("x", [Float(1)])
        try writer.write(to: url)
        #expect(throws: ArtifactError.wrongKind(path: url.path, expected: "hnsw", found: "embeddings")) { try HNSWIndex.load(from: url) }
    }

    @Test func flatIndexMatchesNaiveBruteForce() throws {
        let ids = (0..<Self.data.rows).map { 10_000 - $0 }
        for metric in Metric.allCases {
            let flat = FlatIndex(vectors: Self.data, ids: ids, metric: metric)
            let batch = try flat.search(batch: Self.queries, k: 7, threads: 2)
            for q in 0..<Self.queries.rows {
                let truth = TestVectors.naive(Self.data, ids: ids, query: Array(Self.queries.row(q)), k: 7, metric: metric)
                #expect(batch[q].map(\.id) == truth.map(\.id), "\(metric) query \(q)")
                for (a, b) in zip(batch[q], truth) { #expect(abs(a.distance - b.distance) <= 1e-3 * max(1, abs(b.distance))) }
            }
            #expect(try flat.search(Array(Self.queries.row(3)), k: 7) == batch[3])
        }
        #expect(try FlatIndex(vectors: TestVectors.rows(Self.data, 0..<4), metric: .l2).search(Array(Self.queries.row(0)), k: 10).count == 4)
    }

    @Test func flatBatchSearchAcrossManyQueryAndBaseBlocks() throws {
        // 9,000 queries on 2 threads: more than one 2,048-query block per thread, cut evenly; 700 base rows:
        // several 256-row base blocks and a short last one. Every answer equals the naive scan's.
        let all = TestVectors.clustered(rows: 9_700, dimension: 4, seed: 21)
        let base = TestVectors.rows(all, 0..<700), queries = TestVectors.rows(all, 700..<9_700)
        let ids = Array(0..<700)
        for metric in [Metric.l2, .innerProduct] {
            let batch = try FlatIndex(vectors: base, metric: metric).search(batch: queries, k: 3, threads: 2)
            #expect(batch.count == 9_000)
            for q in stride(from: 0, to: 9_000, by: 7) {
                let truth = TestVectors.naive(base, ids: ids, query: Array(queries.row(q)), k: 3, metric: metric)
                #expect(batch[q].map(\.id) == truth.map(\.id), "\(metric) query \(q)")
            }
        }
    }

    @Test func mipsReductionAndGraphAgreeWithExactInnerProduct() throws {
        // Vectors of very different norms, as ALS factors have.
        var g = SeededGenerator(seed: 11)
        let n = 600, d = 8
        var values = [Float](repeating: 0, count: n * d)
        for r in 0..<n {
            let scale = 0.2 + 3 * g.nextFloat()
            for j in 0..<d { values[r * d + j] = g.nextGaussian() * scale }
        }
        let data = Matrix(rows: n, columns: d, values: values)
        let queries = (0..<20).map { _ in (0..<d).map { _ in g.nextGaussian() } }
        let exact = FlatIndex(vectors: data, metric: .innerProduct)
        for strategy in MIPSStrategy.allCases {
            let index = try HNSWIndex.build(vectors: data, metric: .innerProduct,
                                            parameters: .init(m: 16, efConstruction: 200, mipsStrategy: strategy), threads: 1)
            for q in queries {
                let truth = try exact.search(q, k: 10)
                let found = try index.search(q, k: 10, ef: 400)
                #expect(found.map(\.id) == truth.map(\.id), "\(strategy)")
                for (a, b) in zip(found, truth) { #expect(abs(a.distance - b.distance) < 1e-3 * max(1, abs(b.distance))) }
            }
        }
    }
}

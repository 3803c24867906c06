import Foundation
import Support
import Testing
@testable import VectorSearch

@Suite struct EmbeddingStoreTests {
    func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("marquee-es-\(getpid())-\(UInt32.random(in: 0 ... .max))-\(name)")
    }

    @Test func storeRoundTripsAndImportsExports() throws {
        let items = EmbeddingMatrix(values: Matrix(rows: 3, columns: 2, values: [1, 2, 0, 0, 5, 6]), ids: [10, 20, 30])
        let users = EmbeddingMatrix(values: Matrix(rows: 1, columns: 2, values: [7, 8]), ids: [99])
        var store = EmbeddingStore()
        try store.set("items", items)
        try store.set("users", users)
        let url = temporaryURL("e.emb")
        defer { try? FileManager.default.removeItem(at: url) }
        try store.save(to: url)
        let loaded = try EmbeddingStore.load(from: url)
        #expect(loaded.names == ["items", "users"])
        #expect(try loaded.matrix("items").matrix == items.matrix)
        #expect(try loaded.matrix("items").ids == [10, 20, 30])
        #expect(try loaded.matrix("items").zeroRowIds == [20])
        #expect(throws: VectorIndexError.self) { try loaded.matrix("nope") }

        let npy = temporaryURL("items.npy")
        let fvecs = temporaryURL("items.fvecs")
        defer { for u in [npy, fvecs, npy.deletingPathExtension().appendingPathExtension("ids.npy")] { try? FileManager.default.removeItem(at: u) } }
        try EmbeddingStore.exportMatrix(items, to: npy)
        try EmbeddingStore.exportMatrix(items, to: fvecs)
        let fromNpy = try EmbeddingStore.importMatrix(from: npy)
        #expect(fromNpy.matrix == items.matrix && fromNpy.ids == [10, 20, 30])
        let fromFvecs = try EmbeddingStore.importMatrix(from: fvecs)
        #expect(fromFvecs.matrix == items.matrix && fromFvecs.ids == [0, 1, 2])
    }

    @Test func importsItemFactorsFromAnyModelArtefact() throws {
        var writer = ArtifactWriter(kind: "als")
        writer.add("item_factors", [Float]([1, 0, 0, 1, 0, 0]))
        writer.add("item_ids", [Int32]([5, 6, 7]))
        writer.add("user_factors", [Float]([1, 1]))
        writer.add("user_ids", [Int32]([1]))
        let url = temporaryURL("m.als")
        defer { try? FileManager.default.removeItem(at: url) }
        try writer.write(to: url)
        let items = try EmbeddingStore.importFactors(fromModel: url)
        #expect(items.columns == 2 && items.ids == [5, 6, 7] && items.zeroRowIds == [7])
        let index = try HNSWIndex.build(vectors: items.matrix, ids: items.ids, metric: .cosine, threads: 1)
        #expect(index.refusedZeroVectors == [7])
        #expect(try index.neighbors(of: 5, k: 5).map(\.id) == [6])
    }
}

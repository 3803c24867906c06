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

    @Test func idSourcesAreRecordedOnMatricesAndIndexes() throws {
        let vectors = Matrix<Float>(rows: 4, columns: 2, values: [1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9])
        let fvecs = temporaryURL("v.fvecs"), idsFile = temporaryURL("v-ids.npy"), index = temporaryURL("v.hnsw")
        defer { for u in [fvecs, idsFile, index] { try? FileManager.default.removeItem(at: u) } }
        try VecsFile.write(vectors, to: fvecs)
        try NumpyFile.write([Int64]([101, 102, 103, 104]), to: idsFile)

        let plain = try EmbeddingStore.importMatrix(from: fvecs)
        #expect(plain.idSource == .rows && plain.ids == [0, 1, 2, 3])
        let named = try EmbeddingStore.importMatrix(from: fvecs, idsFile: idsFile)
        #expect(named.idSource == .file && named.ids == [101, 102, 103, 104])
        #expect(try EmbeddingStore.importMatrix(from: fvecs, ids: [5, 6, 7, 8]).idSource == .unknown)

        // The index keeps the source through save and load; row numbers by default without ids.
        let byRows = try HNSWIndex.build(vectors: plain.matrix, metric: .cosine, threads: 1)
        #expect(byRows.idSource == .rows)
        let byFile = try HNSWIndex.build(vectors: named.matrix, ids: named.ids, idSource: named.idSource, metric: .cosine, threads: 1)
        try byFile.save(to: index)
        #expect(try HNSWIndex.load(from: index).idSource == .file)
        try byRows.save(to: index)
        let reloaded = try HNSWIndex.load(from: index)
        #expect(reloaded.idSource == .rows)
        #expect(try reloaded.rebuilt(threads: 1).idSource == .rows)
        #expect(try HNSWIndex.build(vectors: vectors, ids: [9, 8, 7, 6], metric: .l2, threads: 1).idSource == .unknown)

        // An embedding store keeps each matrix's source too.
        var store = EmbeddingStore()
        try store.set("named", named)
        try store.set("plain", plain)
        let storeURL = temporaryURL("s.emb")
        defer { try? FileManager.default.removeItem(at: storeURL) }
        try store.save(to: storeURL)
        let loaded = try EmbeddingStore.load(from: storeURL)
        #expect(try loaded.matrix("named").idSource == .file && loaded.matrix("plain").idSource == .rows)
    }

    @Test func indexFilesWithoutAnIdSourceLoadAsUnknown() throws {
        // A file written before the source was recorded: the same metadata without the `ids` key.
        let index = try HNSWIndex.build(vectors: Matrix(rows: 3, columns: 2, values: [1, 0, 0, 1, 1, 1]), metric: .l2, threads: 1)
        let url = temporaryURL("old.hnsw")
        defer { try? FileManager.default.removeItem(at: url) }
        try index.save(to: url)
        let reader = try ArtifactReader(url: url)
        var meta = try JSONSerialization.jsonObject(with: Data(try reader.array("meta", as: UInt8.self))) as! [String: Any]
        #expect(meta["ids"] as? String == "rows")
        meta["ids"] = nil
        var writer = ArtifactWriter(kind: HNSWIndex.artifactKind, kindVersion: HNSWIndex.layoutVersion)
        writer.add("meta", [UInt8](try JSONSerialization.data(withJSONObject: meta)))
        for name in ["level0", "levels", "deleted"] { writer.add(name, try reader.array(name, as: UInt8.self)) }
        for name in ["upper", "upper_start"] { writer.add(name, try reader.array(name, as: UInt32.self)) }
        for name in ["labels", "refused"] { writer.add(name, try reader.array(name, as: Int64.self)) }
        try writer.write(to: url)
        #expect(try HNSWIndex.load(from: url).idSource == .unknown)
    }

    @Test func idsFilesAreCheckedForCountDuplicatesAndType() throws {
        let vectors = temporaryURL("w.npy"), ids = temporaryURL("w-ids.npy")
        defer { for u in [vectors, ids] { try? FileManager.default.removeItem(at: u) } }
        try NumpyFile.write(Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6]), to: vectors)

        try NumpyFile.write([Int64]([7, 8]), to: ids)
        #expect(throws: VectorIndexError.badFile(path: ids.path, reason: "holds 2 ids for the 3 rows of \(vectors.path)")) {
            try EmbeddingStore.importMatrix(from: vectors, idsFile: ids)
        }
        try NumpyFile.write([Int64]([7, 8, 7]), to: ids)
        #expect(throws: VectorIndexError.badFile(path: ids.path, reason: "id 7 appears twice (rows 0 and 2); ids must be distinct")) {
            try EmbeddingStore.importMatrix(from: vectors, idsFile: ids)
        }
        // Floats are not ids.
        try NumpyFile.write(Matrix<Float>(rows: 3, columns: 1, values: [1, 2, 3]), to: ids)
        #expect(throws: VectorFileError.unsupported(path: ids.path, reason: "dtype <f4; expected <i4 or <i8")) {
            try EmbeddingStore.importMatrix(from: vectors, idsFile: ids)
        }
        // int32 ids are read as well as int64.
        try writeInt32Npy([30, 10, 20], to: ids)
        let read = try EmbeddingStore.importMatrix(from: vectors, idsFile: ids)
        #expect(read.ids == [30, 10, 20] && read.idSource == .file)
    }

    /// A 1-D little-endian int32 `.npy` file (what numpy.save writes for an int32 array).
    private func writeInt32Npy(_ values: [Int32], to url: URL) throws {
        var header = "{'descr': '<i4', 'fortran_order': False, 'shape': (\(values.count),), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: url)
    }
}

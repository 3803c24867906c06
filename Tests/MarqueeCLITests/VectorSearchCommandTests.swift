import Foundation
import Testing

/// Four 2-D vectors; an .fvecs file has no ids, so without --ids row r gets id r.
private let rows: [[Float]] = [[1, 0], [0.9, 0.1], [0, 1], [-1, 0]]

/// A 1-D little-endian int64 `.npy` file, as numpy.save writes one.
private func writeInt64Npy(_ values: [Int64], to url: URL) throws {
    var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (\(values.count),), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
    data.append(contentsOf: Array(header.utf8))
    for v in values { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    try data.write(to: url)
}

private func writeFvecs(_ rows: [[Float]], to url: URL) throws {
    var data = Data()
    for row in rows {
        withUnsafeBytes(of: Int32(row.count).littleEndian) { data.append(contentsOf: $0) }
        for v in row { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    }
    try data.write(to: url)
}

@Suite struct VectorSearchCommandTests {
    @Test func buildSearchAndSimilar() throws {
        let root = try makeTemporaryDirectory("marquee-vs-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let base = root.appendingPathComponent("items.fvecs")
        try writeFvecs(rows, to: base)
        let index = root.appendingPathComponent("items.hnsw").path

        let built = try runMarquee(["build-index", "--embeddings", base.path, "--metric", "cosine", "--threads", "1", "--out", index, "--json"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.json?["vectors"] as? Int == 4)
        #expect(built.json?["ids"] as? String == "rows")

        let found = try runMarquee(["search", "--index", index, "--vector", "1, 0.05", "-k", "2", "--json"])
        #expect(found.status == 0, "\(found.stderr)")
        let results = found.json?["results"] as? [[[String: Any]]]
        #expect(results?.count == 1)
        #expect(results?[0].compactMap { $0["id"] as? Int } == [0, 1])

        let wrongDimension = try runMarquee(["search", "--index", index, "--vector", "1,2,3"])
        #expect(wrongDimension.status != 0 && wrongDimension.stderr.contains("dimensions"))

        // A catalogue whose movie ids are 10…13; the ids file names the rows with them.
        let data = root.appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        _ = try writeFile("userId,movieId,rating,timestamp\n1,10,5.0,1\n1,11,4.0,2\n2,12,5.0,3\n2,13,1.0,4\n", to: "ratings.csv", in: data)
        _ = try writeFile("movieId,title,genres\n10,Alpha (1995),Comedy\n11,Alpha II (1997),Comedy\n12,Beta (1996),Drama\n13,Gamma (1990),Drama\n", to: "movies.csv", in: data)

        // An index whose ids are row numbers is refused by name: its "movies" would be unrelated ones.
        let byRows = try runMarquee(["similar", "--data", data.path, "--index", index, "--movie", "alpha (1995)", "-k", "2"])
        #expect(byRows.status != 0)
        #expect(byRows.stderr.contains("built from an embedding file without ids; its ids are row numbers, not movie ids"), "\(byRows.stderr)")
        #expect(byRows.stderr.contains("--ids"))

        let ids = root.appendingPathComponent("ids.npy")
        try writeInt64Npy([10, 11, 12, 13], to: ids)
        let named = root.appendingPathComponent("named.hnsw").path
        let builtNamed = try runMarquee(["build-index", "--embeddings", base.path, "--ids", ids.path, "--metric", "cosine",
                                         "--threads", "1", "--out", named, "--json"])
        #expect(builtNamed.status == 0, "\(builtNamed.stderr)")
        #expect(builtNamed.json?["ids"] as? String == "file")
        let similar = try runMarquee(["similar", "--data", data.path, "--index", named, "--movie", "alpha (1995)", "-k", "2", "--json"])
        #expect(similar.status == 0, "\(similar.stderr)")
        let query = similar.json?["query"] as? [String: Any]
        #expect(query?["movie_id"] as? Int == 10 && query?["title"] as? String == "Alpha (1995)")
        let items = similar.json?["items"] as? [[String: Any]]
        #expect(items?.first?["movie_id"] as? Int == 11 && items?.first?["title"] as? String == "Alpha II (1997)")
        if let score = items?.first?["score"] as? Double {
            #expect(abs(score - Double(0.9 / (0.81 + 0.01).squareRoot())) < 1e-4) // cosine of rows 0 and 1
        }

        let ambiguous = try runMarquee(["similar", "--data", data.path, "--index", named, "--movie", "alph"])
        #expect(ambiguous.status != 0 && ambiguous.stderr.contains("Alpha II (1997)") && ambiguous.stderr.contains("Alpha (1995)"))
        let unknown = try runMarquee(["similar", "--data", data.path, "--index", named, "--movie", "Btea"])
        #expect(unknown.status != 0 && unknown.stderr.contains("Beta (1996)"))

        // Bad ids files are named: a wrong count, a repeated id; --ids needs --embeddings.
        try writeInt64Npy([10, 11, 12], to: ids)
        let short = try runMarquee(["build-index", "--embeddings", base.path, "--ids", ids.path, "--out", named])
        #expect(short.status != 0 && short.stderr.contains("holds 3 ids for the 4 rows"), "\(short.stderr)")
        try writeInt64Npy([10, 11, 12, 10], to: ids)
        let repeated = try runMarquee(["build-index", "--embeddings", base.path, "--ids", ids.path, "--out", named])
        #expect(repeated.status != 0 && repeated.stderr.contains("id 10 appears twice"), "\(repeated.stderr)")
        let withModel = try runMarquee(["build-index", "--model", index, "--ids", ids.path])
        #expect(withModel.status != 0 && withModel.stderr.contains("--ids goes with --embeddings"))
    }

    @Test func benchAnnPrintsTheJSONContract() throws {
        let root = try makeTemporaryDirectory("marquee-vs-bench")
        defer { try? FileManager.default.removeItem(at: root) }
        var g = UInt64(7)
        func next() -> Float { g = g &* 6364136223846793005 &+ 1442695040888963407; return Float(g >> 40) / Float(1 << 24) }
        let base = (0..<300).map { _ in (0..<4).map { _ in next() } }
        let queries = (0..<10).map { _ in (0..<4).map { _ in next() } }
        try writeFvecs(base, to: root.appendingPathComponent("b.fvecs"))
        try writeFvecs(queries, to: root.appendingPathComponent("q.fvecs"))
        let run = try runMarquee(["bench-ann", "--base", root.appendingPathComponent("b.fvecs").path,
                                  "--queries", root.appendingPathComponent("q.fvecs").path, "--ef", "10,400", "--threads", "1", "--json"],
                                 binary: "marquee-bench")
        #expect(run.status == 0, "\(run.stderr)")
        let runs = run.json?["runs"] as? [[String: Any]]
        #expect(runs?.count == 2 && run.json?["build_seconds"] != nil && run.json?["index_bytes"] as? Int ?? 0 > 0)
        #expect(runs?.last?["recall"] as? Double == 1.0) // ef 400 > 300 vectors: exhaustive
        #expect(runs?.allSatisfy { $0["qps"] != nil && $0["qps_all_cores"] != nil && $0["ef"] != nil } == true)
    }
}

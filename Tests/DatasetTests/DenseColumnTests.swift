import Foundation
import Support
import Testing
@testable import Dataset

// DenseColumn: value semantics over array and mapped storage; the cache hands out mapped matrices.

@Test func denseColumnIsACopyOnWriteValue() {
    let source: [Int32] = [5, 6, 7]
    var a = DenseColumn(source)
    let b = a
    a[1] = 60
    #expect(a == [5, 60, 7] && b == [5, 6, 7] && source == [5, 6, 7])
    a.removeLast(2)
    #expect(a == [5] && a.count == 1 && b.count == 3)
    var c = b
    c.withUnsafeMutableBufferPointer { $0[0] = 50 }
    #expect(c == [50, 6, 7] && b == [5, 6, 7])
    #expect(Array(b[1...]) == [6, 7] && b.reduce(0, +) == 18 && b.array == source)
}

@Test func mappedDenseColumnCopiesBeforeItsFirstWrite() throws {
    let folder = FixtureFolder()
    let file = folder.url.appendingPathComponent("column.art")
    var writer = ArtifactWriter(kind: "test")
    writer.add("x", [Int64](arrayLiteral: 1, 2, 3, 4))
    try writer.write(to: file)
    var mapped: DenseColumn<Int64>
    do {
        let reader = try ArtifactReader(url: file)
        mapped = DenseColumn(mapped: try reader.buffer("x", as: Int64.self), owner: reader)
    }
    // The reader is kept alive by the column.
    #expect(mapped.isMapped && mapped == [1, 2, 3, 4])
    let before = mapped
    mapped[3] = 40
    #expect(!mapped.isMapped && mapped == [1, 2, 3, 40])
    #expect(before.isMapped && before == [1, 2, 3, 4])
    #expect(try ArtifactReader(url: file).array("x", as: Int64.self) == [1, 2, 3, 4])
}

@Test func cacheLoadMapsTheMatricesAndTheyBehaveAsArrays() throws {
    let f = FixtureFolder(), cache = FixtureFolder()
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,100\n1,2,3.5,101\n2,1,5,102\n3,3,0.5,103\n")
    f.write("movies.csv", "movieId,title,genres\n1,A (1995),Drama\n2,B (1996),Comedy\n3,C (1997),Action\n")
    let options = LoadOptions(threshold: 4, cacheDirectory: cache.url)
    let parsed = try MovieLensDataset.load(from: f.url, options: options)
    let cached = try MovieLensDataset.load(from: f.url, options: options)
    #expect(cached.report.fromCache)
    let m = cached.interactions.byUser, t = cached.interactions.byItem
    #expect(m.rowStart.isMapped && m.columnIndex.isMapped && m.values.isMapped && m.timestamps.isMapped && t.values.isMapped)
    #expect(m == parsed.interactions.byUser && t == parsed.interactions.byItem)
    #expect(Array(m.columns(ofRow: 0)) == [0, 1] && m.values == [4, 3.5, 5, 0.5] && m.timestamps == [100, 101, 102, 103])
    // Derived matrices and mutation work on the mapped form and leave it as it was.
    #expect(cached.interactions.positives() == parsed.interactions.positives())
    var changed = m
    changed.values[0] = 1
    changed.sortRows()
    #expect(changed.values == [1, 3.5, 5, 0.5] && m.values == [4, 3.5, 5, 0.5] && m.values.isMapped)
    #expect(try MovieLensDataset.load(from: f.url, options: options).interactions == parsed.interactions)
}

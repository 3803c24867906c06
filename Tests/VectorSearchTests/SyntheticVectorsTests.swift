import Foundation
import Testing
@testable import VectorSearch

private func temporaryDirectory(_ name: String) -> URL {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("marquee-synthvec-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
}

/// Brute force in Double: every distance, sorted by (distance, id).
private func bruteForce(base: Matrix<Float>, queries: Matrix<Float>, k: Int) -> [[(id: Int, distance: Double)]] {
    let d = base.columns
    return base.values.withUnsafeBufferPointer { x in
        queries.values.withUnsafeBufferPointer { q in
            (0..<queries.rows).map { i in
                var all = [(id: Int, distance: Double)]()
                all.reserveCapacity(base.rows)
                for r in 0..<base.rows {
                    var s = 0.0
                    for j in 0..<d {
                        let diff = Double(q[i * d + j]) - Double(x[r * d + j])
                        s += diff * diff
                    }
                    all.append((r, s))
                }
                all.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
                return Array(all.prefix(k))
            }
        }
    }
}

@Test func groundTruthEqualsBruteForce() {
    // Block sizes are 256 queries × 4096 base rows: use more than one of each, with ragged ends.
    let spec = SyntheticVectors(count: 4_500, dimension: 8, queries: 300, clusters: 7, k: 20, seed: 3)
    let (base, queries) = spec.generate(threads: 2)
    let truth = SyntheticVectors.groundTruth(base: base, queries: queries, k: 20, threads: 2)
    #expect(truth.rows == 300 && truth.columns == 20)
    let expected = bruteForce(base: base, queries: queries, k: 20)
    var sameIds = 0
    for i in 0..<300 {
        for j in 0..<20 {
            let id = Int(truth.values[i * 20 + j])
            if id == expected[i][j].id { sameIds += 1; continue }
            // A different id is only acceptable as an exact tie (up to Float rounding).
            var s = 0.0
            for c in 0..<8 {
                let diff = Double(queries.values[i * 8 + c]) - Double(base.values[id * 8 + c])
                s += diff * diff
            }
            #expect(abs(s - expected[i][j].distance) <= 1e-5 * max(1, s), "query \(i) rank \(j)")
        }
    }
    #expect(sameIds >= 300 * 20 - 3)
}

@Test func groundTruthHandlesFewerBaseRowsThanK() {
    let base = Matrix<Float>(rows: 3, columns: 2, values: [0, 0, 1, 0, 5, 5])
    let queries = Matrix<Float>(rows: 2, columns: 2, values: [0.9, 0.1, 4, 4])
    let truth = SyntheticVectors.groundTruth(base: base, queries: queries, k: 10, threads: 1)
    #expect(truth.columns == 3)
    #expect(truth.values == [1, 0, 2, 2, 1, 0])
}

@Test func writesTheThreeFilesDeterministically() throws {
    let a = temporaryDirectory("a"), b = temporaryDirectory("b"), c = temporaryDirectory("c")
    defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
    let spec = SyntheticVectors(count: 9_000, dimension: 16, queries: 40, clusters: 12, k: 10, seed: 9)
    try spec.write(to: a, threads: 1)
    try spec.write(to: b, threads: 2)
    var other = spec
    other.seed = 10
    try other.write(to: c, threads: 2)
    for name in ["base.fvecs", "queries.fvecs", "groundtruth.ivecs"] {
        let da = try Data(contentsOf: a.appendingPathComponent(name))
        #expect(da == (try Data(contentsOf: b.appendingPathComponent(name))), "\(name) depends on the thread count")
        #expect(da != (try Data(contentsOf: c.appendingPathComponent(name))), "\(name) does not depend on the seed")
    }
    let base = try VecsFile.readFloat(a.appendingPathComponent("base.fvecs"))
    let queries = try VecsFile.readFloat(a.appendingPathComponent("queries.fvecs"))
    let truth = try VecsFile.readInt(a.appendingPathComponent("groundtruth.ivecs"))
    #expect(base.rows == 9_000 && base.columns == 16)
    #expect(queries.rows == 40 && queries.columns == 16)
    #expect(truth.rows == 40 && truth.columns == 10)
    #expect(truth.values.allSatisfy { $0 >= 0 && $0 < 9_000 })
    // Queries are fresh draws, not copies of base points.
    let rows = Set((0..<base.rows).map { Array(base.row($0)) })
    #expect((0..<queries.rows).allSatisfy { !rows.contains(Array(queries.row($0))) })
    // Each query's neighbour list has no repeats.
    #expect((0..<40).allSatisfy { Set(truth.row($0)).count == 10 })
}

@Test func mixtureHasUnevenComponents() {
    let mixture = Mixture(dimension: 8, clusters: 20, seed: 1)
    var weights = [Double]()
    var previous = 0.0
    for c in mixture.cumulative { weights.append(c - previous); previous = c }
    #expect(weights.max()! > 4 * weights.min()!)
    // Spreads differ between components.
    let spread = (0..<20).map { c in (0..<8).reduce(Float(0)) { $0 + mixture.scales[c * 8 + $1] * mixture.scales[c * 8 + $1] } }
    #expect(spread.max()! > 1.5 * spread.min()!)
}

@Test func invalidParametersAreRefused() {
    #expect(throws: SyntheticVectorsError.self) { try SyntheticVectors(count: 0, dimension: 4, queries: 1).validate() }
    #expect(throws: SyntheticVectorsError.self) { try SyntheticVectors(count: 10, dimension: 4, queries: 1, k: 11).validate() }
    #expect(throws: SyntheticVectorsError.self) { try SyntheticVectors(count: 10, dimension: 0, queries: 1).validate() }
}

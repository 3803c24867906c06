import Foundation
import Support
@testable import VectorSearch

/// Seeded test data shared by the vector-search tests.
enum TestVectors {
    /// `rows` Gaussian vectors around `clusters` random centres.
    static func clustered(rows: Int, dimension: Int, clusters: Int = 20, seed: UInt64) -> Matrix<Float> {
        var g = SeededGenerator(seed: seed)
        let centres = (0..<(clusters * dimension)).map { _ in g.nextGaussian() * 3 }
        var values = [Float](repeating: 0, count: rows * dimension)
        for r in 0..<rows {
            let c = g.nextInt(below: clusters)
            for j in 0..<dimension { values[r * dimension + j] = centres[c * dimension + j] + g.nextGaussian() }
        }
        return Matrix(rows: rows, columns: dimension, values: values)
    }

    /// Brute force, written as plainly as possible: the oracle for FlatIndex.
    static func naive(_ base: Matrix<Float>, ids: [Int], query: [Float], k: Int, metric: Metric) -> [Neighbor] {
        func norm(_ v: [Float]) -> Float { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var all: [Neighbor] = []
        for r in 0..<base.rows {
            let x = Array(base.row(r))
            var d: Float = 0
            switch metric {
            case .l2: for j in 0..<x.count { d += (x[j] - query[j]) * (x[j] - query[j]) }
            case .innerProduct: d = 1 - zip(x, query).reduce(0) { $0 + $1.0 * $1.1 }
            case .cosine:
                let nx = norm(x), nq = norm(query)
                if nx == 0 { continue }
                d = 1 - zip(x, query).reduce(0) { $0 + $1.0 * $1.1 } / (nx * nq)
            }
            all.append(Neighbor(id: ids[r], distance: d))
        }
        all.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
        return Array(all.prefix(k))
    }

    /// Fraction of the true neighbours' ids found, over all queries.
    static func recall(_ found: [[Neighbor]], _ truth: [[Neighbor]]) -> Double {
        var hits = 0, total = 0
        for (f, t) in zip(found, truth) {
            let want = Set(t.map(\.id))
            hits += f.filter { want.contains($0.id) }.count
            total += t.count
        }
        return total == 0 ? 1 : Double(hits) / Double(total)
    }

    static func rows(_ m: Matrix<Float>, _ range: Range<Int>) -> Matrix<Float> {
        Matrix(rows: range.count, columns: m.columns, values: Array(m.values[(range.lowerBound * m.columns)..<(range.upperBound * m.columns)]))
    }
}

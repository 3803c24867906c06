import Dataset
import Foundation
import Testing
@testable import Evaluation

/// Three users, lists of length 3 (user 2's list is short: one item), relevant items:
///   user 0: list [1, 2, 3], relevant {2}      → hit at rank 2
///   user 1: list [4, 0, 2], relevant {0, 4}   → hits at ranks 1 and 2
///   user 2: list [3],       relevant {1}      → no hit
///   user 3: no relevant item (left out)
/// By hand, with d(r) = 1/log2(r + 1): d(1) = 1, d(2) = 0.6309298, d(3) = 0.5.
///   K = 1: NDCG (0 + 1 + 0)/3, recall (0 + 1/2 + 0)/3
///   K = 2: NDCG (d2/1 + (1 + d2)/(1 + d2) + 0)/3, recall (1 + 1 + 0)/3
///   K = 3: the same hits, the same ideal for both users: unchanged from K = 2.
@Test func curvesMatchTheHandComputedPrefixes() {
    let lists = TopKLists(k: 3, users: [0, 1, 2, 3], items: [1, 2, 3, 4, 0, 2, 3, -1, -1, 5, 6, 7])
    let relevant = CSRMatrix(rows: 4, columns: 8, rowIndex: [0, 1, 1, 2], columnIndex: [2, 0, 4, 1], values: [1, 1, 1, 1],
                             timestamps: [0, 0, 0, 0])
    let curves = MetricCurves(lists: lists, relevant: relevant)
    let d2 = 1 / log2(3.0)
    #expect(curves.k == [1, 2, 3])
    #expect(curves.users == 3)
    let ndcg = [1.0 / 3, (d2 + 1) / 3, (d2 + 1) / 3]
    let recall = [0.5 / 3, 2.0 / 3, 2.0 / 3]
    for i in 0..<3 {
        #expect(abs(curves.ndcg[i] - ndcg[i]) < 1e-12)
        #expect(abs(curves.recall[i] - recall[i]) < 1e-12)
    }
}

/// Every point of the curves is the mean of `UserMetrics` at that K over random lists.
@Test(arguments: [1, 7, 42])
func curvesAgreeWithTheMetricsAtEveryCutOff(seed: UInt64) {
    var rng = SplitMix(seed)
    let users = 40, items = 60, maxK = 12
    var flat: [Int32] = []
    var rowIndex: [Int32] = [], columnIndex: [Int32] = []
    for u in 0..<users {
        let length = Int(rng.next() % UInt64(maxK + 1))
        let list = Array((0..<Int32(items)).shuffled(using: &rng).prefix(length))
        flat += list + [Int32](repeating: -1, count: maxK - length)
        let relevantCount = 1 + Int(rng.next() % 6)
        for item in Set((0..<relevantCount).map { _ in Int32(rng.next() % UInt64(items)) }).sorted() {
            rowIndex.append(Int32(u))
            columnIndex.append(item)
        }
    }
    let lists = TopKLists(k: maxK, users: Array(0..<users), items: flat)
    let relevant = CSRMatrix(rows: users, columns: items, rowIndex: rowIndex, columnIndex: columnIndex,
                             values: [Float](repeating: 1, count: rowIndex.count), timestamps: [Int64](repeating: 0, count: rowIndex.count))
    let curves = MetricCurves(lists: lists, relevant: relevant)
    for k in 1...maxK {
        let metrics = (0..<users).map { UserMetrics(recommended: lists.list(at: $0), relevant: relevant.columns(ofRow: $0), k: k) }
        let ndcg = metrics.map(\.ndcg).reduce(0, +) / Double(users)
        let recall = metrics.map(\.recall).reduce(0, +) / Double(users)
        #expect(abs(curves.ndcg[k - 1] - ndcg) < 1e-12)
        #expect(abs(curves.recall[k - 1] - recall) < 1e-12)
    }
}

private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
import Testing
@testable import Evaluation

private let l3 = 1 / log2(3.0)   // 0.630930
private let l5 = 1 / log2(5.0)   // 0.430677

private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }

@Test func metricsOfAListWithTwoHits() {
    // rec = [5, 1, 7, 3, 9], relevant = {1, 3, 4}, K = 5: hits at ranks 2 and 4.
    let m = UserMetrics(recommended: [5, 1, 7, 3, 9] as [Int32], relevant: [1, 3, 4], k: 5)
    #expect(close(m.precision, 2.0 / 5))                    // 2 hits / K
    #expect(close(m.recall, 2.0 / 3))                       // 2 hits / 3 relevant
    // DCG = 1/log2(3) + 1/log2(5) = 1.061606; IDCG over min(3, 5) = 3: 1 + 1/log2(3) + 1/log2(4) = 2.130930
    #expect(close(m.ndcg, (l3 + l5) / (1 + l3 + 0.5)))
    #expect(abs(m.ndcg - 0.498189) < 1e-6)
    #expect(m.hitRate == 1)
    // AP = (1/2 + 2/4) / min(3, 5) = 1/3
    #expect(close(m.averagePrecision, 1.0 / 3))
    #expect(m.reciprocalRank == 0.5)                        // first hit at rank 2
}

@Test func metricsOfAListShorterThanK() {
    // rec = [4, 2] (only two items left), relevant = {4}, K = 10.
    let m = UserMetrics(recommended: [4, 2] as [Int32], relevant: [4], k: 10)
    #expect(m.precision == 0.1)                             // 1 hit / K = 10, not / 2
    #expect(m.recall == 1)
    #expect(m.ndcg == 1)                                    // DCG 1 / IDCG over min(1, 10) = 1 item
    #expect(m.hitRate == 1 && m.averagePrecision == 1 && m.reciprocalRank == 1)
    // An empty list: everything 0.
    let empty = UserMetrics(recommended: [] as [Int32], relevant: [4], k: 10)
    #expect(empty == UserMetrics(precision: 0, recall: 0, ndcg: 0, hitRate: 0, averagePrecision: 0, reciprocalRank: 0))
}

@Test func metricsWithMoreRelevantItemsThanK() {
    // rec = [1, 2, 3], relevant = {2, 3, 4, 5, 6}, K = 3: hits at ranks 2 and 3.
    let m = UserMetrics(recommended: [1, 2, 3] as [Int32], relevant: [2, 3, 4, 5, 6], k: 3)
    #expect(close(m.precision, 2.0 / 3))
    #expect(close(m.recall, 2.0 / 5))
    // DCG = 1/log2(3) + 1/log2(4) = 1.130930; IDCG over min(5, 3) = 3 items = 2.130930 → 0.530721
    #expect(close(m.ndcg, (l3 + 0.5) / (1 + l3 + 0.5)))
    #expect(abs(m.ndcg - 0.530721) < 1e-6)
    // AP = (1/2 + 2/3) / min(5, 3) = 0.388889
    #expect(close(m.averagePrecision, (0.5 + 2.0 / 3) / 3))
    #expect(m.reciprocalRank == 0.5)
}

@Test func onlyTheFirstKItemsCount() {
    // The only relevant item sits at rank 4 of a list read with K = 3: a miss.
    let m = UserMetrics(recommended: [9, 8, 7, 1] as [Int32], relevant: [1], k: 3)
    #expect(m == UserMetrics(precision: 0, recall: 0, ndcg: 0, hitRate: 0, averagePrecision: 0, reciprocalRank: 0))
}

@Test func averagesAndCoverage() {
    let a = UserMetrics(recommended: [5, 1, 7, 3, 9] as [Int32], relevant: [1, 3, 4], k: 5)
    let b = UserMetrics(recommended: [4, 2] as [Int32], relevant: [4], k: 10)
    let avg = RankingMetrics(averaging: [a, b], skipped: 3, distinctItems: 7, itemCount: 20)
    #expect(close(avg.precision, (0.4 + 0.1) / 2))
    #expect(close(avg.recall, (2.0 / 3 + 1) / 2))
    #expect(close(avg.ndcg, (a.ndcg + 1) / 2))
    #expect(avg.hitRate == 1)
    #expect(close(avg.map, (1.0 / 3 + 1) / 2))
    #expect(avg.mrr == 0.75)                                // (1/2 + 1) / 2
    #expect(avg.coverage == 0.35)                           // 7 distinct / 20 items
    #expect(avg.usersEvaluated == 2 && avg.usersSkipped == 3)
    // No users: zeros, not NaN.
    let none = RankingMetrics(averaging: [], skipped: 4, distinctItems: 0, itemCount: 20)
    #expect(none.ndcg == 0 && none.precision == 0 && none.usersSkipped == 4)
}

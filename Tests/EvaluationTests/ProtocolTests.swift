import Foundation
import Testing
import Dataset
import Models
@testable import Evaluation

/// A model that gives every user the same fixed scores (item i scores `values[i]`).
struct FixedScores: Recommender {
    let name = "fixed"
    let userCount: Int
    let values: [Float]
    var itemCount: Int { values.count }
    func scores(forUser user: Int, into scores: UnsafeMutableBufferPointer<Float>) {
        _ = scores.update(fromContentsOf: values)
    }
}

/// A model that scores the items each user rated in train highest: the evaluation must still never
/// recommend them.
private struct PrefersSeen: Recommender {
    let name = "prefers-seen"
    let train: Interactions
    var userCount: Int { train.userCount }
    var itemCount: Int { train.itemCount }
    func scores(forUser user: Int, into scores: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<itemCount { scores[i] = Float(i % 7) }
        for i in train.byUser.columns(ofRow: user) { scores[Int(i)] = 1000 }
    }
}

private func part(users: Int, items: Int, _ entries: [(Int32, Int32, Float, Int64)]) -> Interactions {
    let m = CSRMatrix(rows: users, columns: items, rowIndex: entries.map(\.0), columnIndex: entries.map(\.1),
                      values: entries.map(\.2), timestamps: entries.map(\.3))
    return Interactions(users: IdMap(sortedUnique: (0..<Int32(users)).map { $0 + 1 }),
                        items: IdMap(sortedUnique: (0..<Int32(items)).map { $0 + 100 }), byUser: m, threshold: 4)
}

@Test func fullRankingDropsSeenItemsAndAveragesHandComputedMetrics() {
    // Items 0...4 scored 5, 4, 3, 2, 1 for everyone.
    // Train: u0 rated 0 (2 stars: seen though not positive) and 1; u1 rated 2; u2 rated 0.
    // Test: u0 {3}; u1 {0, 4}; u2 nothing (skipped).
    let train = part(users: 3, items: 5, [(0, 0, 2, 0), (0, 1, 5, 0), (1, 2, 4, 0), (2, 0, 5, 0)])
    let test = part(users: 3, items: 5, [(0, 3, 5, 1), (1, 0, 4, 1), (1, 4, 5, 1)])
    let model = FixedScores(userCount: 3, values: [5, 4, 3, 2, 1])
    let evaluation = FullRankingProtocol(k: 2, batchSize: 64, threads: 1)
    let lists = evaluation.recommendations(model, users: [0, 1], excluding: train.byUser)
    #expect(Array(lists.list(at: 0)) == [2, 3] && Array(lists.list(at: 1)) == [0, 1])
    let m = evaluation.evaluate(model, train: train, test: test)
    // u0: rec [2, 3], rel {3}: hit at rank 2 → P 1/2, R 1, NDCG 1/log2(3) / 1, HR 1, AP 1/2, RR 1/2.
    // u1: rec [0, 1], rel {0, 4}: hit at rank 1 → P 1/2, R 1/2, NDCG 1 / (1 + 1/log2(3)), HR 1, AP 1/2, RR 1.
    let l3 = 1 / log2(3.0)
    #expect(m.precision == 0.5)
    #expect(m.recall == 0.75)
    #expect(abs(m.ndcg - (l3 + 1 / (1 + l3)) / 2) < 1e-12)
    #expect(m.hitRate == 1 && m.map == 0.5 && m.mrr == 0.75)
    #expect(m.coverage == 0.8)                              // {2, 3, 0, 1} of 5 items
    #expect(m.usersEvaluated == 2 && m.usersSkipped == 1)
}

@Test func seenItemsAreNeverRecommendedWhateverTheModelScores() {
    // 40 users × 30 items, each user rating a pseudo-random third of the items (some positive, some not).
    var entries: [(Int32, Int32, Float, Int64)] = []
    for u in 0..<40 {
        for i in 0..<30 where (u * 7 + i * 13) % 3 == 0 { entries.append((Int32(u), Int32(i), Float(1 + (u + i) % 5), 0)) }
    }
    // User 39 has seen all items but two: its list is shorter than K.
    entries.removeAll { $0.0 == 39 }
    for i in 0..<28 { entries.append((39, Int32(i), 3, 0)) }
    let train = part(users: 40, items: 30, entries)
    let users = Array(0..<40)
    for batch in [1, 7, 64] {
        for threads in [1, 2] {
            let evaluation = FullRankingProtocol(k: 10, batchSize: batch, threads: threads)
            for lists in [evaluation.recommendations(PrefersSeen(train: train), users: users, excluding: train.byUser),
                          evaluation.recommendations(Popularity(training: train), users: users, excluding: train.byUser)] {
                for (position, u) in users.enumerated() {
                    let seen = Set(train.byUser.columns(ofRow: u))
                    let list = lists.list(at: position)
                    #expect(list.allSatisfy { !seen.contains($0) })
                    #expect(list.count == min(10, 30 - seen.count))
                }
            }
        }
    }
    // Batching and threads never change the result.
    let reference = FullRankingProtocol(k: 10, batchSize: 64, threads: 1)
        .recommendations(PrefersSeen(train: train), users: users, excluding: train.byUser)
    let other = FullRankingProtocol(k: 10, batchSize: 3, threads: 2)
        .recommendations(PrefersSeen(train: train), users: users, excluding: train.byUser)
    #expect(reference == other)
    #expect(Array(reference.list(at: 39)) == [29, 28])   // scores 29 % 7 = 1 > 28 % 7 = 0
}

@Test func sampledProtocolRanksTheLatestPositiveAmongUnratedItems() {
    // 6 items; u0 rated 0 in train, test positives 5 (t10) and 3 (t20): 3 is held out.
    // Unrated by u0: {1, 2, 4}. u1 has no test positive (skipped).
    let train = part(users: 2, items: 6, [(0, 0, 5, 0), (1, 1, 5, 0)])
    let test = part(users: 2, items: 6, [(0, 5, 5, 10), (0, 3, 4, 20)])
    let all = SampledRankingProtocol(negatives: 100, k: 2, seed: 1, threads: 1)
    let cases = all.cases(train: train, test: test)
    #expect(cases.count == 1 && cases[0].user == 0 && cases[0].heldOut == 3)
    #expect(cases[0].negatives.sorted() == [1, 2, 4])        // fewer unrated items than asked: all of them
    // Scores = item index: item 4 beats 3 → rank 2.
    let model = FixedScores(userCount: 2, values: [0, 1, 2, 3, 4, 5])
    #expect(all.ranks(model, cases: cases) == [2])
    let m2 = all.evaluate(model, train: train, test: test)
    #expect(m2.hitRate == 1 && abs(m2.ndcg - 1 / log2(3.0)) < 1e-12 && m2.usersEvaluated == 1 && m2.usersSkipped == 1)
    let m1 = SampledRankingProtocol(negatives: 100, k: 1, seed: 1, threads: 1).evaluate(model, train: train, test: test)
    #expect(m1.hitRate == 0 && m1.ndcg == 0)
    // Ties count against the held-out item: a constant model ranks it last (1 + 3 negatives).
    #expect(all.ranks(FixedScores(userCount: 2, values: [1, 1, 1, 1, 1, 1]), cases: cases) == [4])
    // Two negatives asked: a subset of the unrated items.
    let two = SampledRankingProtocol(negatives: 2, k: 2, seed: 1).cases(train: train, test: test)
    #expect(two[0].negatives.count == 2 && Set(two[0].negatives).isSubset(of: [1, 2, 4]))
}

@Test func sampledNegativesAreDistinctUnratedAndSeeded() {
    // 3 users × 1000 items; each rated every 10th item in train and one positive in test.
    var trainEntries: [(Int32, Int32, Float, Int64)] = [], testEntries: [(Int32, Int32, Float, Int64)] = []
    for u in Int32(0)..<3 {
        for i in stride(from: Int32(u), to: 1000, by: 10) { trainEntries.append((u, i, 5, 0)) }
        testEntries.append((u, 501 + u, 5, 1))
    }
    let train = part(users: 3, items: 1000, trainEntries), test = part(users: 3, items: 1000, testEntries)
    let evaluation = SampledRankingProtocol(negatives: 100, k: 10, seed: 9)
    let cases = evaluation.cases(train: train, test: test)
    #expect(cases.count == 3)
    for c in cases {
        let rated = Set(train.byUser.columns(ofRow: c.user)).union(test.byUser.columns(ofRow: c.user))
        #expect(c.negatives.count == 100 && Set(c.negatives).count == 100)
        #expect(c.negatives.allSatisfy { !rated.contains($0) })
    }
    #expect(evaluation.cases(train: train, test: test) == cases)
    #expect(SampledRankingProtocol(negatives: 100, k: 10, seed: 10).cases(train: train, test: test) != cases)
}

@Test func protocolsWithNoTestUsersGiveZerosNotACrash() {
    let train = part(users: 2, items: 3, [(0, 0, 5, 0), (1, 1, 5, 0)])
    let test = part(users: 2, items: 3, [])
    let model = Popularity(training: train)
    let full = FullRankingProtocol(k: 5).evaluate(model, train: train, test: test)
    #expect(full.usersEvaluated == 0 && full.usersSkipped == 2 && full.ndcg == 0 && full.coverage == 0)
    let sampled = SampledRankingProtocol(negatives: 10, k: 5).evaluate(model, train: train, test: test)
    #expect(sampled.usersEvaluated == 0 && sampled.usersSkipped == 2 && sampled.hitRate == 0)
}

@Test func sampledProtocolTakesAnyNegativeCountAndWarnsWhenTheCatalogueIsShort() {
    // `--negatives 9223372036854775807` used to trap (2 · negatives overflowed): now every unrated item is
    // a negative and the metrics say so.
    let train = part(users: 2, items: 6, [(0, 0, 5, 0), (1, 1, 5, 0)])
    let test = part(users: 2, items: 6, [(0, 5, 5, 10), (0, 3, 4, 20)])
    let model = FixedScores(userCount: 2, values: [0, 1, 2, 3, 4, 5])
    let huge = SampledRankingProtocol(negatives: Int.max, k: 2, seed: 1, threads: 1)
    #expect(huge.cases(train: train, test: test)[0].negatives.sorted() == [1, 2, 4])
    let metrics = huge.evaluate(model, train: train, test: test)
    #expect(metrics.usersEvaluated == 1 && metrics.usersWithFewerNegatives == 1)
    #expect(metrics.warnings.count == 1 && metrics.warnings[0].contains("fewer than"))
    let enough = SampledRankingProtocol(negatives: 2, k: 2, seed: 1, threads: 1).evaluate(model, train: train, test: test)
    #expect(enough.warnings.isEmpty)
}

@Test func anEvaluationWithNoTestUserSaysSo() {
    let train = part(users: 2, items: 4, [(0, 0, 5, 0), (1, 1, 5, 0)])
    let test = part(users: 2, items: 4, [(0, 2, 1, 10)]) // below the threshold: no relevant movie
    let model = FixedScores(userCount: 2, values: [0, 1, 2, 3])
    let full = FullRankingProtocol(k: 2, batchSize: 8, threads: 1).evaluate(model, train: train, test: test)
    #expect(full.usersEvaluated == 0 && full.warnings.count == 1)
    let sampled = SampledRankingProtocol(negatives: 2, k: 2, seed: 1, threads: 1).evaluate(model, train: train, test: test)
    #expect(sampled.usersEvaluated == 0 && sampled.warnings.first?.contains("no test user") == true)
}

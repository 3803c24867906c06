import Foundation
import Testing
import Dataset
import Models
@testable import Evaluation

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) < tolerance }

/// The Gini index as the mean absolute difference over all ordered pairs over twice the mean: an
/// implementation independent of the sorted formula.
private func giniByPairs(_ x: [Double]) -> Double {
    let n = Double(x.count), mean = x.reduce(0, +) / n
    var sum = 0.0
    for a in x { for b in x { sum += abs(a - b) } }
    return mean > 0 ? sum / (2 * n * n * mean) : 0
}

@Test func giniOfKnownDistributions() {
    // [0, 0, 1, 3]: Σ(2i − n − 1)x = 1·1 + 3·3 = 10, / (n Σx = 16) = 0.625.
    #expect(Concentration.gini([3, 0, 1, 0]) == 0.625)
    #expect(Concentration.gini([5, 5, 5]) == 0)                          // equal: 0
    #expect(close(Concentration.gini([0, 0, 0, 7]), 0.75))               // one holds all: (n − 1)/n
    #expect(Concentration.gini([]) == 0 && Concentration.gini([0, 0]) == 0)
    var state: UInt64 = 7
    let values: [Double] = (0..<200).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 59)
    }
    #expect(close(Concentration.gini(values), giniByPairs(values), 1e-12))
}

@Test func topSharesHeadAndLorenzOfAKnownDistribution() {
    let counts: [Double] = [3, 2, 0, 0, 1]
    #expect(Concentration.topShare(counts, fraction: 0.01) == 0.5)     // ⌈0.05⌉ = 1 movie: 3 of 6
    #expect(Concentration.topShare(counts, fraction: 0.5) == 1)        // ⌈2.5⌉ = 3 movies: 3 + 2 + 1 of 6
    #expect(Concentration.topShare(counts, fraction: 0.4) == 5.0 / 6)  // 2 movies: 3 + 2
    // 80 % of 6 is 4.8: 3 (item 0) is short, 3 + 2 (item 1) reaches it.
    #expect(Concentration.head(counts: [3, 2, 0, 0, 1], order: [0, 1, 4, 2, 3], share: 0.8) == [0, 1])
    let lorenz = Concentration.lorenz(counts, resolution: 200)
    #expect(lorenz.map(\.items) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(lorenz.map(\.share) == [0, 0, 0, 1.0 / 6, 0.5, 1])
}

/// Train: items 0…4 with 3, 2, 0, 0 and 1 positives among four users (item 2 and 3 rated, never liked).
private func train() -> Interactions {
    let entries: [(Int32, Int32, Float)] = [(0, 0, 5), (0, 1, 4), (0, 2, 3), (1, 0, 4), (1, 1, 5), (2, 0, 4.5), (2, 3, 2), (3, 4, 5), (3, 0, 3)]
    let m = CSRMatrix(rows: 4, columns: 5, rowIndex: entries.map(\.0), columnIndex: entries.map(\.1), values: entries.map(\.2),
                      timestamps: entries.map { _ in 0 })
    return Interactions(users: IdMap(sortedUnique: [1, 2, 3, 4]), items: IdMap(sortedUnique: [100, 101, 102, 103, 104]), byUser: m, threshold: 4)
}

private let genres = ItemGenres([["Action", "Comedy"], ["Comedy"], ["Drama"], [], ["Action", "Drama"]])

@Test func beyondAccuracyOfKnownListsMatchesHandComputedValues() {
    let context = BeyondAccuracy(train: train(), genres: genres)
    #expect(context.popularity == [3, 2, 0, 0, 1] && context.userCount == 4)
    #expect(context.headSize == 2 && context.inHead == [true, true, false, false, false])
    let lists: [[Int32]] = [[0, 2], [4, 3, 2], [], [1]]
    let (m, distinct) = context.measure(lists)
    #expect(m.usersMeasured == 3 && distinct == 5)          // the empty list is left out
    // ARP: (3 + 0)/2, (1 + 0 + 0)/3, 2/1 → mean 1.277778.
    #expect(close(m.arp, (1.5 + 1.0 / 3 + 2) / 3))
    // Frequencies [1, 1, 2, 1, 1]: sorted Σ(2i − 6)x = −4 − 2 + 0 + 2 + 8 = 4, / (5 · 6) = 0.133333.
    #expect(close(m.gini, 4.0 / 30))
    #expect(close(m.gini, giniByPairs([1, 1, 2, 1, 1])))
    // Tail share: 1/2 (item 2), 3/3, 0/1 → 0.5.
    #expect(close(m.tailShare, 0.5))
    // Novelty, U = 4: −log2(3/4) = 0.415037, −log2(2/4) = 1, zero and one positive both −log2(1/4) = 2.
    #expect(close(m.novelty, ((log2(4.0 / 3) + 2) / 2 + 2 + 1) / 3))
    #expect(abs(m.novelty - 1.402506) < 1e-6)
    // Diversity: L0 (0, 2) → 1; L1 (4, 3) → 1, (4, 2) → 1 − 1/2, (3, 2) → 1: mean 5/6; L3 has one item.
    #expect(close(m.diversity!, (1 + 2.5 / 3) / 2))
    #expect(m.headItems == 2)
    // Without genres, no diversity; the rest is the same.
    let plain = BeyondAccuracy(train: train()).measure(lists).metrics
    #expect(plain.diversity == nil && plain.arp == m.arp && plain.novelty == m.novelty)
}

@Test func jaccardDistancesOfGenreSets() {
    #expect(genres.jaccardDistance(0, 1) == 0.5)             // {A, C} vs {C}
    #expect(genres.jaccardDistance(0, 4) == 1 - 1.0 / 3)     // {A, C} vs {A, D}
    #expect(genres.jaccardDistance(1, 2) == 1)
    #expect(genres.jaccardDistance(3, 3) == 0)               // two empty sets: nothing tells them apart
    #expect(genres.jaccardDistance(0, 0) == 0)
    #expect(genres.genres(of: 4) == ["Action", "Drama"])
    // More than 64 genres use more words per item.
    let many = ItemGenres([(0..<70).map { "g\($0)" }, ["g69", "g0"]])
    #expect(many.jaccardDistance(0, 1) == 1 - 2.0 / 70)
    let catalog = Catalog(movies: [Movie(id: 101, title: "B", year: nil, genres: ["Comedy"]), Movie(id: 100, title: "A", year: nil, genres: ["Action"])])
    let fromCatalog = ItemGenres(catalog: catalog, items: IdMap(sortedUnique: [100, 101, 102]))
    #expect(fromCatalog.genres(of: 0) == ["Action"] && fromCatalog.genres(of: 1) == ["Comedy"] && fromCatalog.genres(of: 2).isEmpty)
}

@Test func fullRankingMeasuresBeyondAccuracyOnItsOwnLists() throws {
    let data = train()
    // Test: user 2 likes item 1, user 3 likes item 2.
    let t = CSRMatrix(rows: 4, columns: 5, rowIndex: [2, 3], columnIndex: [1, 2], values: [5, 5], timestamps: [1, 1])
    let test = data.replacingRatings(t)
    let model = FixedScores(userCount: 4, values: [5, 4, 3, 2, 1])
    let evaluation = FullRankingProtocol(k: 2, batchSize: 64, threads: 1)
    let metrics = evaluation.evaluate(model, train: data, test: test, genres: genres)
    // Lists: user 2 (seen 0, 3) → [1, 2]; user 3 (seen 4, 0) → [1, 2].
    let lists = evaluation.recommendations(model, users: [2, 3], excluding: data.byUser)
    #expect(Array(lists.list(at: 0)) == [1, 2] && Array(lists.list(at: 1)) == [1, 2])
    let beyond = try #require(metrics.beyondAccuracy)
    #expect(beyond == BeyondAccuracy(train: data, genres: genres).measure([[1, 2], [1, 2]] as [[Int32]]).metrics)
    #expect(beyond.arp == 1 && beyond.tailShare == 0.5 && beyond.diversity == 1)   // (2 + 0)/2; item 2 in the tail
    #expect(metrics.coverage == 0.4)                        // 2 distinct items of 5, as before
    #expect(close(beyond.gini, giniByPairs([0, 2, 2, 0, 0])))
    // Without genres diversity is absent, nothing else changes.
    let plain = evaluation.evaluate(model, train: data, test: test)
    #expect(plain.beyondAccuracy?.diversity == nil && plain.ndcg == metrics.ndcg && plain.beyondAccuracy?.arp == 1)
}

@Test func rankingMetricsEncodeBeyondAccuracyBesideNDCG() throws {
    var metrics = RankingMetrics()
    metrics.ndcg = 0.25
    var beyond = BeyondAccuracyMetrics()
    beyond.arp = 12.5
    beyond.gini = 0.9
    beyond.tailShare = 0.125
    beyond.novelty = 7.5
    beyond.diversity = 0.75
    beyond.headItems = 3
    beyond.usersMeasured = 2
    metrics.beyondAccuracy = beyond
    let data = try JSONEncoder().encode(metrics)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["ndcg"] as? Double == 0.25 && object["arp"] as? Double == 12.5 && object["gini"] as? Double == 0.9)
    #expect(object["tail_share"] as? Double == 0.125 && object["novelty"] as? Double == 7.5 && object["diversity"] as? Double == 0.75)
    #expect(object["coverage"] != nil && object["head_items"] as? Int == 3)
    #expect(try JSONDecoder().decode(RankingMetrics.self, from: data) == metrics)
    // Without the beyond-accuracy metrics the keys are absent and decoding gives nil.
    let bare = try JSONEncoder().encode(RankingMetrics())
    let bareObject = try #require(try JSONSerialization.jsonObject(with: bare) as? [String: Any])
    #expect(bareObject["arp"] == nil)
    #expect(try JSONDecoder().decode(RankingMetrics.self, from: bare).beyondAccuracy == nil)
}

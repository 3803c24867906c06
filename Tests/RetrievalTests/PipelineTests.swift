import Dataset
import Foundation
import LinearAlgebra
import Models
import Support
import Testing
import VectorSearch
@testable import Retrieval

/// SplitMix64, independent of the code under test.
struct TestRandom {
    var state: UInt64
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
    }
}

/// 3 taste groups × 20 users × 15 movies: each user likes about half of its group's movies (ratings 4–5)
/// and rated two movies of the next group 2 (seen, not liked). The last user has no ratings at all.
struct Fixture {
    static let groups = 3, usersPerGroup = 20, itemsPerGroup = 15
    let training: Interactions
    let als: ALS

    static let shared: Fixture = try! Fixture()

    init() throws {
        var random = TestRandom(state: 11)
        let userCount = Self.groups * Self.usersPerGroup + 1
        let itemCount = Self.groups * Self.itemsPerGroup
        var rows: [Int32] = [], cols: [Int32] = [], values: [Float] = []
        for g in 0..<Self.groups {
            for u in 0..<Self.usersPerGroup {
                let user = Int32(g * Self.usersPerGroup + u)
                for i in 0..<Self.itemsPerGroup where random.next() < 0.5 {
                    rows.append(user); cols.append(Int32(g * Self.itemsPerGroup + i)); values.append(random.next() < 0.5 ? 4 : 5)
                }
                let other = ((g + 1) % Self.groups) * Self.itemsPerGroup
                for i in [u % Self.itemsPerGroup, (u + 7) % Self.itemsPerGroup] {
                    rows.append(user); cols.append(Int32(other + i)); values.append(2)
                }
            }
        }
        let byUser = CSRMatrix(rows: userCount, columns: itemCount, rowIndex: rows, columnIndex: cols, values: values,
                               timestamps: [Int64](repeating: 0, count: values.count))
        training = Interactions(users: IdMap(sortedUnique: (0..<userCount).map { Int32($0 + 100) }),
                                items: IdMap(sortedUnique: (0..<itemCount).map { Int32($0 + 1000) }),
                                byUser: byUser, threshold: 4)
        let positives = training.positives()
        als = try ALS.train(positives: positives, userIds: training.users.externalIds, itemIds: training.items.externalIds,
                            configuration: ALSConfiguration(factors: 6, regularization: 0.5, alpha: 10, iterations: 12),
                            threads: 1, progress: false).model
    }

    var emptyUser: Int { training.userCount - 1 }

    func pipeline(hnsw: Bool = true, options: RetrievalOptions = RetrievalOptions(candidates: 20, ef: 50)) throws -> RecommendationPipeline {
        let model = RetrievalModel(als: als)
        let retriever: any CandidateRetriever = hnsw
            ? try HNSWRetriever.build(itemVectors: model.itemVectors, dimension: model.factors, ef: options.ef)
            : ExactRetriever(itemVectors: model.itemVectors, dimension: model.factors)
        return try RecommendationPipeline(model: model, retriever: retriever, training: training, options: options)
    }

    func seen(_ user: Int) -> Set<Int> { Set(training.byUser.columns(ofRow: user).map { Int($0) }) }
}

@Test(arguments: [true, false])
func neverSeenNeverRepeatedAlwaysK(hnsw: Bool) throws {
    let f = Fixture.shared
    // Few candidates so that popularity has to fill most slots.
    let pipeline = try f.pipeline(hnsw: hnsw, options: RetrievalOptions(candidates: 5, ef: 20))
    for user in 0..<f.training.userCount {
        let seen = f.seen(user)
        let unseen = f.training.itemCount - seen.count
        for k in [1, 10, unseen, unseen + 5] {
            let items = try pipeline.recommend(user: user, k: k)
            #expect(items.count == min(k, unseen), "user \(user) k \(k)")
            #expect(Set(items.map(\.item)).count == items.count, "user \(user) got a repeat")
            #expect(items.allSatisfy { !seen.contains($0.item) }, "user \(user) got a seen movie")
        }
    }
}

@Test func annCandidatesRankedByInnerProductThenPopularityFills() throws {
    let f = Fixture.shared
    // At least K candidates are asked for, so popularity only fills what the catalogue cannot give.
    let pipeline = try f.pipeline(options: RetrievalOptions(candidates: 5, ef: 50))
    let items = try pipeline.recommend(user: 3, k: 12)
    #expect(items.count == 12 && items.allSatisfy { $0.source == .ann })
    let unseen = f.training.itemCount - f.seen(3).count
    let all = try pipeline.recommend(user: 3, k: unseen)
    #expect(all.count == unseen && Set(all.map(\.item)).count == unseen)
    // The ANN part is ranked by the exact inner product of the ALS factors.
    let x = f.als.userVector(3)
    for r in items {
        let y = f.als.itemVector(r.item)
        let dot = zip(x, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(abs(dot - r.score) < 1e-4)
    }
    #expect(zip(items, items.dropFirst()).allSatisfy { $0.score >= $1.score })
}

@Test func userWithoutHistoryGetsPopularity() throws {
    let f = Fixture.shared
    let pipeline = try f.pipeline()
    let items = try pipeline.recommend(user: f.emptyUser, k: 8)
    let expected = Popularity(training: f.training).ranking().prefix(8)
    #expect(items.map(\.item) == Array(expected))
    #expect(items.allSatisfy { $0.source == .popularity && $0.because.isEmpty })
    // A user below min_interactions is cold too.
    let strict = try f.pipeline(options: RetrievalOptions(candidates: 20, ef: 50, minInteractions: 1000))
    #expect(try strict.recommend(user: 0, k: 5).allSatisfy { $0.source == .popularity })
    #expect(try pipeline.recommend(likedItems: [], k: 5).map(\.item) == Array(expected.prefix(5)))
}

@Test func foldInOfATrainingUsersLikesOverlapsTheirOwnRecommendations() throws {
    let f = Fixture.shared
    let pipeline = try f.pipeline(hnsw: false)
    var overlaps = 0, total = 0
    for user in stride(from: 0, to: Fixture.groups * Fixture.usersPerGroup, by: 7) {
        let liked = pipeline.likedItems(ofUser: user)
        let own = Set(try pipeline.recommend(user: user, k: 5).map(\.item))
        let folded = try pipeline.recommend(likedItems: liked, k: 5)
        #expect(folded.allSatisfy { !liked.contains($0.item) })
        overlaps += own.intersection(folded.map(\.item)).count
        total += 5
        // Recommendations stay in the user's taste group.
        let group = user / Fixture.usersPerGroup
        #expect(folded.prefix(3).allSatisfy { $0.item / Fixture.itemsPerGroup == group }, "user \(user): \(folded.map(\.item))")
    }
    #expect(Double(overlaps) / Double(total) >= 0.6, "overlap \(overlaps) of \(total)")
}

@Test func explanationsNameLikedMoviesThatAddUp() throws {
    let f = Fixture.shared
    let pipeline = try f.pipeline(options: RetrievalOptions(candidates: 20, ef: 50, explain: 2))
    let liked = pipeline.likedItems(ofUser: 5)
    for r in try pipeline.recommend(user: 5, k: 5) where r.source != .popularity {
        #expect(!r.because.isEmpty && r.because.count <= 2)
        #expect(r.because.allSatisfy { liked.contains($0) })
        let explanation = try f.als.explain(item: r.item, likedItems: liked)
        #expect(r.because == Array(explanation.contributions.prefix(r.because.count).map(\.item)))
    }
}

@Test func blendWithFullPopularityWeightOrdersCandidatesByPopularity() throws {
    let f = Fixture.shared
    let pipeline = try f.pipeline(hnsw: false, options: RetrievalOptions(candidates: 10, ef: 50, scorer: .blend, popularityWeight: 1))
    let items = try pipeline.recommend(user: 2, k: 10)
    let counts = Popularity(training: f.training).counts
    #expect(items.allSatisfy { $0.source == .rerank })
    #expect(zip(items, items.dropFirst()).allSatisfy { counts[$0.item] >= counts[$1.item] })
    #expect(throws: RetrievalError.self) { try f.pipeline(options: RetrievalOptions(scorer: .neumf)) }
}

@Test func exactRetrieverMatchesBruteForce() {
    var random = TestRandom(state: 3)
    let n = 200, d = 8
    let vectors = (0..<(n * d)).map { _ in Float(random.next() * 2 - 1) }
    let query = (0..<d).map { _ in Float(random.next() * 2 - 1) }
    let excluded = [3, 17, 42]
    let got = ExactRetriever(itemVectors: vectors, dimension: d).candidates(for: query, count: 10, excluding: excluded)
    let brute = (0..<n).filter { !excluded.contains($0) }.map { i in
        (i, (0..<d).reduce(Float(0)) { $0 + vectors[i * d + $1] * query[$1] })
    }.sorted { $0.1 > $1.1 }.prefix(10)
    #expect(got.map(\.item) == brute.map(\.0))
    for (g, b) in zip(got, brute) { #expect(abs(g.score - b.1) < 1e-5) }
}

@Test func hnswAgreesWithExactAtHighEf() throws {
    var random = TestRandom(state: 5)
    let n = 400, d = 12
    let vectors = (0..<(n * d)).map { _ in Float(random.next() * 2 - 1) }
    let exact = ExactRetriever(itemVectors: vectors, dimension: d)
    let hnsw = try HNSWRetriever.build(itemVectors: vectors, dimension: d, ef: 400)
    var agreed = 0, total = 0
    for q in 0..<20 {
        let query = (0..<d).map { _ in Float(random.next() * 2 - 1) }
        let excluded = (0..<10).map { (q * 37 + $0 * 11) % n }
        let a = exact.candidates(for: query, count: 10, excluding: excluded)
        let b = hnsw.candidates(for: query, count: 10, excluding: excluded)
        #expect(b.allSatisfy { !excluded.contains($0.item) })
        agreed += Set(a.map(\.item)).intersection(b.map(\.item)).count
        total += 10
        for c in b { // scores are exact inner products either way
            let dot = (0..<d).reduce(Float(0)) { $0 + vectors[c.item * d + $1] * query[$1] }
            #expect(abs(dot - c.score) < 1e-4)
        }
    }
    #expect(Double(agreed) / Double(total) >= 0.99, "\(agreed) of \(total)")
}

@Test func hnswRetrieverTranslatesExternalIds() throws {
    let f = Fixture.shared
    let model = RetrievalModel(als: f.als)
    let index = try HNSWIndex.build(vectors: Matrix(rows: model.itemCount, columns: model.factors, values: model.itemVectors),
                                    ids: f.training.items.externalIds.map { Int($0) }, metric: .innerProduct, threads: 1)
    let external = HNSWRetriever(index: index, ef: 100, itemIds: f.training.items)
    let exact = ExactRetriever(itemVectors: model.itemVectors, dimension: model.factors)
    let query = model.userVector(4)
    let seen = Array(f.seen(4))
    #expect(external.candidates(for: query, count: 8, excluding: seen).map(\.item)
            == exact.candidates(for: query, count: 8, excluding: seen).map(\.item))
}

@Test func anIndexOfRowNumbersIsRefusedWhenItsIdsAreReadAsMovieIds() throws {
    let f = Fixture.shared
    let model = RetrievalModel(als: f.als)
    let vectors = Matrix(rows: model.itemCount, columns: model.factors, values: model.itemVectors)
    // Built without ids: its ids are row numbers, not the items' movie ids (1000…).
    let byRows = try HNSWIndex.build(vectors: vectors, metric: .innerProduct, threads: 1)
    #expect(throws: RetrievalError.rowNumberIDs) {
        try RecommendationPipeline(model: model, retriever: HNSWRetriever(index: byRows, ef: 50, itemIds: f.training.items),
                                   training: f.training)
    }
    #expect(RetrievalError.rowNumberIDs.description.contains("its ids are row numbers, not movie ids"))
    // Row numbers are right when they are read as dense indices (no id map), and dataset ids with a map.
    _ = try RecommendationPipeline(model: model, retriever: HNSWRetriever(index: byRows, ef: 50), training: f.training)
    let byIds = try HNSWIndex.build(vectors: vectors, ids: f.training.items.externalIds.map { Int($0) }, idSource: .dataset,
                                    metric: .innerProduct, threads: 1)
    _ = try RecommendationPipeline(model: model, retriever: HNSWRetriever(index: byIds, ef: 50, itemIds: f.training.items),
                                   training: f.training)
}

@Test func concurrentCallsGiveTheSameAnswers() throws {
    let f = Fixture.shared
    let pipeline = try f.pipeline()
    let users = Array(0..<f.training.userCount)
    let serial = try users.map { try pipeline.recommend(user: $0, k: 10) }
    let results = UnsafeSendable(UnsafeMutablePointer<[Recommendation]>.allocate(capacity: users.count))
    results.value.initialize(repeating: [], count: users.count)
    defer { results.value.deinitialize(count: users.count); results.value.deallocate() }
    DispatchQueue.concurrentPerform(iterations: users.count) { i in
        results.value[i] = (try? pipeline.recommend(user: users[i], k: 10)) ?? []
    }
    for i in users { #expect(results.value[i] == serial[i]) }
}

@Test func unknownUsersAndItemsAreErrors() throws {
    let pipeline = try Fixture.shared.pipeline()
    #expect(throws: RetrievalError.unknownUser(10_000, userCount: Fixture.shared.training.userCount)) {
        try pipeline.recommend(user: 10_000, k: 5)
    }
    #expect(throws: RetrievalError.self) { try pipeline.recommend(likedItems: [999], k: 5) }
}

@Test func neuMFFoldsInANewcomerAndReranksWithTheFoldedRows() throws {
    let f = Fixture.shared
    var o = NeuralCF.TrainingOptions()
    o.epochs = 20; o.batchSize = 64; o.learningRate = 0.01; o.seed = 5; o.threads = 1; o.patience = 0
    let arch = NeuralCF.Architecture(kind: .neumf, factors: 3, layers: [6, 3], userCount: 0, itemCount: 0)
    let (ncf, _) = try NeuralCF.train(arch, on: f.training, options: o)
    let model = try RetrievalModel(neuralCF: ncf)
    let pipeline = try RecommendationPipeline(
        model: model, retriever: ExactRetriever(itemVectors: model.itemVectors, dimension: model.factors),
        training: f.training, options: RetrievalOptions(candidates: 20, ef: 50, scorer: .neumf))
    for group in 0..<Fixture.groups {
        let liked = (0..<5).map { group * Fixture.itemsPerGroup + 2 * $0 }
        let recommended = try pipeline.recommend(likedItems: liked, k: 5)
        #expect(recommended.count == 5 && recommended.allSatisfy { !liked.contains($0.item) })
        #expect(recommended.prefix(3).allSatisfy { $0.item / Fixture.itemsPerGroup == group && $0.source == .rerank },
                "group \(group): \(recommended.map(\.item))")
        // The re-rank scores are the folded user's NeuMF logits.
        let folded = try ncf.foldIn(likedItems: liked)
        let logits = ncf.scores(folded: folded, items: recommended.prefix(3).map { Int32($0.item) })
        #expect(zip(recommended.prefix(3), logits).allSatisfy { $0.score == $1 })
    }
}

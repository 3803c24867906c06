import Dataset
import Evaluation
import Models
import Testing
@testable import Retrieval

/// Holds out every user's third liked movie of the fixture as test.
private func holdOut(_ f: Fixture) -> (train: Interactions, test: Interactions) {
    let m = f.training.byUser
    var trainRows: [Int32] = [], trainCols: [Int32] = [], trainValues: [Float] = []
    var testRows: [Int32] = [], testCols: [Int32] = [], testValues: [Float] = []
    for u in 0..<m.rows {
        var liked = 0
        for p in m.range(ofRow: u) {
            let positive = m.values[p] >= 4
            if positive { liked += 1 }
            if positive && liked % 3 == 0 {
                testRows.append(Int32(u)); testCols.append(m.columnIndex[p]); testValues.append(m.values[p])
            } else {
                trainRows.append(Int32(u)); trainCols.append(m.columnIndex[p]); trainValues.append(m.values[p])
            }
        }
    }
    func interactions(_ r: [Int32], _ c: [Int32], _ v: [Float]) -> Interactions {
        Interactions(users: f.training.users, items: f.training.items,
                     byUser: CSRMatrix(rows: m.rows, columns: m.columns, rowIndex: r, columnIndex: c, values: v,
                                       timestamps: [Int64](repeating: 0, count: v.count)), threshold: 4)
    }
    return (interactions(trainRows, trainCols, trainValues), interactions(testRows, testCols, testValues))
}

@Test func exactPipelineMatchesFullRankingAndHighEfLosesNothing() throws {
    let f = Fixture.shared
    let (train, test) = holdOut(f)
    let als = try ALS.train(positives: train.positives(), userIds: train.users.externalIds, itemIds: train.items.externalIds,
                            configuration: ALSConfiguration(factors: 6, regularization: 0.5, alpha: 10, iterations: 12),
                            threads: 1, progress: false).model
    let model = RetrievalModel(als: als)
    let options = RetrievalOptions(candidates: 20, ef: 100, explain: 0)
    let exact = try RecommendationPipeline(model: model, retriever: ExactRetriever(itemVectors: model.itemVectors, dimension: model.factors),
                                           training: train, options: options)
    let hnsw = try HNSWRetriever.build(itemVectors: model.itemVectors, dimension: model.factors, ef: 100)
    let rows = try RetrievalLossEvaluation(k: 5).evaluate(exact: exact, hnsw: { exact.replacing(retriever: hnsw.with(ef: $0)) },
                                                          efValues: [1, 100], test: test)
    #expect(rows.map(\.ef) == [1, 100])
    // With exact candidates and the dot scorer the pipeline is the model's own top K: the full-ranking
    // protocol is the independent oracle.
    let full = FullRankingProtocol(k: 5, threads: 1).evaluate(als, train: train, test: test)
    #expect(abs(rows[0].ndcgExact - full.ndcg) < 1e-3 && abs(rows[0].recallExact - full.recall) < 1e-3)
    #expect(rows[0].users == full.usersEvaluated)
    // At ef = items the graph search is exhaustive here: nothing lost.
    let high = rows[1]
    #expect(high.neighborRecall == 1)
    #expect(high.ndcgLoss == 0 && high.ndcgHNSW == high.ndcgExact && high.recallHNSW == high.recallExact)
    #expect(high.p99Ms >= 0 && high.exactP99Ms >= high.exactMeanMs * 0.5)
}

@Test func foldInOfConvergedALSServesStrangersLikeTheTrainedUsers() throws {
    // Converged exact ALS: a user's fold-in from their training likes is their trained vector (to solver
    // precision), and with the rest of their ratings excluded as seen the lists and metrics agree.
    let f = Fixture.shared
    let (train, test) = holdOut(f)
    let als = try ALS.train(positives: train.positives(), userIds: train.users.externalIds, itemIds: train.items.externalIds,
                            configuration: ALSConfiguration(factors: 6, regularization: 0.5, alpha: 10, iterations: 60, solver: .cholesky),
                            threads: 1, progress: false).model
    let model = RetrievalModel(als: als)
    let pipeline = try RecommendationPipeline(model: model, retriever: ExactRetriever(itemVectors: model.itemVectors, dimension: model.factors),
                                              training: train, options: RetrievalOptions(candidates: 20, ef: 100, explain: 0))
    let result = try FoldInEvaluation(k: 5).evaluate(pipeline, test: test)
    let full = FullRankingProtocol(k: 5, threads: 1).evaluate(als, train: train, test: test)
    #expect(result.model == "als" && result.users == full.usersEvaluated)
    #expect(abs(result.ndcgTrained - full.ndcg) < 1e-3)
    #expect(abs(result.ndcgFolded - result.ndcgTrained) < 0.02 && abs(result.recallFolded - result.recallTrained) < 0.02,
            "trained \(result.ndcgTrained) folded \(result.ndcgFolded)")
    // The stranger's seen-but-not-liked movies are never recommended.
    for u in stride(from: 0, to: 60, by: 9) {
        let seen = train.byUser.columns(ofRow: u).map { Int($0) }
        let list = try pipeline.recommend(likedItems: pipeline.likedItems(ofUser: u), excluding: seen, k: 5)
        #expect(list.allSatisfy { !seen.contains($0.item) })
    }
}

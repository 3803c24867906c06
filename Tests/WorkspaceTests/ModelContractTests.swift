import Dataset
import Foundation
import Models
import Testing
@testable import Workspace

/// The contract every model kind keeps (after implicit's `RecommenderBaseTestMixin`): it never
/// recommends what a user rated, scores a batch as it scores users one by one, survives save → load with
/// the same scores, folds a training user's own likes in near that user (kinds that fold in), and
/// serves users with no positive or a single one.
struct ModelContractTests {
    static func contractConfig() -> MarqueeConfig {
        var c = smallConfig()
        c.als.regularization = 5
        c.als.iterations = 10
        c.ncf.epochs = 100
        c.ncf.learningRate = 0.01
        c.ncf.negatives = 2
        return c
    }

    /// Group of a user of the two-groups data: the movies they like.
    static func group(ofUser user: Int) -> ClosedRange<Int> { user <= 6 ? 10...14 : 20...24 }

    @Test(arguments: ModelKind.allCases)
    func neverRecommendsSeenItems(kind: ModelKind) throws {
        let root = try temporaryFolder("marquee-contract")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root, config: Self.contractConfig())
        let model = try workspace.model(kind)
        let data = workspace.interactions
        for user in 0..<data.userCount {
            let seen = Array(data.byUser.columns(ofRow: user))
            let top = model.recommender.recommend(user: user, k: data.itemCount, excluding: seen)
            #expect(Set(top.map { Int32($0.item) }).isDisjoint(with: seen), "\(kind) recommended a seen item to user \(user)")
            #expect(top.count == data.itemCount - Set(seen).count)
        }
        guard kind.capabilities.hasVectors else { return }
        for id in data.users.externalIds.map({ Int($0) }) {
            let list = try workspace.recommend(user: id, k: 5, model: kind)
            let seen = Set(data.byUser.columns(ofRow: try workspace.user(id: id)).map { Int(data.items.externalId(of: Int($0))) })
            #expect(list.items.count == 5 && Set(list.items.map(\.movieId)).isDisjoint(with: seen))
        }
    }

    @Test(arguments: ModelKind.allCases)
    func scoresABatchAsItScoresEachUser(kind: ModelKind) throws {
        let root = try temporaryFolder("marquee-contract")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root, config: Self.contractConfig())
        let model = try workspace.model(kind).recommender
        let users = Array(0..<model.userCount)
        var batch = [Float](repeating: 0, count: users.count * model.itemCount)
        batch.withUnsafeMutableBufferPointer { model.scores(forUsers: users, into: $0.baseAddress!) }
        for user in users {
            let single = scores(model, user)
            for item in 0..<model.itemCount {
                let b = batch[user * model.itemCount + item], s = single[item]
                #expect(abs(b - s) <= 1e-5 * max(1, abs(s)), "\(kind) user \(user) item \(item): batch \(b), single \(s)")
            }
        }
    }

    @Test(arguments: ModelKind.allCases)
    func saveThenLoadGivesTheSameScores(kind: ModelKind) throws {
        let root = try temporaryFolder("marquee-contract")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root, config: Self.contractConfig())
        var trained = try kind.train(TrainingRequest(data: workspace.interactions, config: Self.contractConfig())).model
        let url = root.appendingPathComponent("copy.model")
        try trained.save(to: url)
        let loaded = try LoadedModel.load(from: url)
        #expect(loaded.kind == kind && loaded.items == trained.items && loaded.fileChecksum == trained.fileChecksum)
        for user in 0..<workspace.interactions.userCount {
            #expect(scores(loaded.recommender, user) == scores(trained.recommender, user), "\(kind) user \(user)")
        }
    }

    @Test(arguments: ModelKind.allCases.filter(\.capabilities.foldsIn))
    func foldingInATrainingUsersLikesLandsNearThatUser(kind: ModelKind) throws {
        let root = try temporaryFolder("marquee-contract")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root, config: Self.contractConfig())
        let data = workspace.interactions
        for id in [1, 2, 8, 9] {
            // The stranger names the user's training likes, and the movies they rated without liking as seen.
            let user = try workspace.user(id: id)
            let rated = data.byUser.range(ofRow: user).map { (id: Int(data.items.externalId(of: Int(data.byUser.columnIndex[$0]))),
                                                              liked: data.byUser.values[$0] >= data.threshold) }
            let folded = try workspace.recommend(likes: rated.filter(\.liked).map { .id($0.id) },
                                                 seen: rated.filter { !$0.liked }.map { .id($0.id) }, k: 3, model: kind, exact: true)
            let trained = try workspace.recommend(user: id, k: 3, model: kind, exact: true)
            let top = try #require(folded.items.first)
            #expect(trained.items.map(\.movieId).contains(top.movieId),
                    "\(kind): user \(id)'s likes folded in got \(folded.items.map(\.movieId)), the trained user \(trained.items.map(\.movieId))")
        }
        if kind == .als, let als = try workspace.model(.als).als {
            // ALS: the fold-in solves the same normal equations as the last user half-sweep.
            let user = try workspace.user(id: 3)
            let items = data.byUser.range(ofRow: user).filter { data.byUser.values[$0] >= data.threshold }.map { Int(data.byUser.columnIndex[$0]) }
            let vector = try als.foldIn(items: items)
            let trainedVector = Array(als.userVector(user))
            var dot: Float = 0, a: Float = 0, b: Float = 0
            for (x, y) in zip(vector, trainedVector) { dot += x * y; a += x * x; b += y * y }
            let norms = (a * b).squareRoot()
            #expect(dot / norms > 0.95, "cosine of folded and trained vectors \(dot / norms)")
        }
    }

    @Test(arguments: ModelKind.allCases)
    func servesUsersWithNoPositiveAndWithOne(kind: ModelKind) throws {
        let root = try temporaryFolder("marquee-contract")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try openTwoGroups(root, config: Self.contractConfig())
        let model = try workspace.model(kind).recommender
        for id in [13, 14] {   // 13: one 3-star rating, no positive; 14: one positive
            let user = try workspace.user(id: id)
            let seen = Array(workspace.interactions.byUser.columns(ofRow: user))
            let top = model.recommender(k: 5, user: user, seen: seen)
            #expect(top.count == 5 && Set(top.map { Int32($0.item) }).isDisjoint(with: seen))
            #expect(top.allSatisfy { $0.score.isFinite })
            if kind.capabilities.hasVectors {
                let list = try workspace.recommend(user: id, k: 5, model: kind)
                #expect(list.items.count == 5)
                if id == 13 { #expect(list.items.allSatisfy { $0.source == "popularity" }) }
            }
        }
    }
}

private func scores(_ model: any Recommender, _ user: Int) -> [Float] {
    var out = [Float](repeating: 0, count: model.itemCount)
    out.withUnsafeMutableBufferPointer { model.scores(forUser: user, into: $0) }
    return out
}

private extension Recommender {
    func recommender(k: Int, user: Int, seen: [Int32]) -> [ScoredItem] { recommend(user: user, k: k, excluding: seen) }
}

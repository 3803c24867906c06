import Dataset
import Foundation
import Testing
@testable import Models

/// A users × items matrix of positives with `blocks` diagonal blocks: each user likes about `density` of
/// its own block's items and nothing else (the structure ALS must recover).
private func blockMatrix(blocks: Int, usersPerBlock: Int, itemsPerBlock: Int, density: Double, seed: UInt64) -> CSRMatrix {
    var state = seed
    func next() -> Double { // SplitMix64, independent of the code under test
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
    }
    var rows: [Int32] = [], cols: [Int32] = [], values: [Float] = []
    for b in 0..<blocks {
        for u in 0..<usersPerBlock {
            for i in 0..<itemsPerBlock where next() < density {
                rows.append(Int32(b * usersPerBlock + u))
                cols.append(Int32(b * itemsPerBlock + i))
                values.append(Float(4 + Int(next() * 2)))
            }
        }
    }
    return CSRMatrix(rows: blocks * usersPerBlock, columns: blocks * itemsPerBlock, rowIndex: rows, columnIndex: cols,
                     values: values, timestamps: [Int64](repeating: 0, count: values.count))
}

private func train(_ m: CSRMatrix, _ c: ALSConfiguration, threads: Int = 2, loss: Bool = false) throws -> (model: ALS, report: ALSTrainingReport) {
    try ALS.train(positives: m, userIds: (0..<m.rows).map { Int32($0 + 100) }, itemIds: (0..<m.columns).map { Int32($0 + 1000) },
                  configuration: c, threads: threads, computeLoss: loss, progress: false)
}

private let small = blockMatrix(blocks: 3, usersPerBlock: 20, itemsPerBlock: 15, density: 0.5, seed: 7)

@Test func alsRecoversBlockStructure() throws {
    let (model, _) = try train(small, ALSConfiguration(factors: 4, regularization: 1, alpha: 10, iterations: 10))
    for user in 0..<small.rows {
        let block = user / 20
        let unseenInBlock = 15 - small.count(ofRow: user)
        let top = model.recommend(user: user, k: min(4, unseenInBlock), excluding: small.columns(ofRow: user))
        #expect(top.count == min(4, unseenInBlock))
        for scored in top { #expect(scored.item / 15 == block, "user \(user) got item \(scored.item)") }
    }
}

/// The loss computed by brute force over every (user, item) pair, as `implicit` defines it.
private func bruteForceLoss(_ model: ALS, _ m: CSRMatrix) -> Double {
    let c = model.configuration, f = model.factors
    var error = 0.0, total = 0.0
    for u in 0..<m.rows {
        var conf = [Double](repeating: 1, count: m.columns), pref = [Double](repeating: 0, count: m.columns)
        for p in m.range(ofRow: u) { conf[Int(m.columnIndex[p])] = Double(c.confidence(ofRating: m.values[p])); pref[Int(m.columnIndex[p])] = 1 }
        for i in 0..<m.columns {
            var d = 0.0
            for k in 0..<f { d += Double(model.userFactors[u * f + k]) * Double(model.itemFactors[i * f + k]) }
            error += conf[i] * (pref[i] - d) * (pref[i] - d)
            total += conf[i]
        }
    }
    let norms = model.userFactors.reduce(0.0) { $0 + Double($1) * Double($1) } + model.itemFactors.reduce(0.0) { $0 + Double($1) * Double($1) }
    return (error + Double(c.regularization) * norms) / total
}

@Test(arguments: [ALSConfiguration.Solver.conjugateGradient, .cholesky])
func alsLossMatchesBruteForceAndFalls(solver: ALSConfiguration.Solver) throws {
    let config = ALSConfiguration(factors: 6, regularization: 0.05, alpha: 5, iterations: 8, solver: solver, confidence: .rating)
    let (model, report) = try train(small, config, loss: true)
    #expect(report.loss.count == 8)
    let expected = bruteForceLoss(model, small)
    #expect(abs(report.loss.last! - expected) <= 1e-4 * expected)
    for k in 1..<report.loss.count { #expect(report.loss[k] <= report.loss[k - 1] * (1 + 1e-5), "iteration \(k + 1) rose") }
    #expect(report.loss.last! < report.loss.first!)
}

@Test func alsConjugateGradientAgreesWithCholesky() throws {
    let base = ALSConfiguration(factors: 6, regularization: 0.1, alpha: 5, iterations: 15, seed: 3)
    var exact = base; exact.solver = .cholesky
    var cg = base; cg.solver = .conjugateGradient
    let a = try train(small, exact, loss: true), b = try train(small, cg, loss: true)
    // The default three warm-started steps reach the exact solver's loss to within 1 %.
    #expect(abs(a.report.loss.last! - b.report.loss.last!) <= 0.01 * a.report.loss.last!)
    // One half-sweep with enough CG steps solves every row as the Cholesky solver does.
    let rows = ConfidenceRows(small, configuration: cg)
    let items = a.model.itemFactors
    var viaCholesky = [Float](repeating: 0.01, count: small.rows * 6), viaCG = viaCholesky
    cg.cgSteps = 40; exact.cgSteps = 40
    items.withUnsafeBufferPointer { y in
        viaCholesky.withUnsafeMutableBufferPointer { ALSSolver.solve(rows, target: $0.baseAddress!, fixed: y.baseAddress!, factors: 6, configuration: exact, threads: 2) }
        viaCG.withUnsafeMutableBufferPointer { ALSSolver.solve(rows, target: $0.baseAddress!, fixed: y.baseAddress!, factors: 6, configuration: cg, threads: 2) }
    }
    let scale = viaCholesky.map { abs($0) }.max()!
    for k in 0..<viaCG.count { #expect(abs(viaCholesky[k] - viaCG[k]) <= 1e-3 * scale) }
}

@Test func alsIsDeterministicForSeedAndThreads() throws {
    let big = blockMatrix(blocks: 4, usersPerBlock: 150, itemsPerBlock: 40, density: 0.3, seed: 11)
    for solver in ALSConfiguration.Solver.allCases {
        let config = ALSConfiguration(factors: 16, iterations: 3, solver: solver, seed: 5)
        let a = try train(big, config, threads: 2, loss: true), b = try train(big, config, threads: 2, loss: true)
        #expect(a.model.userFactors == b.model.userFactors)
        #expect(a.model.itemFactors == b.model.itemFactors)
        #expect(a.report.loss == b.report.loss)
        // Rows do not depend on the schedule, so even another thread count gives the same bits.
        let c = try train(big, config, threads: 1)
        #expect(a.model.itemFactors == c.model.itemFactors)
    }
}

@Test func alsFoldInOfTrainingUserMatchesTrainedVector() throws {
    let (model, _) = try train(small, ALSConfiguration(factors: 8, regularization: 0.1, alpha: 10, iterations: 40, solver: .cholesky))
    for user in [0, 25, 59] {
        let liked = small.columns(ofRow: user).map { Int($0) }
        let folded = try model.foldIn(items: liked)
        let trained = Array(model.userVector(user))
        var diff: Float = 0, norm: Float = 0
        for k in 0..<8 { diff += (folded[k] - trained[k]) * (folded[k] - trained[k]); norm += trained[k] * trained[k] }
        #expect(diff.squareRoot() <= 0.02 * norm.squareRoot(), "user \(user)")
    }
    #expect(try model.foldIn(items: []) == [Float](repeating: 0, count: 8))
    #expect(throws: ALSError.itemOutOfRange(item: 45, itemCount: 45)) { try model.foldIn(items: [1, 45]) }
}

@Test func alsExplanationAddsUpToTheScore() throws {
    let (model, _) = try train(small, ALSConfiguration(factors: 8, regularization: 0.1, alpha: 10, iterations: 10, confidence: .rating))
    let liked = [0, 3, 5, 17]
    let ratings: [Float] = [5, 4, 4.5, 3]
    let vector = try model.foldIn(items: liked, ratings: ratings)
    for item in [1, 2, 20, 40] {
        let explanation = try model.explain(item: item, likedItems: liked, ratings: ratings)
        let total = explanation.contributions.reduce(Float(0)) { $0 + $1.contribution }
        let direct = (0..<8).reduce(Float(0)) { $0 + vector[$1] * model.itemFactors[item * 8 + $1] }
        #expect(abs(explanation.score - direct) <= 1e-4 * max(1, abs(direct)))
        #expect(abs(total - explanation.score) <= 1e-4 * max(1, abs(explanation.score)))
        #expect(Set(explanation.contributions.map(\.item)) == Set(liked))
    }
    let sorted = try model.explain(item: 2, likedItems: liked, ratings: ratings).contributions.map(\.contribution)
    #expect(sorted == sorted.sorted(by: >))
}

@Test func alsModelFileRoundTrip() throws {
    let (model, _) = try train(small, ALSConfiguration(factors: 5, iterations: 2), loss: true)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("als-\(UUID().uuidString).model")
    defer { try? FileManager.default.removeItem(at: url) }
    try model.save(to: url)
    let loaded = try ALS.load(from: url)
    #expect(loaded.userFactors == model.userFactors && loaded.itemFactors == model.itemFactors)
    #expect(loaded.userIds == model.userIds && loaded.itemIds == model.itemIds)
    #expect(loaded.configuration == model.configuration && loaded.lossHistory == model.lossHistory)
    #expect(loaded.userIds.first == 100 && loaded.itemIds.first == 1000)
}

@Test func alsBatchScoresEqualSingleScores() throws {
    let (model, _) = try train(small, ALSConfiguration(factors: 7, iterations: 2))
    let users = [4, 0, 33]
    var batch = [Float](repeating: 0, count: users.count * model.itemCount)
    batch.withUnsafeMutableBufferPointer { model.scores(forUsers: users, into: $0.baseAddress!) }
    for (row, user) in users.enumerated() {
        var single = [Float](repeating: 0, count: model.itemCount)
        single.withUnsafeMutableBufferPointer { model.scores(forUser: user, into: $0) }
        for i in 0..<model.itemCount {
            var direct: Float = 0
            for k in 0..<7 { direct += model.userFactors[user * 7 + k] * model.itemFactors[i * 7 + k] }
            #expect(abs(batch[row * model.itemCount + i] - direct) <= 1e-5)
            #expect(abs(single[i] - direct) <= 1e-5)
        }
    }
}

@Test func alsRejectsBadConfiguration() {
    #expect(throws: ALSError.self) { try train(small, ALSConfiguration(factors: 0)) }
    #expect(throws: ALSError.self) { try train(small, ALSConfiguration(regularization: -1)) }
    #expect(throws: ALSError.self) { try train(small, ALSConfiguration(cgSteps: 0)) }
}

@Test func alsGatheredAndInPlaceConjugateGradientAgree() throws {
    // Rows longer than `maxGatherRows` take the in-place path; both must take the same steps.
    let config = ALSConfiguration(factors: 7, regularization: 0.1, alpha: 5, confidence: .rating)
    let (model, _) = try train(small, config)
    let rows = ConfidenceRows(small, configuration: config)
    let f = 7
    var gram = [Float](repeating: 0, count: f * f)
    for i in 0..<model.itemCount { for a in 0..<f { for b in 0..<f { gram[a * f + b] += model.itemFactors[i * f + a] * model.itemFactors[i * f + b] } } }
    for a in 0..<f { gram[a * f + a] += config.regularization }
    var scratch = [Float](repeating: 0, count: ALSSolver.scratchStride(factors: f, solver: .conjugateGradient, gatherRows: 64))
    for user in [0, 21, 50] {
        let start = rows.rowStart[user], n = rows.rowStart[user + 1] - start
        var inPlace = [Float](repeating: 0.05, count: f), gathered = inPlace
        rows.index.withUnsafeBufferPointer { index in
            rows.confidence.withUnsafeBufferPointer { confidence in
                let entries = ALSSolver.Entries(index: index.baseAddress! + start, confidence: confidence.baseAddress! + start, count: n)
                model.itemFactors.withUnsafeBufferPointer { y in
                    gram.withUnsafeBufferPointer { g in
                        scratch.withUnsafeMutableBufferPointer { s in
                            ALSSolver.conjugateGradient(x: &inPlace, entries: entries, fixed: y.baseAddress!, gram: g.baseAddress!, factors: f, steps: 3, scratch: s.baseAddress!)
                            ALSSolver.gatheredConjugateGradient(x: &gathered, entries: entries, fixed: y.baseAddress!, gram: g.baseAddress!, factors: f, steps: 3, scratch: s.baseAddress!)
                        }
                    }
                }
            }
        }
        for k in 0..<f { #expect(abs(inPlace[k] - gathered[k]) <= 1e-4 * max(1, abs(inPlace[k])), "user \(user)") }
    }
}

@Test func alsFoldInByMovieIdsMapsIdsAndReportsUnknown() throws {
    let (model, _) = try train(small, ALSConfiguration(factors: 5, iterations: 2))
    // Item ids are 1000 + dense index in `train`.
    #expect(model.itemIndex(ofExternalId: 1003) == 3 && model.itemIndex(ofExternalId: 999) == nil && model.itemIndex(ofExternalId: 1045) == nil)
    let (vector, unknown) = try model.foldIn(movieIds: [1003, 5, 1007], ratings: [5, 4, 4])
    #expect(unknown == [5])
    #expect(vector == (try model.foldIn(items: [3, 7], ratings: [5, 4])))
}

@Test func trainingOnNoPositiveIsRefusedByName() throws {
    let empty = CSRMatrix(rows: 3, columns: 4, rowIndex: [], columnIndex: [], values: [], timestamps: [])
    #expect(throws: ALSError.noPositives(users: 3, items: 4)) {
        _ = try ALS.train(positives: empty, userIds: [1, 2, 3], itemIds: [1, 2, 3, 4], configuration: ALSConfiguration(), threads: 1,
                          progress: false)
    }
}

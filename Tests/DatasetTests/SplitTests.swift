import Testing
@testable import Dataset

/// Interactions from (user, movie, rating, timestamp) rows, threshold 4.
private func interactions(_ rows: [(Int32, Int32, Float, Int64)]) -> Interactions {
    var table = RatingTable()
    for r in rows { table.append(user: r.0, movie: r.1, rating: r.2, timestamp: r.3) }
    return Interactions.build(from: table, threshold: 4).0
}

/// The (external user, external movie) pairs of a part, sorted.
private func pairs(_ data: Interactions) -> [[Int32]] {
    var out: [[Int32]] = []
    for u in 0..<data.userCount {
        for i in data.byUser.columns(ofRow: u) { out.append([data.users.externalId(of: u), data.items.externalId(of: Int(i))]) }
    }
    return out.sorted { $0.lexicographicallyPrecedes($1) }
}

@Test func randomSplitHoldsOutRoundedFractionAndKeepsOnePositiveInTrain() throws {
    var rows: [(Int32, Int32, Float, Int64)] = []
    // User 1: 10 positives (movies 1...10) and 2 negatives (11, 12): round(0.2·10) = 2 held out.
    for m in Int32(1)...10 { rows.append((1, m, 5, Int64(m))) }
    rows.append((1, 11, 2, 0)); rows.append((1, 12, 3.5, 0))
    // User 2: 1 positive: min(round(0.2), 0) = 0 held out.
    rows.append((2, 1, 4, 0))
    // User 3: 3 positives: round(0.6) = 1 held out.
    for m in Int32(1)...3 { rows.append((3, m, 4.5, 0)) }
    // User 4: 2 positives: round(0.4) = 0 held out.
    rows.append((4, 1, 5, 0)); rows.append((4, 2, 5, 0))
    let data = interactions(rows)
    let split = try Split.random(data, testFraction: 0.2, seed: 7)
    split.train.byUser._checkInvariants(); split.test.byUser._checkInvariants()
    #expect(split.train.users == data.users && split.test.items == data.items)
    #expect((0..<4).map { split.test.byUser.count(ofRow: $0) } == [2, 0, 1, 0])
    // Test holds positives only; negatives 11 and 12 stay in train; nothing is lost or duplicated.
    #expect(split.test.byUser.values.allSatisfy { $0 >= 4 })
    let train = pairs(split.train), test = pairs(split.test)
    #expect(train.contains([1, 11]) && train.contains([1, 12]))
    #expect((train + test).sorted { $0.lexicographicallyPrecedes($1) } == pairs(data))
    #expect(Set(train).isDisjoint(with: Set(test)))
    // Deterministic with the seed; another seed picks another subset for user 1 here.
    #expect(try Split.random(data, testFraction: 0.2, seed: 7) == split)
    #expect(pairs(try Split.random(data, testFraction: 0.2, seed: 8).test) != test)
    // A fraction of one half: user 4 (2 positives) gives one, user 2 (1 positive) still none.
    let half = try Split.random(data, testFraction: 0.5, seed: 7)
    #expect((0..<4).map { half.test.byUser.count(ofRow: $0) } == [5, 0, 2, 1])
    #expect(throws: SplitError.fractionOutOfRange(1)) { try Split.random(data, testFraction: 1, seed: 1) }
}

@Test func leaveLastHoldsOutLatestPositivesByTimestamp() throws {
    let data = interactions([
        // User 1: positives 10 (t5), 20 (t1), 30 (t3); negative 40 (t9, the latest rating).
        (1, 10, 5, 5), (1, 20, 4, 1), (1, 30, 4.5, 3), (1, 40, 2, 9),
        // User 2: 50 and 60 both at t7 (tie: the larger item index, 60, is later), 70 at t1.
        (2, 50, 5, 7), (2, 60, 5, 7), (2, 70, 5, 1),
        // User 3: one positive only: kept in train.
        (3, 10, 5, 100),
    ])
    let two = try Split.leaveLast(data, count: 2)
    // User 1: the two latest positives are 10 (t5) and 30 (t3); user 2: 60 and 50; user 3 none.
    #expect(pairs(two.test) == [[1, 10], [1, 30], [2, 50], [2, 60]])
    #expect(pairs(two.train) == [[1, 20], [1, 40], [2, 70], [3, 10]])
    let one = try Split.leaveLast(data, count: 1)
    #expect(pairs(one.test) == [[1, 10], [2, 60]])
    // Asking for more than a user has still keeps one positive in train.
    let many = try Split.leaveLast(data, count: 10)
    #expect(pairs(many.train) == [[1, 20], [1, 40], [2, 70], [3, 10]])
    #expect(many.kind.name == "leave-last")
}

@Test func timeSplitCutsAtQuantileAndDropsUsersWithoutPastPositives() throws {
    let data = interactions([
        (1, 1, 5, 1), (1, 2, 2, 2), (1, 3, 5, 9), (1, 4, 2, 10),
        (2, 1, 4, 3), (2, 2, 4, 4), (2, 5, 4, 5),
        (3, 2, 1, 6), (3, 3, 3, 7), (3, 5, 5, 10),
    ])
    // Sorted timestamps: 1 2 3 4 5 6 7 9 10 10; quantile 0.7 → rank ⌈7⌉ = 7 → cut at t = 7.
    // After the cut: (1,3) positive → test; (1,4) negative → train; (3,5) positive, but user 3 has no
    // positive at or before t7 → dropped.
    let split = try Split.time(data, quantile: 0.7)
    #expect(pairs(split.test) == [[1, 3]])
    #expect(pairs(split.train) == [[1, 1], [1, 2], [1, 4], [2, 1], [2, 2], [2, 5], [3, 2], [3, 3]])
    #expect(split.droppedTestPositives == 1)
    #expect(split.testUserCount == 1)
    #expect(throws: SplitError.quantileOutOfRange(0)) { try Split.time(data, quantile: 0) }
}

@Test func suppliedSplitSharesIdMapsOverBothFiles() throws {
    var train = RatingTable(), test = RatingTable()
    train.append(user: 1, movie: 10, rating: 5, timestamp: 1)
    train.append(user: 2, movie: 20, rating: 3, timestamp: 2)
    test.append(user: 2, movie: 10, rating: 4.5, timestamp: 3)
    test.append(user: 3, movie: 30, rating: 5, timestamp: 4)
    test.append(user: 2, movie: 40, rating: 2, timestamp: 5)   // not a positive: not in test
    let split = try Split.supplied(train: train, test: test, threshold: 4)
    #expect(split.train.users.externalIds == [1, 2, 3] && split.train.items.externalIds == [10, 20, 30, 40])
    #expect(split.test.users == split.train.users && split.test.items == split.train.items)
    #expect(pairs(split.train) == [[1, 10], [2, 20]])
    #expect(pairs(split.test) == [[2, 10], [3, 30]])
    #expect(split.kind == .supplied)
    #expect(throws: SplitError.emptyTrain(path: "t.csv")) {
        try Split.supplied(train: RatingTable(), test: test, threshold: 4, trainPath: "t.csv")
    }
}

import Support
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

@Test func sampledLeaveLastHoldsOutTheLatestPositiveOfASeededUserSample() throws {
    let data = interactions([
        // User 1: latest positive 30 (t9); the negative 40 at t10 never goes to test.
        (1, 10, 5, 1), (1, 20, 4, 5), (1, 30, 5, 9), (1, 40, 1, 10),
        // User 2: 50 and 60 tie at t7: the larger item index (60) counts as later.
        (2, 50, 5, 7), (2, 60, 4, 7),
        // User 3: one positive only: nothing to hold out, never sampled.
        (3, 10, 5, 3), (3, 20, 2, 4),
        // Users 4 and 5: two positives each.
        (4, 10, 4, 1), (4, 20, 4, 2), (5, 30, 4, 8), (5, 10, 4, 2),
    ])
    // No cap (0): every user with ≥ 2 positives gives exactly its latest one — the same as leaveLast 1.
    let all = try Split.leaveLast(data, count: 1, users: 0, seed: 3)
    #expect(pairs(all.test) == [[1, 30], [2, 60], [4, 20], [5, 30]])
    #expect(pairs(all.test) == pairs(try Split.leaveLast(data, count: 1).test))
    #expect(all.testUserCount == 4)
    #expect(all.kind.name == "leave-last-sample")
    // A cap of 2: two of the four eligible users, chosen by the seed; the others keep everything in train.
    let two = try Split.leaveLast(data, count: 1, users: 2, seed: 3)
    two.train.byUser._checkInvariants(); two.test.byUser._checkInvariants()
    #expect(two.testUserCount == 2)
    #expect(Set(pairs(two.test)).isSubset(of: Set(pairs(all.test))))
    #expect((pairs(two.train) + pairs(two.test)).sorted { $0.lexicographicallyPrecedes($1) } == pairs(data))
    #expect(try Split.leaveLast(data, count: 1, users: 2, seed: 3) == two)
    let samples = Set(try (0..<20).map { try pairs(Split.leaveLast(data, count: 1, users: 2, seed: UInt64($0)).test) })
    #expect(samples.count > 1, "the seed chooses the users")
    #expect(throws: SplitError.userCountNegative(-1)) { try Split.leaveLast(data, count: 1, users: -1, seed: 3) }
    #expect(throws: SplitError.countNotPositive(0)) { try Split.leaveLast(data, count: 0, users: 2, seed: 3) }
}

/// The validation hold-out `marquee train --model neumf` used before it moved into `Split` (kept here,
/// verbatim in logic, as the oracle): each user's latest positive (ties: the later entry), users with at
/// least two positives, a Fisher–Yates sample of at most `maxUsers` users from stream 0x56414C.
private func formerValidationHoldout(_ all: Interactions, users maxUsers: Int, seed: UInt64) -> (train: Interactions, test: Interactions, users: Int) {
    let m = all.byUser
    var rng = SeededGenerator(seed: seed, stream: 0x56414C)
    var latest = [Int](repeating: -1, count: m.rows)
    for u in 0..<m.rows {
        var best = -1, positives = 0
        for p in m.range(ofRow: u) where m.values[p] >= all.threshold {
            positives += 1
            if best < 0 || m.timestamps[p] >= m.timestamps[best] { best = p }
        }
        if positives >= 2 { latest[u] = best }
    }
    var chosen = (0..<m.rows).filter { latest[$0] >= 0 }
    if maxUsers > 0 && chosen.count > maxUsers {
        for j in stride(from: chosen.count - 1, to: 0, by: -1) { chosen.swapAt(j, rng.nextInt(below: j + 1)) }
        chosen = Array(chosen.prefix(maxUsers))
    }
    let held = Set(chosen.map { latest[$0] })
    var train = (rows: [Int32](), cols: [Int32](), values: [Float](), times: [Int64]())
    var test = train
    for u in 0..<m.rows {
        for p in m.range(ofRow: u) {
            if held.contains(p) {
                test.rows.append(Int32(u)); test.cols.append(m.columnIndex[p]); test.values.append(m.values[p]); test.times.append(m.timestamps[p])
            } else {
                train.rows.append(Int32(u)); train.cols.append(m.columnIndex[p]); train.values.append(m.values[p]); train.times.append(m.timestamps[p])
            }
        }
    }
    return (all.replacingRatings(CSRMatrix(rows: m.rows, columns: m.columns, rowIndex: train.rows, columnIndex: train.cols,
                                           values: train.values, timestamps: train.times)),
            all.replacingRatings(CSRMatrix(rows: m.rows, columns: m.columns, rowIndex: test.rows, columnIndex: test.cols,
                                           values: test.values, timestamps: test.times)),
            chosen.count)
}

@Test(arguments: [0, 1, 37, 150, 10_000])
func sampledLeaveLastEqualsTheFormerValidationHoldout(users: Int) throws {
    // 300 users with 1–40 ratings each, timestamps with many ties, about half positives.
    var g = SeededGenerator(seed: 11)
    var rows: [(Int32, Int32, Float, Int64)] = []
    for u in Int32(1)...300 {
        var movies = Set<Int32>()
        for _ in 0..<(1 + g.nextInt(below: 40)) { movies.insert(Int32(1 + g.nextInt(below: 500))) }
        for m in movies { rows.append((u, m, Float(1 + g.nextInt(below: 10)) / 2, Int64(g.nextInt(below: 20)))) }
    }
    let data = interactions(rows)
    for seed: UInt64 in [42, 7] {
        let split = try Split.leaveLast(data, count: 1, users: users, seed: seed)
        let oracle = formerValidationHoldout(data, users: users, seed: seed)
        #expect(split.train == oracle.train)
        #expect(split.test == oracle.test)
        #expect(split.testUserCount == oracle.users)
    }
}

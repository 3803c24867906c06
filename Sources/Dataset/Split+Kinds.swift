import Support

extension Split {
    /// Per-user random holdout of positives.
    ///
    /// A user with `P` positives gets `min(round(testFraction · P), P − 1)` of them, chosen uniformly at
    /// random, in test (`round` halves away from zero). So every user keeps at least one positive in train,
    /// and a user with a single positive (or with `testFraction · P < 0.5`) has none in test. Each user draws
    /// from its own generator stream `SeededGenerator(seed:stream: user index)`.
    /// - Throws: `SplitError.fractionOutOfRange` unless 0 < testFraction < 1.
    /// - Complexity: O(ratings).
    public static func random(_ data: Interactions, testFraction: Double, seed: UInt64) throws -> Split {
        guard testFraction > 0 && testFraction < 1 else { throw SplitError.fractionOutOfRange(testFraction) }
        let m = data.byUser
        var parts = [Part](repeating: .train, count: m.nonZeroCount)
        var positives: [Int] = []
        for u in 0..<m.rows {
            positives.removeAll(keepingCapacity: true)
            for p in m.range(ofRow: u) where m.values[p] >= data.threshold { positives.append(p) }
            let count = positives.count
            let held = min(Int((testFraction * Double(count)).rounded(.toNearestOrAwayFromZero)), count - 1)
            guard held > 0 else { continue }
            // Partial Fisher–Yates: the first `held` slots become a uniform random subset.
            var generator = SeededGenerator(seed: seed, stream: UInt64(u))
            for j in 0..<held {
                let pick = j + generator.nextInt(below: count - j)
                positives.swapAt(j, pick)
                parts[positives[j]] = .test
            }
        }
        return make(data, parts: parts, kind: .random(testFraction: testFraction, seed: seed))
    }

    /// Per-user leave-last-N-out: each user's `count` latest positives by timestamp go to test.
    ///
    /// Ties in timestamp are broken by the dense item index (the larger index counts as later). At most
    /// `P − 1` of a user's `P` positives are held out, so every user keeps at least one positive in train;
    /// a user with one positive has none in test. With `count` 1 this is the leave-one-out split of
    /// He et al. (2017).
    /// - Throws: `SplitError.countNotPositive` when `count` < 1.
    public static func leaveLast(_ data: Interactions, count: Int) throws -> Split {
        guard count >= 1 else { throw SplitError.countNotPositive(count) }
        return make(data, parts: latestPositives(data, count: count), kind: .leaveLast(count: count))
    }

    /// Leave-last-N-out for a seeded sample of at most `users` users: the held-out set of a validation
    /// pass while training (NCF picks its best epoch on each sampled user's latest positive).
    ///
    /// The users who have a positive to hold out (as in `leaveLast(_:count:)`: at least two positives)
    /// are listed in index order and, when there are more than `users`, shuffled by Fisher–Yates from
    /// `SeededGenerator(seed:stream: 0x56414C)` and cut to the first `users`; the others keep every
    /// rating in train. `users` 0 holds out for every user (the same split as `leaveLast(_:count:)`).
    /// - Throws: `SplitError.countNotPositive` when `count` < 1, `.userCountNegative` when `users` < 0.
    /// - Complexity: O(ratings + users).
    public static func leaveLast(_ data: Interactions, count: Int, users maxUsers: Int, seed: UInt64) throws -> Split {
        guard count >= 1 else { throw SplitError.countNotPositive(count) }
        guard maxUsers >= 0 else { throw SplitError.userCountNegative(maxUsers) }
        var parts = latestPositives(data, count: count)
        let m = data.byUser
        var chosen = (0..<m.rows).filter { u in m.range(ofRow: u).contains { parts[$0] == .test } }
        if maxUsers > 0 && chosen.count > maxUsers {
            var generator = SeededGenerator(seed: seed, stream: 0x56414C)
            for j in stride(from: chosen.count - 1, to: 0, by: -1) { chosen.swapAt(j, generator.nextInt(below: j + 1)) }
            for u in chosen[maxUsers...] {
                for p in m.range(ofRow: u) { parts[p] = .train }
            }
        }
        return make(data, parts: parts, kind: .leaveLastSample(count: count, users: maxUsers, seed: seed))
    }

    /// Marks each user's `count` latest positives (capped at `P − 1`) as test, the rest train.
    private static func latestPositives(_ data: Interactions, count: Int) -> [Part] {
        let m = data.byUser
        var parts = [Part](repeating: .train, count: m.nonZeroCount)
        var positives: [Int] = []
        for u in 0..<m.rows {
            positives.removeAll(keepingCapacity: true)
            for p in m.range(ofRow: u) where m.values[p] >= data.threshold { positives.append(p) }
            let held = min(count, positives.count - 1)
            guard held > 0 else { continue }
            // Entries of a row are in ascending item order, so a stable sort by time breaks ties by item.
            positives.sort { m.timestamps[$0] < m.timestamps[$1] || (m.timestamps[$0] == m.timestamps[$1] && $0 < $1) }
            for p in positives.suffix(held) { parts[p] = .test }
        }
        return parts
    }

    /// A global time cut: the positives rated after the `quantile` of all ratings' timestamps go to test.
    ///
    /// The cut time `c` is the timestamp of rank `⌈quantile · n⌉` (1-based) among all `n` ratings sorted by
    /// time; positives with a timestamp `> c` are test, everything else is train (non-positive ratings after
    /// the cut stay in train as seen items, like every split).
    ///
    /// Users or items unseen in train: the id maps cover every user and item of `data`, so indices never
    /// change. Test positives of a user with *no positive before the cut* are dropped (nothing to learn a
    /// taste from; counted in `droppedTestPositives`). Test positives of items that have no rating before
    /// the cut are kept: they are honest misses that no model trained on the past can rank.
    /// - Throws: `SplitError.quantileOutOfRange` unless 0 < quantile < 1.
    public static func time(_ data: Interactions, quantile: Double) throws -> Split {
        let m = data.byUser
        var parts = [Part](repeating: .train, count: m.nonZeroCount)
        guard let cut = try timeCut(data, quantile: quantile) else { return make(data, parts: parts, kind: .time(quantile: quantile)) }
        for u in 0..<m.rows {
            let range = m.range(ofRow: u)
            var hasTrainPositive = false
            for p in range where m.values[p] >= data.threshold && m.timestamps[p] <= cut { hasTrainPositive = true; break }
            // Without a positive before the cut, the user's later positives are dropped: future data of a
            // user the models cannot know.
            for p in range where m.values[p] >= data.threshold && m.timestamps[p] > cut {
                parts[p] = hasTrainPositive ? .test : .dropped
            }
        }
        return make(data, parts: parts, kind: .time(quantile: quantile))
    }

    /// The cut time of `time(_:quantile:)`: the timestamp of rank `⌈quantile · n⌉` (1-based) among all `n`
    /// ratings sorted by time (Unix seconds); nil when there are no ratings. Positives rated after it are
    /// test.
    /// - Throws: `SplitError.quantileOutOfRange` unless 0 < quantile < 1.
    /// - Complexity: O(n log n).
    public static func timeCut(_ data: Interactions, quantile: Double) throws -> Int64? {
        guard quantile > 0 && quantile < 1 else { throw SplitError.quantileOutOfRange(quantile) }
        let timestamps = data.byUser.timestamps
        guard timestamps.count > 0 else { return nil }
        let sorted = timestamps.sorted()
        let rank = max(1, Int((quantile * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    /// A split given as two ratings tables (e.g. two MovieLens files, from `MovieLensDataset.readRatings`).
    ///
    /// The id maps are built over both tables' ids so indices are shared. Train keeps every rating of the
    /// train table (all count as seen); test keeps the positives of the test table. Repeated (user, movie)
    /// pairs inside a table keep the latest. A test positive whose (user, movie) pair is also in train is
    /// kept as given (so the data stays identical to what other tools see); evaluation never recommends a
    /// train item, so such a positive is a miss for every model.
    /// - Throws: `SplitError.emptyTrain` when the train table is empty.
    public static func supplied(train: RatingTable, test: RatingTable, threshold: Float, trainPath: String = "train") throws -> Split {
        guard train.count > 0 else { throw SplitError.emptyTrain(path: trainPath) }
        let users = IdMap(ids: train.userIds + test.userIds)
        let items = IdMap(ids: train.movieIds + test.movieIds)
        let (trainPart, _) = Interactions.build(from: train, threshold: threshold, users: users, items: items)
        let (testAll, _) = Interactions.build(from: test, threshold: threshold, users: users, items: items)
        let testPart = testAll.replacingRatings(testAll.positives())
        return Split(train: trainPart, test: testPart, kind: .supplied)
    }
}

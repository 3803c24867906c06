import Dataset
import Support

/// The logged ratings after a time cut, replayed one at a time: each rating is one visit of its user.
///
/// Built from `Interactions` (one rating per user and movie: a repeated pair keeps its latest line, as
/// ingestion does). Events are ordered by timestamp, then by `lineOrder` (the file line of each rating,
/// when the caller knows it) — else by the position of the rating in the user × movie matrix, which is the
/// line order of files sorted by user then movie (every MovieLens CSV release).
///
/// Everything a policy may know before the first event — the ratings at or before the cut — is `train`.
/// `order` gives, for every rating of the whole data (in `byUser` order), its event number, or −1 for a
/// rating before the cut, so "was this movie rated by this user before event e" is one binary search.
public struct ReplayStream: Sendable {
    /// The ratings at or before the cut (models train on them; they are every user's seen movies at the start).
    public let train: Interactions
    /// The whole data: the same id maps as `train`.
    public let data: Interactions
    /// The cut: ratings with a timestamp after it are streamed (Unix seconds).
    public let cutTimestamp: Int64
    /// Dense user of each event.
    public let users: [Int32]
    /// Dense movie of each event (the logged movie).
    public let items: [Int32]
    /// Rating of each event.
    public let ratings: [Float]
    /// Timestamp of each event.
    public let timestamps: [Int64]
    /// Per event: the user has at least one positive before the cut (a *warm* user the models know).
    public let warm: [Bool]
    /// Per event: how many movies the user had rated before it (before the cut and earlier in the stream).
    public let seenBefore: [Int32]
    /// For each rating of `data.byUser` (same positions): its event number, or −1 when it is before the cut.
    public let order: [Int32]
    /// Positives (rating ≥ threshold) among the events.
    public let positiveEvents: Int

    /// Number of events.
    public var count: Int { users.count }
    /// Ratings at or above this are positives (a click is possible only on them).
    public var threshold: Float { data.threshold }

    /// Cuts `data` at `quantile` of all timestamps (`Split.timeCut`, the `time` split's cut) and orders the
    /// later ratings.
    /// - Parameters:
    ///   - lineOrder: for each rating in `data.byUser` order, its line in the ratings file (nil: the
    ///     matrix order stands in for it).
    ///   - maxEvents: keep only the first events (nil: all) — for quick runs.
    /// - Throws: `SplitError.quantileOutOfRange`, `SimulationError.emptyStream`.
    /// - Complexity: O(n log n) in the streamed ratings, O(ratings) for the rest.
    public init(data: Interactions, quantile: Double, lineOrder: [Int64]? = nil, maxEvents: Int? = nil) throws {
        guard let cut = try Split.timeCut(data, quantile: quantile) else { throw SimulationError.emptyStream(quantile: quantile) }
        let m = data.byUser
        precondition(lineOrder == nil || lineOrder!.count == m.nonZeroCount, "one line number per rating")
        var streamed: [Int] = []   // positions in byUser
        var start = [Int](repeating: 0, count: m.rows + 1)
        var cols: [Int32] = [], vals: [Float] = [], times: [Int64] = []
        cols.reserveCapacity(m.nonZeroCount); vals.reserveCapacity(m.nonZeroCount); times.reserveCapacity(m.nonZeroCount)
        var warmUser = [Bool](repeating: false, count: m.rows)
        var trainCount = [Int32](repeating: 0, count: m.rows)
        for u in 0..<m.rows {
            for p in m.range(ofRow: u) {
                if m.timestamps[p] <= cut {
                    cols.append(m.columnIndex[p]); vals.append(m.values[p]); times.append(m.timestamps[p])
                    if m.values[p] >= data.threshold { warmUser[u] = true }
                    trainCount[u] += 1
                } else {
                    streamed.append(p)
                }
            }
            start[u + 1] = cols.count
        }
        // Row of each streamed position, for the sort's tie-break and the event's user.
        var rowOf = [Int32](repeating: 0, count: streamed.count)
        do {
            var u = 0
            for (i, p) in streamed.enumerated() {
                while p >= m.rowStart[u + 1] { u += 1 }
                rowOf[i] = Int32(u)
            }
        }
        var permutation = Array(0..<streamed.count)
        let ts = m.timestamps
        if let lineOrder {
            permutation.sort { a, b in
                let ta = ts[streamed[a]], tb = ts[streamed[b]]
                return ta != tb ? ta < tb : lineOrder[streamed[a]] < lineOrder[streamed[b]]
            }
        } else {
            permutation.sort { a, b in
                let ta = ts[streamed[a]], tb = ts[streamed[b]]
                return ta != tb ? ta < tb : a < b
            }
        }
        if let maxEvents, maxEvents < permutation.count { permutation.removeLast(permutation.count - max(0, maxEvents)) }
        guard !permutation.isEmpty else { throw SimulationError.emptyStream(quantile: quantile) }
        let n = permutation.count
        var users = [Int32](repeating: 0, count: n), items = [Int32](repeating: 0, count: n)
        var ratings = [Float](repeating: 0, count: n), stamps = [Int64](repeating: 0, count: n)
        var warm = [Bool](repeating: false, count: n), seen = [Int32](repeating: 0, count: n)
        var order = [Int32](repeating: Int32.max, count: m.nonZeroCount)   // after the kept events: never seen in the run
        for u in 0..<m.rows { for p in m.range(ofRow: u) where m.timestamps[p] <= cut { order[p] = -1 } }
        var running = trainCount
        var positives = 0
        for (e, i) in permutation.enumerated() {
            let p = streamed[i], u = Int(rowOf[i])
            users[e] = Int32(u); items[e] = m.columnIndex[p]; ratings[e] = m.values[p]; stamps[e] = m.timestamps[p]
            warm[e] = warmUser[u]
            seen[e] = running[u]
            running[u] += 1
            order[p] = Int32(e)
            if m.values[p] >= data.threshold { positives += 1 }
        }
        let trainMatrix = CSRMatrix(rows: m.rows, columns: m.columns, rowStart: start, columnIndex: cols, values: vals, timestamps: times)
        self.train = data.replacingRatings(trainMatrix)
        self.data = data
        self.cutTimestamp = cut
        self.users = users; self.items = items; self.ratings = ratings; self.timestamps = stamps
        self.warm = warm; self.seenBefore = seen; self.order = order
        self.positiveEvents = positives
    }

    /// Whether `user` had rated `item` before event `event` (before the cut, or earlier in the stream).
    /// - Complexity: O(log ratings of the user).
    @inline(__always)
    public func hasSeen(user: Int, item: Int32, before event: Int) -> Bool {
        let m = data.byUser
        var low = m.rowStart[user], high = m.rowStart[user + 1]
        while low < high {
            let mid = (low + high) >> 1
            let c = m.columnIndex[mid]
            if c < item { low = mid + 1 } else if c > item { high = mid } else { return Int(order[mid]) < event }
        }
        return false
    }

    /// Events of users with a positive before the cut.
    public var warmEvents: Int { warm.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Distinct users in the stream, and how many of them have no positive before the cut.
    public var userCounts: (all: Int, cold: Int) {
        var mark = [UInt8](repeating: 0, count: data.userCount)
        var all = 0, cold = 0
        for e in 0..<count where mark[Int(users[e])] == 0 {
            mark[Int(users[e])] = 1
            all += 1
            if !warm[e] { cold += 1 }
        }
        return (all, cold)
    }
}

/// Ratings as read from a file, one entry per line, in the dataset's own ids (columnar).
public struct RatingTable: Sendable, Equatable {
    public var userIds: [Int32] = []
    public var movieIds: [Int32] = []
    public var ratings: [Float] = []
    public var timestamps: [Int64] = []

    public init() {}

    public var count: Int { userIds.count }

    public mutating func append(user: Int32, movie: Int32, rating: Float, timestamp: Int64) {
        userIds.append(user); movieIds.append(movie); ratings.append(rating); timestamps.append(timestamp)
    }

    public mutating func append(contentsOf other: RatingTable) {
        userIds += other.userIds; movieIds += other.movieIds; ratings += other.ratings; timestamps += other.timestamps
    }
}

/// What building interactions found.
public struct BuildReport: Sendable, Equatable {
    /// Repeated (user, movie) pairs dropped (the latest timestamp wins).
    public var repeats = 0
    /// Entries whose user or movie is absent from the given id maps (dropped).
    public var unknownIds = 0
}

extension Interactions {
    /// Builds interactions from raw ratings.
    ///
    /// Repeated (user, movie) pairs keep the entry with the latest timestamp (on equal timestamps, the
    /// later line) and are counted.
    /// - Parameters:
    ///   - users, items: id maps to use (for a test part that must share the train part's indices);
    ///     nil builds them from the table. Entries with ids absent from a given map are dropped and counted.
    public static func build(
        from table: RatingTable, threshold: Float, users: IdMap? = nil, items: IdMap? = nil
    ) -> (Interactions, BuildReport) {
        let userMap = users ?? IdMap(ids: table.userIds)
        let itemMap = items ?? IdMap(ids: table.movieIds)
        var report = BuildReport()
        var rowIndex: [Int32] = [], colIndex: [Int32] = [], values: [Float] = [], times: [Int64] = []
        var order: [Int] = []
        rowIndex.reserveCapacity(table.count); colIndex.reserveCapacity(table.count); order.reserveCapacity(table.count)
        for e in 0..<table.count {
            let u = userMap.denseIndex(table.userIds[e]), i = itemMap.denseIndex(table.movieIds[e])
            if u < 0 || i < 0 { report.unknownIds += 1; continue }
            rowIndex.append(u); colIndex.append(i); values.append(table.ratings[e]); times.append(table.timestamps[e])
            order.append(e)
        }
        var m = CSRMatrix(rows: userMap.count, columns: itemMap.count, rowIndex: rowIndex, columnIndex: colIndex,
                          values: values, timestamps: times)
        // Resolve repeats: rows are sorted by column; CSRMatrix's sort is stable only per construction, so
        // compare timestamps explicitly and keep the latest.
        if m.nonZeroCount > 0 {
            var start = [Int](repeating: 0, count: m.rows + 1)
            var cols: [Int32] = [], vals: [Float] = [], ts: [Int64] = []
            cols.reserveCapacity(m.nonZeroCount); vals.reserveCapacity(m.nonZeroCount); ts.reserveCapacity(m.nonZeroCount)
            for r in 0..<m.rows {
                let range = m.range(ofRow: r)
                var p = range.lowerBound
                while p < range.upperBound {
                    var best = p
                    var q = p + 1
                    while q < range.upperBound && m.columnIndex[q] == m.columnIndex[p] {
                        if m.timestamps[q] >= m.timestamps[best] { best = q }
                        report.repeats += 1
                        q += 1
                    }
                    cols.append(m.columnIndex[best]); vals.append(m.values[best]); ts.append(m.timestamps[best])
                    p = q
                }
                start[r + 1] = cols.count
            }
            if report.repeats > 0 {
                m = CSRMatrix(rows: m.rows, columns: m.columns, rowStart: start, columnIndex: cols, values: vals, timestamps: ts)
            }
        }
        return (Interactions(users: userMap, items: itemMap, byUser: m, threshold: threshold), report)
    }
}

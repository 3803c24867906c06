import Foundation
import Support

/// A non-owning view of ratings in columns (one parsed chunk, or a whole `RatingTable`).
struct RatingColumns: @unchecked Sendable {
    var users: UnsafePointer<Int32>
    var movies: UnsafePointer<Int32>
    var ratings: UnsafePointer<Float>
    var timestamps: UnsafePointer<Int64>
    var count: Int
}

extension Interactions {
    /// Builds interactions from raw ratings.
    ///
    /// Repeated (user, movie) pairs keep the entry with the latest timestamp (on equal timestamps, the
    /// later line) and are counted.
    /// - Parameters:
    ///   - table: the ratings, in the dataset's own ids.
    ///   - threshold: a rating at or above it is a positive.
    ///   - users: the user id map to use (for a test part that must share the train part's indices); nil
    ///     builds it from the table. Entries with ids absent from a given map are dropped and counted.
    ///   - items: the item id map to use, likewise.
    /// - Complexity: O(ratings + users + items), by counting sorts (no comparison sort), in parallel.
    public static func build(
        from table: RatingTable, threshold: Float, users: IdMap? = nil, items: IdMap? = nil
    ) -> (Interactions, BuildReport) {
        table.userIds.withUnsafeBufferPointer { u in
            table.movieIds.withUnsafeBufferPointer { m in
                table.ratings.withUnsafeBufferPointer { r in
                    table.timestamps.withUnsafeBufferPointer { t in
                        let segments = table.count == 0 ? [] : [RatingColumns(users: u.baseAddress!, movies: m.baseAddress!, ratings: r.baseAddress!,
                                                                               timestamps: t.baseAddress!, count: table.count)]
                        return InteractionBuilder.build(segments, threshold: threshold, users: users, items: items)
                    }
                }
            }
        }
    }

    /// Builds interactions from parsed chunks, releasing the chunks as soon as they are no longer
    /// needed (to keep peak memory low).
    static func build(from parsed: inout ParsedRatings, threshold: Float, threads: Int = Threads.count) -> (Interactions, BuildReport) {
        if parsed.ascending && parsed.maxUser < InteractionBuilder.tableLimit && parsed.maxMovie < InteractionBuilder.tableLimit {
            var table = parsed.table
            parsed.table = RatingTable()
            return (InteractionBuilder.buildAscending(&table, maxUser: parsed.maxUser, maxMovie: parsed.maxMovie, threshold: threshold, threads: threads),
                    BuildReport())
        }
        let bounds = (maxUser: parsed.maxUser, maxMovie: parsed.maxMovie)
        let table = parsed.table
        return table.userIds.withUnsafeBufferPointer { u in
            table.movieIds.withUnsafeBufferPointer { m in
                table.ratings.withUnsafeBufferPointer { r in
                    table.timestamps.withUnsafeBufferPointer { t in
                        let segments = table.count == 0 ? [] : [RatingColumns(users: u.baseAddress!, movies: m.baseAddress!, ratings: r.baseAddress!,
                                                                               timestamps: t.baseAddress!, count: table.count)]
                        return InteractionBuilder.build(segments, threshold: threshold, users: nil, items: nil, knownNonNegativeMaxima: bounds,
                                                        threads: threads) {
                            parsed.table = RatingTable()
                        }
                    }
                }
            }
        }
    }
}

/// The steps of `Interactions.build`:
/// 1. dense ids: a presence table over the external ids gives each id its rank (ids ascending);
/// 2. a stable counting sort of the ratings by item (item-major, lines in file order within an item);
/// 3. its transpose, which is the user-major CSR with each row's items ascending (a second counting sort);
/// 4. repeated (user, item) pairs, now adjacent, are resolved (latest timestamp, then latest line);
/// 5. the transpose of that, the item-major CSC with each column's users ascending.
enum InteractionBuilder {
    /// External ids up to this value use direct lookup tables; larger ones are first renumbered.
    static let tableLimit: Int32 = 1 << 24

    static func build(
        _ segments: [RatingColumns], threshold: Float, users: IdMap?, items: IdMap?,
        knownNonNegativeMaxima: (maxUser: Int32, maxMovie: Int32)? = nil, threads: Int = Threads.count,
        releaseInput: () -> Void = {}
    ) -> (Interactions, BuildReport) {
        var trace = Trace()
        let parts = partition(segments, parts: segments.reduce(0) { $0 + $1.count } < 1 << 16 ? 1 : threads)
        var minUser: Int32 = 0, minMovie: Int32 = 0, maxUser: Int32 = -1, maxMovie: Int32 = -1
        if let known = knownNonNegativeMaxima {
            (maxUser, maxMovie) = known
        } else {
            minUser = .max; minMovie = .max
            for s in segments {
                for e in 0..<s.count {
                    minUser = min(minUser, s.users[e]); maxUser = max(maxUser, s.users[e])
                    minMovie = min(minMovie, s.movies[e]); maxMovie = max(maxMovie, s.movies[e])
                }
            }
            if segments.allSatisfy({ $0.count == 0 }) { minUser = 0; minMovie = 0 }
        }
        guard minUser >= 0, minMovie >= 0, maxUser < tableLimit, maxMovie < tableLimit else {
            return buildRenumbered(segments, threshold: threshold, users: users, items: items, threads: threads)
        }

        // 1. Dense ids.
        let userTableSize = Int(maxUser) + 1, itemTableSize = Int(maxMovie) + 1
        let userMap: IdMap, itemMap: IdMap
        var userDense: [Int32], itemDense: [Int32]
        if let users, let items {
            userMap = users; itemMap = items
            userDense = (0..<userTableSize).map { users.denseIndex(Int32($0)) }
            itemDense = (0..<itemTableSize).map { items.denseIndex(Int32($0)) }
        } else {
            var seenUsers = [UInt8](repeating: 0, count: parts.count * userTableSize)
            var seenItems = [UInt8](repeating: 0, count: parts.count * itemTableSize)
            seenUsers.withUnsafeMutableBufferPointer { su in
                seenItems.withUnsafeMutableBufferPointer { si in
                    let shared = UnsafeSendable((su, si, parts))
                    parallelFor(parts.count, threads: parts.count) { range, _ in
                        for w in range {
                            let (su, si, parts) = shared.value
                            let userSeen = su.baseAddress! + w * userTableSize, itemSeen = si.baseAddress! + w * itemTableSize
                            for (s, range) in parts[w] {
                                for e in range { userSeen[Int(s.users[e])] = 1; itemSeen[Int(s.movies[e])] = 1 }
                            }
                        }
                    }
                }
            }
            (userMap, userDense) = ranks(seenUsers, tableSize: userTableSize, parts: parts.count, given: users)
            (itemMap, itemDense) = ranks(seenItems, tableSize: itemTableSize, parts: parts.count, given: items)
        }

        trace.mark("build: id maps")
        // 2. Item-major counting sort.
        let itemCount = itemMap.count, userCount = userMap.count
        var cursor = [Int](repeating: 0, count: parts.count * itemCount)
        var unknown = [Int](repeating: 0, count: parts.count)
        userDense.withUnsafeBufferPointer { ud in
            itemDense.withUnsafeBufferPointer { id in
                cursor.withUnsafeMutableBufferPointer { cb in
                    unknown.withUnsafeMutableBufferPointer { ub in
                        let shared = UnsafeSendable((ud, id, cb, ub, parts))
                        parallelFor(parts.count, threads: parts.count) { range, _ in
                            for w in range {
                                let (ud, id, cb, ub, parts) = shared.value
                                let count = cb.baseAddress! + w * itemCount
                                var dropped = 0
                                for (s, range) in parts[w] {
                                    for e in range {
                                        let u = ud[Int(s.users[e])], i = id[Int(s.movies[e])]
                                        if u < 0 || i < 0 { dropped += 1 } else { count[Int(i)] += 1 }
                                    }
                                }
                                ub[w] = dropped
                            }
                        }
                    }
                }
            }
        }
        var itemStart = [Int](repeating: 0, count: itemCount + 1)
        for i in 0..<itemCount {
            var running = itemStart[i]
            for w in 0..<parts.count {
                let n = cursor[w * itemCount + i]
                cursor[w * itemCount + i] = running
                running += n
            }
            itemStart[i + 1] = running
        }
        let kept = itemStart[itemCount]
        trace.mark("build: count by item")
        var report = BuildReport()
        report.unknownIds = unknown.reduce(0, +)

        var itemMajorUsers: [Int32] = [], itemMajorValues: [Float] = [], itemMajorTimes: [Int64] = []
        itemMajorUsers = LargeArray.make(Int32.self, count: kept) { userOut in
            itemMajorValues = LargeArray.make(Float.self, count: kept) { valueOut in
                itemMajorTimes = LargeArray.make(Int64.self, count: kept) { timeOut in
                    userDense.withUnsafeBufferPointer { ud in
                        itemDense.withUnsafeBufferPointer { id in
                            cursor.withUnsafeMutableBufferPointer { cb in
                                let shared = UnsafeSendable((ud, id, cb, parts, userOut, valueOut, timeOut))
                                parallelFor(parts.count, threads: parts.count) { range, _ in
                                    for w in range {
                                        let (ud, id, cb, parts, uOut, vOut, tOut) = shared.value
                                        let next = cb.baseAddress! + w * itemCount
                                        for (s, range) in parts[w] {
                                            for e in range {
                                                let u = ud[Int(s.users[e])], i = id[Int(s.movies[e])]
                                                if u < 0 || i < 0 { continue }
                                                let q = next[Int(i)]
                                                next[Int(i)] = q + 1
                                                uOut[q] = u
                                                vOut[q] = s.ratings[e]
                                                tOut[q] = s.timestamps[e]
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        trace.mark("build: scatter by item")
        releaseInput()
        trace.mark("build: release input")
        var itemMajor: CSRMatrix? = CSRMatrix(rows: itemCount, columns: userCount, rowStart: itemStart, columnIndex: itemMajorUsers,
                                              values: itemMajorValues, timestamps: itemMajorTimes)
        itemMajorUsers = []; itemMajorValues = []; itemMajorTimes = []

        // 3. User-major, items ascending in each row.
        var byUser = itemMajor!.transposedInParallel(threads: threads)
        itemMajor = nil
        trace.mark("build: transpose to CSR")

        // 4. Repeated pairs.
        report.repeats = byUser.resolveRepeats(threads: threads)
        trace.mark("build: repeats")

        // 5. Item-major, users ascending.
        let byItem = byUser.transposedInParallel(threads: threads)
        trace.mark("build: transpose to CSC")
        return (Interactions(users: userMap, items: itemMap, byUser: byUser, byItem: byItem, threshold: threshold), report)
    }

    /// The common case of MovieLens files: lines strictly ascending by (user, movie), ids non-negative
    /// and small. The ratings are then already in CSR order without repeats: the movie column is mapped
    /// to dense indices in place and becomes the CSR's column array, the rating and timestamp columns
    /// become its value arrays (no copy), and only the CSC is built, by one transposition.
    static func buildAscending(_ table: inout RatingTable, maxUser: Int32, maxMovie: Int32, threshold: Float,
                               threads: Int = Threads.count) -> Interactions {
        var trace = Trace()
        let n = table.count
        let parts = n < 1 << 16 ? 1 : max(1, threads)
        let userTableSize = Int(maxUser) + 1, itemTableSize = Int(maxMovie) + 1
        var userIds: [Int32] = [], itemDense = [Int32](repeating: -1, count: itemTableSize)
        var userStart = [Int](repeating: 0, count: 0)
        // Users: lines ascend by user, so each user's ratings are one run.
        table.userIds.withUnsafeBufferPointer { u in
            for e in 0..<n where e == 0 || u[e] != u[e - 1] {
                userIds.append(u[e])
                userStart.append(e)
            }
        }
        userStart.append(n)
        _ = userTableSize
        // Items: presence per worker, then ranks.
        var seen = [UInt8](repeating: 0, count: parts * itemTableSize)
        seen.withUnsafeMutableBufferPointer { sb in
            table.movieIds.withUnsafeBufferPointer { m in
                let shared = UnsafeSendable((sb, m))
                parallelSplit(n, parts: parts) { range, w in
                    let (sb, m) = shared.value
                    let mark = sb.baseAddress! + w * itemTableSize
                    for e in range { mark[Int(m[e])] = 1 }
                }
            }
        }
        var itemIds: [Int32] = []
        for k in 0..<itemTableSize {
            for w in 0..<parts where seen[w * itemTableSize + k] != 0 {
                itemDense[k] = Int32(itemIds.count); itemIds.append(Int32(k)); break
            }
        }
        trace.mark("build: id maps")
        // Movie ids → dense item indices, in place.
        itemDense.withUnsafeBufferPointer { d in
            table.movieIds.withUnsafeMutableBufferPointer { m in
                let shared = UnsafeSendable((d, m))
                parallelSplit(n, parts: parts) { range, _ in
                    let (d, m) = shared.value
                    for e in range { m[e] = d[Int(m[e])] }
                }
            }
        }
        trace.mark("build: dense columns")
        var spare = table.userIds
        table.userIds = []
        let byUser = CSRMatrix(rows: userIds.count, columns: itemIds.count, rowStart: userStart, columnIndex: table.movieIds,
                               values: table.ratings, timestamps: table.timestamps)
        table = RatingTable()
        let byItem = byUser.transposedInParallel(threads: threads, reusing: &spare)
        trace.mark("build: transpose to CSC")
        return Interactions(users: IdMap(sortedUnique: userIds), items: IdMap(sortedUnique: itemIds), byUser: byUser, byItem: byItem,
                            threshold: threshold)
    }

    /// Splits the entries of `segments` into `parts` contiguous, nearly equal shares, in order.
    static func partition(_ segments: [RatingColumns], parts: Int) -> [[(RatingColumns, Range<Int>)]] {
        let total = segments.reduce(0) { $0 + $1.count }
        let parts = max(1, parts)
        var result: [[(RatingColumns, Range<Int>)]] = Array(repeating: [], count: parts)
        var offset = 0
        for s in segments {
            let segmentRange = offset..<(offset + s.count)
            for w in 0..<parts {
                let share = (total * w / parts)..<(total * (w + 1) / parts)
                let lo = max(share.lowerBound, segmentRange.lowerBound), hi = min(share.upperBound, segmentRange.upperBound)
                if lo < hi { result[w].append((s, (lo - offset)..<(hi - offset))) }
            }
            offset += s.count
        }
        return result
    }

    /// Dense indices of the ids marked in per-worker presence tables: rank among present ids, -1 if absent.
    private static func ranks(_ seen: [UInt8], tableSize: Int, parts: Int, given: IdMap?) -> (IdMap, [Int32]) {
        if let given { return (given, (0..<tableSize).map { given.denseIndex(Int32($0)) }) }
        var dense = [Int32](repeating: -1, count: tableSize)
        var ids: [Int32] = []
        for k in 0..<tableSize {
            var present = false
            for w in 0..<parts where seen[w * tableSize + k] != 0 { present = true; break }
            if present { dense[k] = Int32(ids.count); ids.append(Int32(k)) }
        }
        return (IdMap(sortedUnique: ids), dense)
    }

    /// Ids that are negative or too large for lookup tables: renumber them through dictionaries first.
    private static func buildRenumbered(
        _ segments: [RatingColumns], threshold: Float, users: IdMap?, items: IdMap?, threads: Int
    ) -> (Interactions, BuildReport) {
        var allUsers: [Int32] = [], allMovies: [Int32] = []
        for s in segments {
            allUsers += UnsafeBufferPointer(start: s.users, count: s.count)
            allMovies += UnsafeBufferPointer(start: s.movies, count: s.count)
        }
        let userMap = users ?? IdMap(ids: allUsers)
        let itemMap = items ?? IdMap(ids: allMovies)
        let denseUsers = allUsers.map { userMap.denseIndex($0) }
        let denseMovies = allMovies.map { itemMap.denseIndex($0) }
        var ratings: [Float] = [], times: [Int64] = []
        for s in segments {
            ratings += UnsafeBufferPointer(start: s.ratings, count: s.count)
            times += UnsafeBufferPointer(start: s.timestamps, count: s.count)
        }
        // Dense indices are identities over 0..<count; unknown ids are -1 and get dropped.
        let identityUsers = IdMap(sortedUnique: (0..<Int32(userMap.count)).map { $0 })
        let identityItems = IdMap(sortedUnique: (0..<Int32(itemMap.count)).map { $0 })
        var table = RatingTable()
        table.userIds = denseUsers; table.movieIds = denseMovies; table.ratings = ratings; table.timestamps = times
        let (inner, report) = table.userIds.withUnsafeBufferPointer { u in
            table.movieIds.withUnsafeBufferPointer { m in
                table.ratings.withUnsafeBufferPointer { r in
                    table.timestamps.withUnsafeBufferPointer { t in
                        build(table.count == 0 ? [] : [RatingColumns(users: u.baseAddress!, movies: m.baseAddress!, ratings: r.baseAddress!, timestamps: t.baseAddress!, count: table.count)],
                              threshold: threshold, users: identityUsers, items: identityItems,
                              knownNonNegativeMaxima: nil, threads: threads)
                    }
                }
            }
        }
        return (Interactions(users: userMap, items: itemMap, byUser: inner.byUser, byItem: inner.byItem, threshold: threshold), report)
    }
}

extension CSRMatrix {
    /// The transpose, computed in parallel by counting sort.
    func transposedInParallel(threads: Int = Threads.count) -> CSRMatrix {
        var none: [Int32] = []
        return transposedInParallel(threads: threads, reusing: &none)
    }

    /// The transpose, its column indices written into `spare` when it has the right size (a column the
    /// caller no longer needs; it is left empty).
    func transposedInParallel(threads: Int = Threads.count, reusing spare: inout [Int32]) -> CSRMatrix {
        rowStart.withUnsafeBufferPointer { rs in
            columnIndex.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { v in
                    timestamps.withUnsafeBufferPointer { t in
                        CSRMatrix.transpose(rows: rows, columns: columns, rowStart: rs, columnIndex: ci, values: v, timestamps: t, threads: threads,
                                            reusing: &spare)
                    }
                }
            }
        }
    }

    /// In rows sorted by column, keeps one entry per (row, column): the latest timestamp, and on equal
    /// timestamps the later entry. Returns the number of entries dropped.
    mutating func resolveRepeats(threads: Int = Threads.count) -> Int {
        let rows = self.rows
        // Count first (in parallel): most datasets have no repeats, and then nothing moves.
        let parts = max(1, min(threads, rows))
        var found = [Int](repeating: 0, count: parts)
        rowStart.withUnsafeBufferPointer { rs in
            columnIndex.withUnsafeBufferPointer { ci in
                found.withUnsafeMutableBufferPointer { fb in
                    let shared = UnsafeSendable((rs, ci, fb))
                    parallelSplit(rows, parts: parts) { range, w in
                        let (rs, ci, fb) = shared.value
                        var n = 0
                        for r in range where rs[r + 1] - rs[r] > 1 {
                            for p in (rs[r] + 1)..<rs[r + 1] where ci[p] == ci[p - 1] { n += 1 }
                        }
                        fb[w] = n
                    }
                }
            }
        }
        let repeats = found.reduce(0, +)
        guard repeats > 0 else { return 0 }
        var write = 0
        var newStart = [Int](repeating: 0, count: rows + 1)
        let starts = rowStart
        starts.withUnsafeBufferPointer { rs in
            columnIndex.withUnsafeMutableBufferPointer { ci in
                values.withUnsafeMutableBufferPointer { v in
                    timestamps.withUnsafeMutableBufferPointer { t in
                        for r in 0..<rows {
                            var p = rs[r]
                            let end = rs[r + 1]
                            while p < end {
                                var best = p
                                var q = p + 1
                                while q < end && ci[q] == ci[p] {
                                    if t[q] >= t[best] { best = q }
                                    q += 1
                                }
                                ci[write] = ci[best]; v[write] = v[best]; t[write] = t[best]
                                write += 1
                                p = q
                            }
                            newStart[r + 1] = write
                        }
                    }
                }
            }
        }
        rowStart = DenseColumn(newStart)
        columnIndex.removeLast(columnIndex.count - write)
        values.removeLast(values.count - write)
        timestamps.removeLast(timestamps.count - write)
        return repeats
    }
}

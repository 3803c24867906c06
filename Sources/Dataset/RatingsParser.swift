import Foundation

/// How the four fields of a ratings line are laid out.
struct RatingsLayout: Sendable, Equatable {
    /// Field separator byte (`,`, `:` or tab).
    var separator: UInt8
    /// Whether the separator is doubled (`::` in ratings.dat).
    var doubled: Bool
    /// Position of each field on the line: user, movie, rating, timestamp.
    var order: [Int] = [0, 1, 2, 3]
    /// Names of the fields, for error messages.
    var fieldNames: [String]

    static let csv = RatingsLayout(separator: UInt8(ascii: ","), doubled: false, fieldNames: ["userId", "movieId", "rating", "timestamp"])
    static let dat = RatingsLayout(separator: UInt8(ascii: ":"), doubled: true, fieldNames: ["UserID", "MovieID", "Rating", "Timestamp"])
    static let tab = RatingsLayout(separator: UInt8(ascii: "\t"), doubled: false, fieldNames: ["user id", "item id", "rating", "timestamp"])

    var isStandardOrder: Bool { order == [0, 1, 2, 3] }
    var separatorText: String { doubled ? "::" : (separator == 9 ? "tab" : String(UnicodeScalar(separator))) }
}

/// The ratings parsed from one chunk of a file, in columns, in line order.
///
/// Buffers are allocated for the most lines the chunk could hold (untouched capacity costs no memory)
/// and freed with the object.
final class RatingChunk: @unchecked Sendable {
    let capacity: Int
    let users: UnsafeMutablePointer<Int32>
    let movies: UnsafeMutablePointer<Int32>
    let ratings: UnsafeMutablePointer<Float>
    let timestamps: UnsafeMutablePointer<Int64>
    var count = 0
    var skipped = 0
    /// Byte offset (in the file) of the first bad line, when parsing stopped there.
    var errorOffset: Int? = nil
    var maxUser: Int32 = -1
    var maxMovie: Int32 = -1

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        users = .allocate(capacity: self.capacity)
        movies = .allocate(capacity: self.capacity)
        ratings = .allocate(capacity: self.capacity)
        timestamps = .allocate(capacity: self.capacity)
    }

    /// A chunk holding the rows of `table` (copied).
    convenience init(table: RatingTable) {
        self.init(capacity: table.count)
        table.userIds.withUnsafeBufferPointer { users.update(from: $0.baseAddress!, count: $0.count) }
        table.movieIds.withUnsafeBufferPointer { movies.update(from: $0.baseAddress!, count: $0.count) }
        table.ratings.withUnsafeBufferPointer { ratings.update(from: $0.baseAddress!, count: $0.count) }
        table.timestamps.withUnsafeBufferPointer { timestamps.update(from: $0.baseAddress!, count: $0.count) }
        count = table.count
        maxUser = table.userIds.max() ?? -1
        maxMovie = table.movieIds.max() ?? -1
    }

    deinit {
        users.deallocate(); movies.deallocate(); ratings.deallocate(); timestamps.deallocate()
    }

    @inline(__always)
    func append(user: Int32, movie: Int32, rating: Float, timestamp: Int64) {
        let i = count
        users[i] = user; movies[i] = movie; ratings[i] = rating; timestamps[i] = timestamp
        count = i + 1
        maxUser = max(maxUser, user)
        maxMovie = max(maxMovie, movie)
    }
}

/// A whole ratings file parsed: its chunks in file order and what was skipped.
struct ParsedRatings: @unchecked Sendable {
    var chunks: [RatingChunk]
    var skipped: Int
    var count: Int { chunks.reduce(0) { $0 + $1.count } }
    var maxUser: Int32 { chunks.reduce(-1) { max($0, $1.maxUser) } }
    var maxMovie: Int32 { chunks.reduce(-1) { max($0, $1.maxMovie) } }

    /// The ratings as one columnar table (a copy).
    func table() -> RatingTable {
        let n = count
        var table = RatingTable()
        table.userIds = Self.concatenate(n, chunks.map { ($0.users, $0.count) })
        table.movieIds = Self.concatenate(n, chunks.map { ($0.movies, $0.count) })
        table.ratings = Self.concatenate(n, chunks.map { ($0.ratings, $0.count) })
        table.timestamps = Self.concatenate(n, chunks.map { ($0.timestamps, $0.count) })
        return table
    }

    private static func concatenate<T>(_ n: Int, _ parts: [(UnsafeMutablePointer<T>, Int)]) -> [T] {
        [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            var at = 0
            for (pointer, count) in parts {
                (buffer.baseAddress! + at).initialize(from: pointer, count: count)
                at += count
            }
            initialized = at
        }
    }
}

/// The fast reader of ratings lines: the file is memory-mapped, cut into chunks at line boundaries and
/// the chunks are parsed in parallel by hand-written byte-level parsers (no `String` per field).
///
/// Line numbers are only worked out when something is wrong (by counting newlines up to the bad
/// line), so the common path never tracks them.
enum RatingsParser {
    /// Bytes per chunk: a few megabytes keeps both cores busy to the end and each chunk's work well
    /// above the cost of handing it out.
    static let defaultChunkSize = 4 << 20
    /// The shortest possible line ("1,1,1,1") bounds the number of lines in a chunk.
    static let shortestLine = 7

    /// Parses the lines of `file` from `bodyStart` (after any header).
    /// - Parameters:
    ///   - chunkSize: bytes per chunk (tests use tiny chunks so that lines straddle chunk boundaries).
    ///   - threads: parallel workers (1 parses serially, in order).
    /// - Throws: `DatasetError.badLine` / `.invalidUTF8` for the first malformed line unless `skipBadLines`.
    static func parse(
        _ file: MappedFile, layout: RatingsLayout, bodyStart: Int, skipBadLines: Bool,
        chunkSize: Int = defaultChunkSize, threads: Int = ParallelWork.defaultThreads
    ) throws -> ParsedRatings {
        let bytes = file.bytes
        guard bodyStart < bytes.count, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return ParsedRatings(chunks: [], skipped: 0)
        }
        // The hot loop relies on every line ending with "\n"; a last line without one is parsed from a
        // padded copy.
        var bodyEnd = bytes.count
        var tail: [UInt8] = []
        if bytes[bytes.count - 1] != ByteText.newline {
            var lastStart = bytes.count - 1
            while lastStart > bodyStart && bytes[lastStart - 1] != ByteText.newline { lastStart -= 1 }
            tail = Array(bytes[lastStart...]) + [ByteText.newline]
            bodyEnd = lastStart
        }

        // Chunk boundaries: each chunk starts just after a newline.
        var bounds = [bodyStart]
        var nominal = bodyStart + max(1, chunkSize)
        while nominal < bodyEnd {
            let start = ByteText.nextLine(in: UnsafeRawBufferPointer(start: bytes.baseAddress, count: bodyEnd), from: nominal - 1)
            if start >= bodyEnd { break }
            if start > bounds[bounds.count - 1] { bounds.append(start) }
            nominal = max(start, nominal) + max(1, chunkSize)
        }
        bounds.append(bodyEnd)
        let chunkCount = bounds.count - 1

        let chunks: [RatingChunk] = (0..<chunkCount).map {
            RatingChunk(capacity: (bounds[$0 + 1] - bounds[$0]) / shortestLine + 1)
        }
        let shared = Unchecked((base: base, chunks: chunks, bounds: bounds))
        ParallelWork.run(chunkCount, threads: threads) { c in
            let s = shared.value
            parseChunk(s.base, from: s.bounds[c], to: s.bounds[c + 1], offset: 0, layout: layout,
                       skipBadLines: skipBadLines, into: s.chunks[c])
        }
        var all = chunks
        if !tail.isEmpty {
            let last = RatingChunk(capacity: 1)
            tail.withUnsafeBufferPointer {
                parseChunk($0.baseAddress!, from: 0, to: $0.count, offset: bodyEnd, layout: layout,
                           skipBadLines: skipBadLines, into: last)
            }
            all.append(last)
        }
        if !skipBadLines, let bad = all.lazy.compactMap({ $0.errorOffset }).first {
            throw diagnose(file, layout: layout, lineOffset: bad)
        }
        return ParsedRatings(chunks: all, skipped: all.reduce(0) { $0 + $1.skipped })
    }

    /// Parses the lines in `base[from..<to]` (which ends with a newline) into `chunk`.
    /// `offset` is added to positions to make them file offsets (for the padded last line).
    static func parseChunk(
        _ base: UnsafePointer<UInt8>, from: Int, to: Int, offset: Int, layout: RatingsLayout,
        skipBadLines: Bool, into chunk: RatingChunk
    ) {
        if layout.isStandardOrder {
            if layout.doubled {
                parseStandardLines(base, from: from, to: to, offset: offset, separator: layout.separator, doubled: true,
                                   skipBadLines: skipBadLines, into: chunk)
            } else {
                parseStandardLines(base, from: from, to: to, offset: offset, separator: layout.separator, doubled: false,
                                   skipBadLines: skipBadLines, into: chunk)
            }
        } else {
            parseReorderedLines(base, from: from, to: to, offset: offset, layout: layout, skipBadLines: skipBadLines, into: chunk)
        }
    }

    /// Powers of ten for the fractional part of a rating.
    private static let inversePowers: [Double] = [1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9]

    /// The hot loop: lines of `user SEP movie SEP rating SEP timestamp`, each ending in "\n" or "\r\n".
    @inline(__always)
    private static func parseStandardLines(
        _ base: UnsafePointer<UInt8>, from: Int, to: Int, offset: Int, separator: UInt8, doubled: Bool,
        skipBadLines: Bool, into chunk: RatingChunk
    ) {
        let newline = ByteText.newline, cr = ByteText.carriageReturn, dot = UInt8(ascii: ".")
        var p = base + from
        let end = base + to
        var count = 0
        var maxUser: Int32 = -1, maxMovie: Int32 = -1
        let users = chunk.users, movies = chunk.movies, ratings = chunk.ratings, timestamps = chunk.timestamps
        inversePowers.withUnsafeBufferPointer { powers in
            while p < end {
                let lineStart = p
                if p[0] == newline { p += 1; continue }
                if p[0] == cr && p[1] == newline { p += 2; continue }
                bad: do {
                    // user id
                    var user: UInt64 = 0
                    var q = p
                    while true {
                        let d = q[0] &- 48
                        if d > 9 { break }
                        user = user &* 10 &+ UInt64(d)
                        q += 1
                    }
                    if q == p || q - p > 18 || user > UInt64(Int32.max) || q[0] != separator { break bad }
                    q += 1
                    if doubled { if q[0] != separator { break bad }; q += 1 }
                    // movie id
                    p = q
                    var movie: UInt64 = 0
                    while true {
                        let d = q[0] &- 48
                        if d > 9 { break }
                        movie = movie &* 10 &+ UInt64(d)
                        q += 1
                    }
                    if q == p || q - p > 18 || movie > UInt64(Int32.max) || q[0] != separator { break bad }
                    q += 1
                    if doubled { if q[0] != separator { break bad }; q += 1 }
                    // rating: digits, optionally "." and digits
                    p = q
                    var whole: UInt64 = 0
                    while true {
                        let d = q[0] &- 48
                        if d > 9 { break }
                        whole = whole &* 10 &+ UInt64(d)
                        q += 1
                    }
                    let wholeDigits = q - p
                    var fraction: UInt64 = 0
                    var fractionDigits = 0
                    if q[0] == dot {
                        q += 1
                        let f = q
                        while true {
                            let d = q[0] &- 48
                            if d > 9 { break }
                            if q - f < 9 { fraction = fraction &* 10 &+ UInt64(d); fractionDigits += 1 }
                            q += 1
                        }
                        if q == f && wholeDigits == 0 { break bad }
                    } else if wholeDigits == 0 { break bad }
                    if wholeDigits > 18 || q[0] != separator { break bad }
                    let rating = Float(Double(whole) + Double(fraction) * powers[fractionDigits])
                    if !(rating >= 0.5 && rating <= 5) { break bad }
                    q += 1
                    if doubled { if q[0] != separator { break bad }; q += 1 }
                    // timestamp
                    p = q
                    var time: UInt64 = 0
                    while true {
                        let d = q[0] &- 48
                        if d > 9 { break }
                        time = time &* 10 &+ UInt64(d)
                        q += 1
                    }
                    if q == p || q - p > 18 { break bad }
                    if q[0] == cr { q += 1 }
                    if q[0] != newline { break bad }
                    p = q + 1
                    let u = Int32(truncatingIfNeeded: user), m = Int32(truncatingIfNeeded: movie)
                    users[count] = u
                    movies[count] = m
                    ratings[count] = rating
                    timestamps[count] = Int64(time)
                    count += 1
                    maxUser = max(maxUser, u)
                    maxMovie = max(maxMovie, m)
                    continue
                }
                // A bad line.
                if !skipBadLines {
                    chunk.errorOffset = lineStart - base + offset
                    break
                }
                chunk.skipped += 1
                p = lineStart
                while p[0] != newline { p += 1 }
                p += 1
            }
        }
        chunk.count = count
        chunk.maxUser = maxUser
        chunk.maxMovie = maxMovie
    }

    /// Lines whose columns come in another order (a CSV header naming them so): split and parsed field
    /// by field. Slower than the hot loop but exact.
    private static func parseReorderedLines(
        _ base: UnsafePointer<UInt8>, from: Int, to: Int, offset: Int, layout: RatingsLayout,
        skipBadLines: Bool, into chunk: RatingChunk
    ) {
        var p = from
        while p < to {
            var e = p
            while base[e] != ByteText.newline { e += 1 }
            var lineEnd = e
            if lineEnd > p && base[lineEnd - 1] == ByteText.carriageReturn { lineEnd -= 1 }
            if lineEnd > p {
                let line = UnsafeRawBufferPointer(start: base + p, count: lineEnd - p)
                switch parseLine(line, layout: layout) {
                case let .success(r): chunk.append(user: r.user, movie: r.movie, rating: r.rating, timestamp: r.timestamp)
                case .failure:
                    if !skipBadLines { chunk.errorOffset = p + offset; return }
                    chunk.skipped += 1
                }
            }
            p = e + 1
        }
    }

    struct Rating { var user: Int32; var movie: Int32; var rating: Float; var timestamp: Int64 }
    struct LineProblem: Error { var reason: String; var invalidUTF8 = false }

    /// Parses one line (without its line ending) field by field, saying exactly what is wrong.
    /// Used for reordered columns and to explain a line the hot loop refused.
    static func parseLine(_ line: UnsafeRawBufferPointer, layout: RatingsLayout) -> Result<Rating, LineProblem> {
        if ByteText.firstInvalidUTF8(line) != nil { return .failure(LineProblem(reason: "invalid UTF-8", invalidUTF8: true)) }
        var fields: [ArraySlice<UInt8>] = []
        let bytes = Array(line)
        var start = 0
        var i = 0
        let step = layout.doubled ? 2 : 1
        while i < bytes.count {
            if bytes[i] == layout.separator && (!layout.doubled || (i + 1 < bytes.count && bytes[i + 1] == layout.separator)) {
                fields.append(bytes[start..<i])
                i += step
                start = i
            } else {
                i += 1
            }
        }
        fields.append(bytes[start...])
        guard fields.count == 4 else {
            return .failure(LineProblem(reason: "expected 4 fields separated by '\(layout.separatorText)' (\(layout.fieldNames.joined(separator: ", "))), found \(fields.count)"))
        }
        func text(_ f: ArraySlice<UInt8>) -> String { String(decoding: f, as: UTF8.self) }
        func integer(_ role: Int, limit: Int64) -> Result<Int64, LineProblem> {
            let f = fields[layout.order[role]]
            guard !f.isEmpty, f.count <= 18, f.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return .failure(LineProblem(reason: "\(layout.fieldNames[role]) '\(text(f))' is not a non-negative integer"))
            }
            let v = f.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
            guard v <= limit else { return .failure(LineProblem(reason: "\(layout.fieldNames[role]) \(text(f)) is too large (at most \(limit))")) }
            return .success(v)
        }
        let user: Int64, movie: Int64, time: Int64
        switch integer(0, limit: Int64(Int32.max)) { case let .success(v): user = v; case let .failure(e): return .failure(e) }
        switch integer(1, limit: Int64(Int32.max)) { case let .success(v): movie = v; case let .failure(e): return .failure(e) }
        switch integer(3, limit: 999_999_999_999_999_999) { case let .success(v): time = v; case let .failure(e): return .failure(e) }
        let ratingField = fields[layout.order[2]]
        let ratingText = text(ratingField)
        let isDecimal = !ratingField.isEmpty && ratingField.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 46 }
            && ratingField.filter { $0 == 46 }.count <= 1 && ratingField.contains { $0 >= 48 && $0 <= 57 }
        guard isDecimal, let value = Double(ratingText) else {
            return .failure(LineProblem(reason: "\(layout.fieldNames[2]) '\(ratingText)' is not a number"))
        }
        let rating = Float(value)
        guard rating >= 0.5 && rating <= 5 else {
            return .failure(LineProblem(reason: "\(layout.fieldNames[2]) \(ratingText) is outside 0.5–5"))
        }
        return .success(Rating(user: Int32(user), movie: Int32(movie), rating: rating, timestamp: time))
    }

    /// The error for the line starting at `lineOffset`.
    static func diagnose(_ file: MappedFile, layout: RatingsLayout, lineOffset: Int) -> DatasetError {
        let line = file.lineNumber(atOffset: lineOffset)
        let bytes = ByteText.line(in: file.bytes, at: lineOffset)
        let problem: LineProblem = bytes.withUnsafeBytes {
            if case let .failure(p) = parseLine($0, layout: layout) { return p }
            return LineProblem(reason: "malformed line")   // the hot loop is stricter than the field parser
        }
        if problem.invalidUTF8 { return .invalidUTF8(path: file.path, line: line) }
        return .badLine(path: file.path, line: line, reason: problem.reason)
    }
}

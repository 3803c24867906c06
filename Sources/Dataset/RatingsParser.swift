import Foundation
import Support

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

/// Where one chunk of a file writes its ratings and what it found there.
final class ChunkResult: @unchecked Sendable {
    /// Index in the output columns of this chunk's first rating.
    let outputStart: Int
    var count = 0
    var skipped = 0
    /// Byte offset (in the file) of the first bad line, when parsing stopped there.
    var errorOffset: Int? = nil
    var maxUser: Int32 = -1
    var maxMovie: Int32 = -1
    /// Whether the chunk's (user, movie) pairs strictly ascend, and its first and last pair.
    var ascending = true
    var firstKey: UInt64 = 0
    var lastKey: UInt64 = 0

    init(outputStart: Int) { self.outputStart = outputStart }
}

/// Output columns (pointers into the arrays being filled).
struct OutputColumns: @unchecked Sendable {
    var users: UnsafeMutablePointer<Int32>
    var movies: UnsafeMutablePointer<Int32>
    var ratings: UnsafeMutablePointer<Float>
    var timestamps: UnsafeMutablePointer<Int64>

    func advanced(by n: Int) -> OutputColumns {
        OutputColumns(users: users + n, movies: movies + n, ratings: ratings + n, timestamps: timestamps + n)
    }
}

/// A whole ratings file parsed: the ratings in line order and what was skipped.
struct ParsedRatings: Sendable {
    var table: RatingTable
    var skipped: Int
    /// Whether the lines strictly ascend by (user, movie), as MovieLens files do: then the table is
    /// already the CSR order and holds no repeated pair.
    var ascending: Bool
    var maxUser: Int32
    var maxMovie: Int32
    var count: Int { table.count }
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

    /// Parses a ratings file without a header line (`ratings.dat`, `u.data`), after any byte-order mark.
    /// - Throws: `DatasetError.emptyFile`, and as `parse`.
    static func parseHeaderless(
        _ url: URL, layout: RatingsLayout, skipBadLines: Bool,
        chunkSize: Int = defaultChunkSize, threads: Int = Threads.count, progress: ProgressReporter? = nil
    ) throws -> ParsedRatings {
        let file = try MappedFile(url)
        guard file.count > 0 else { throw DatasetError.emptyFile(path: file.path) }
        return try parse(file, layout: layout, bodyStart: ByteText.byteOrderMarkLength(file.bytes),
                         skipBadLines: skipBadLines, chunkSize: chunkSize, threads: threads, progress: progress)
    }

    /// Parses the lines of `file` from `bodyStart` (after any header).
    /// - Parameters:
    ///   - chunkSize: bytes per chunk (tests use tiny chunks so that lines straddle chunk boundaries).
    ///   - threads: parallel workers (1 parses serially, in order).
    ///   - progress: advanced by the bytes of each chunk parsed (its total is set to the body's size).
    /// - Throws: `DatasetError.badLine` / `.invalidUTF8` for the first malformed line unless `skipBadLines`.
    static func parse(
        _ file: MappedFile, layout: RatingsLayout, bodyStart: Int, skipBadLines: Bool,
        chunkSize: Int = defaultChunkSize, threads: Int = Threads.count, progress: ProgressReporter? = nil
    ) throws -> ParsedRatings {
        let bytes = file.bytes
        guard bodyStart < bytes.count, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return ParsedRatings(table: RatingTable(), skipped: 0, ascending: true, maxUser: -1, maxMovie: -1)
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
        progress?.total = bodyEnd - bodyStart

        // Lines per chunk bound its ratings, which gives each chunk its place in the output.
        var lines = [Int](repeating: 0, count: chunkCount)
        lines.withUnsafeMutableBufferPointer { lb in
            let shared = UnsafeSendable((base, lb, bounds))
            parallelFor(chunkCount, threads: threads) { range, _ in
                for c in range {
                    let (base, lb, bounds) = shared.value
                    lb[c] = countNewlines(base + bounds[c], count: bounds[c + 1] - bounds[c])
                }
            }
        }
        var results: [ChunkResult] = []
        var capacity = 0
        for c in 0..<chunkCount { results.append(ChunkResult(outputStart: capacity)); capacity += lines[c] }
        if !tail.isEmpty { results.append(ChunkResult(outputStart: capacity)); capacity += 1 }

        var table = RatingTable()
        var total = 0
        try table.userIds = [Int32](unsafeUninitializedCapacity: capacity) { ub, un in
            try table.movieIds = [Int32](unsafeUninitializedCapacity: capacity) { mb, mn in
                try table.ratings = [Float](unsafeUninitializedCapacity: capacity) { rb, rn in
                    try table.timestamps = [Int64](unsafeUninitializedCapacity: capacity) { tb, tn in
                        for buffer in [UnsafeMutableRawBufferPointer(ub), UnsafeMutableRawBufferPointer(mb),
                                       UnsafeMutableRawBufferPointer(rb), UnsafeMutableRawBufferPointer(tb)] {
                            LargeArray.adviseHugePages(buffer)
                        }
                        guard capacity > 0 else { return }
                        let output = OutputColumns(users: ub.baseAddress!, movies: mb.baseAddress!, ratings: rb.baseAddress!, timestamps: tb.baseAddress!)
                        let shared = UnsafeSendable((base, results, bounds, output))
                        parallelFor(chunkCount, threads: threads) { range, _ in
                            for c in range {
                                let (base, results, bounds, output) = shared.value
                                parseChunk(base, from: bounds[c], to: bounds[c + 1], offset: 0, layout: layout, skipBadLines: skipBadLines,
                                           into: output.advanced(by: results[c].outputStart), result: results[c])
                                progress?.advance(by: bounds[c + 1] - bounds[c])
                            }
                        }
                        if !tail.isEmpty {
                            let last = results[results.count - 1]
                            tail.withUnsafeBufferPointer {
                                parseChunk($0.baseAddress!, from: 0, to: $0.count, offset: bodyEnd, layout: layout,
                                           skipBadLines: skipBadLines, into: output.advanced(by: last.outputStart), result: last)
                            }
                        }
                        if !skipBadLines, let bad = results.lazy.compactMap({ $0.errorOffset }).first {
                            throw diagnose(file, layout: layout, lineOffset: bad)
                        }
                        // Close the gaps left by blank or skipped lines (rare).
                        for r in results {
                            if r.outputStart != total && r.count > 0 {
                                (output.users + total).update(from: output.users + r.outputStart, count: r.count)
                                (output.movies + total).update(from: output.movies + r.outputStart, count: r.count)
                                (output.ratings + total).update(from: output.ratings + r.outputStart, count: r.count)
                                (output.timestamps + total).update(from: output.timestamps + r.outputStart, count: r.count)
                            }
                            total += r.count
                        }
                        tn = total
                    }
                    rn = total
                }
                mn = total
            }
            un = total
        }
        var ascending = true
        var previous: ChunkResult? = nil
        for r in results where r.count > 0 {
            if !r.ascending || (previous.map { $0.lastKey >= r.firstKey } ?? false) { ascending = false; break }
            previous = r
        }
        return ParsedRatings(table: table, skipped: results.reduce(0) { $0 + $1.skipped }, ascending: ascending,
                             maxUser: results.reduce(-1) { max($0, $1.maxUser) }, maxMovie: results.reduce(-1) { max($0, $1.maxMovie) })
    }

    /// Number of newline bytes in `count` bytes at `p` (eight at a time).
    static func countNewlines(_ p: UnsafePointer<UInt8>, count: Int) -> Int {
        let raw = UnsafeRawPointer(p)
        var n = 0
        var i = 0
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080, low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let pattern = ones &* UInt64(ByteText.newline)
        while i + 8 <= count {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
            // High bit set in each byte of x that is not zero; the zero bytes are the newlines.
            let nonZero = (((x & low) &+ low) | x) & high
            n += 8 - nonZero.nonzeroBitCount
            i += 8
        }
        while i < count { if p[i] == ByteText.newline { n += 1 }; i += 1 }
        return n
    }

    /// Parses the lines in `base[from..<to]` (which ends with a newline) into `chunk`.
    /// `offset` is added to positions to make them file offsets (for the padded last line).
    static func parseChunk(
        _ base: UnsafePointer<UInt8>, from: Int, to: Int, offset: Int, layout: RatingsLayout,
        skipBadLines: Bool, into output: OutputColumns, result: ChunkResult
    ) {
        if layout.isStandardOrder {
            if layout.doubled {
                parseStandardLines(base, from: from, to: to, offset: offset, separator: layout.separator, doubled: true,
                                   skipBadLines: skipBadLines, into: output, result: result)
            } else {
                parseStandardLines(base, from: from, to: to, offset: offset, separator: layout.separator, doubled: false,
                                   skipBadLines: skipBadLines, into: output, result: result)
            }
        } else {
            parseReorderedLines(base, from: from, to: to, offset: offset, layout: layout, skipBadLines: skipBadLines,
                                into: output, result: result)
        }
        // Whether (user, movie) strictly ascends.
        let n = result.count
        guard n > 0 else { return }
        result.firstKey = UInt64(UInt32(bitPattern: output.users[0])) << 32 | UInt64(UInt32(bitPattern: output.movies[0]))
        var previous = result.firstKey
        for e in 1..<n {
            let key = UInt64(UInt32(bitPattern: output.users[e])) << 32 | UInt64(UInt32(bitPattern: output.movies[e]))
            if key <= previous { result.ascending = false; break }
            previous = key
        }
        result.lastKey = UInt64(UInt32(bitPattern: output.users[n - 1])) << 32 | UInt64(UInt32(bitPattern: output.movies[n - 1]))
    }

    /// Powers of ten for the fractional part of a rating.
    private static let inversePowers: [Double] = [1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9]

    /// The hot loop: lines of `user SEP movie SEP rating SEP timestamp`, each ending in "\n" or "\r\n".
    @inline(__always)
    private static func parseStandardLines(
        _ base: UnsafePointer<UInt8>, from: Int, to: Int, offset: Int, separator: UInt8, doubled: Bool,
        skipBadLines: Bool, into output: OutputColumns, result chunk: ChunkResult
    ) {
        let newline = ByteText.newline, cr = ByteText.carriageReturn, dot = UInt8(ascii: ".")
        var p = base + from
        let end = base + to
        var count = 0
        var maxUser: Int32 = -1, maxMovie: Int32 = -1
        let users = output.users, movies = output.movies, ratings = output.ratings, timestamps = output.timestamps
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
        skipBadLines: Bool, into output: OutputColumns, result chunk: ChunkResult
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
                case let .success(r):
                    let i = chunk.count
                    output.users[i] = r.user; output.movies[i] = r.movie; output.ratings[i] = r.rating; output.timestamps[i] = r.timestamp
                    chunk.count = i + 1
                    chunk.maxUser = max(chunk.maxUser, r.user)
                    chunk.maxMovie = max(chunk.maxMovie, r.movie)
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

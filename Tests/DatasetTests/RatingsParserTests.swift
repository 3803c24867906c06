import Foundation
import Testing
@testable import Dataset

// The parallel chunked parser against a serial parse and a plain reference, with lines straddling
// chunk boundaries; the counting-sort build against a brute-force oracle.

private struct Line { var user: Int32; var movie: Int32; var rating: Float; var time: Int64 }

/// Random ratings lines with CRLF on some, blank lines here and there, and (optionally) no final newline.
private func randomFile(lines n: Int, seed: UInt64, separator: String, finalNewline: Bool, ascending: Bool) -> (String, [Line]) {
    var g = SplitMix(seed: seed)
    var lines: [Line] = []
    for i in 0..<n {
        let user = ascending ? Int32(i / 7 + 1) : Int32(g.next() % 50 + 1)
        let movie = ascending ? Int32(i % 7 * 3 + 1) : Int32(g.next() % 40 + 1)
        lines.append(Line(user: user, movie: movie, rating: Float(g.next() % 10 + 1) / 2, time: Int64(g.next() % 2_000_000_000)))
    }
    var text = ""
    for (i, l) in lines.enumerated() {
        let r = l.rating == l.rating.rounded() && g.next() % 2 == 0 ? String(Int(l.rating)) : String(format: "%.1f", l.rating)
        text += [String(l.user), String(l.movie), r, String(l.time)].joined(separator: separator)
        if i < n - 1 || finalNewline { text += g.next() % 5 == 0 ? "\r\n" : "\n" }
        if g.next() % 50 == 0 && i < n - 1 { text += "\n" }
    }
    return (text, lines)
}

private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test func parallelTinyChunksMatchSerialParseAndReference() throws {
    let f = FixtureFolder()
    for (layoutName, separator) in [("csv", ","), ("dat", "::"), ("tab", "\t")] {
        for finalNewline in [true, false] {
            let (body, lines) = randomFile(lines: 600, seed: 7, separator: separator, finalNewline: finalNewline, ascending: false)
            let header = layoutName == "csv" ? "userId,movieId,rating,timestamp\n" : ""
            let url = f.write("r.\(layoutName)", header + body)
            func read(chunk: Int, threads: Int) throws -> ParsedRatings {
                let format: DatasetFormat = layoutName == "csv" ? .ml20m : layoutName == "dat" ? .ml1m : .ml100k
                return try format.readRatings(url, skipBadLines: false, chunkSize: chunk, threads: threads)
            }
            let serial = try read(chunk: 1 << 30, threads: 1)
            #expect(serial.table.userIds == lines.map(\.user) && serial.table.movieIds == lines.map(\.movie))
            #expect(serial.table.ratings == lines.map(\.rating) && serial.table.timestamps == lines.map(\.time))
            for chunk in [1, 2, 3, 5, 8, 13, 31, 64, 200] {
                let parallel = try read(chunk: chunk, threads: 3)
                #expect(parallel.table == serial.table, "\(layoutName) chunk \(chunk)")
                #expect(parallel.ascending == serial.ascending && parallel.skipped == 0)
            }
        }
    }
}

@Test func badLineNumberIsRightWhateverTheChunking() throws {
    let f = FixtureFolder()
    let (body, _) = randomFile(lines: 300, seed: 3, separator: ",", finalNewline: true, ascending: true)
    // Split on the newline byte ("\r\n" is one Character in Swift).
    var lines = body.utf8.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    lines.insert("5,5,9.5,5", at: 200)        // file line 202 (after the header)
    lines.insert("oops", at: 100)             // file line 102
    let url = f.write("ratings.csv", "userId,movieId,rating,timestamp\n" + lines.joined(separator: "\n"))
    for chunk in [7, 64, 1 << 20] {
        let error = datasetError { _ = try MovieLensCSV.readRatings(url, skipBadLines: false, chunkSize: chunk, threads: 2) }
        guard case let .badLine(_, line, reason)? = error else { Issue.record("no error"); continue }
        #expect(line == 102 && reason.contains("expected 4 fields"))
        let skipped = try MovieLensCSV.readRatings(url, skipBadLines: true, chunkSize: chunk, threads: 2)
        #expect(skipped.skipped == 2 && skipped.count == 300)
    }
}

@Test func buildMatchesBruteForceOnUnsortedRatingsWithRepeats() {
    var g = SplitMix(seed: 11)
    var table = RatingTable()
    var lines: [(user: Int32, movie: Int32, rating: Float, time: Int64)] = []
    for _ in 0..<5000 {
        let l = (user: Int32(g.next() % 300) * 3 + 2, movie: Int32(g.next() % 200) * 5 + 1, rating: Float(g.next() % 10 + 1) / 2,
                 time: Int64(g.next() % 50))
        lines.append(l)
        table.append(user: l.user, movie: l.movie, rating: l.rating, timestamp: l.time)
    }
    let (x, report) = Interactions.build(from: table, threshold: 4)
    x.byUser._checkInvariants(); x.byItem._checkInvariants()
    let oracle = latestRatings(lines)
    #expect(sameRatings(asDictionary(x), oracle))
    #expect(report.repeats == 5000 - x.ratingCount && x.ratingCount == oracle.values.reduce(0) { $0 + $1.count })
    #expect(x.byItem == x.byUser.transposed())
    #expect(x.users.externalIds == Array(Set(lines.map(\.user))).sorted())
    // Large ids go through dictionaries and give the same result.
    var big = table
    big.userIds = table.userIds.map { $0 &* 1000 &+ 1_000_000_000 }
    let (y, r2) = Interactions.build(from: big, threshold: 4)
    #expect(r2.repeats == report.repeats && y.byUser == x.byUser && y.users.externalIds == x.users.externalIds.map { $0 &* 1000 &+ 1_000_000_000 })
}

@Test func ascendingFastPathEqualsGeneralBuild() throws {
    let f = FixtureFolder()
    let (body, lines) = randomFile(lines: 2000, seed: 5, separator: ",", finalNewline: true, ascending: true)
    let url = f.write("ratings.csv", "userId,movieId,rating,timestamp\n" + body)
    var parsed = try MovieLensCSV.readRatings(url, skipBadLines: false, chunkSize: 300, threads: 2)
    #expect(parsed.ascending)
    let table = parsed.table
    let (fast, fastReport) = Interactions.build(from: &parsed, threshold: 3.5)
    let (general, generalReport) = Interactions.build(from: table, threshold: 3.5)
    #expect(fast == general && fastReport == generalReport && fastReport.repeats == 0)
    #expect(sameRatings(asDictionary(fast), latestRatings(lines.map { ($0.user, $0.movie, $0.rating, $0.time) })))
    // Given id maps: unknown ids are dropped and counted.
    let (part, report) = Interactions.build(from: table, threshold: 3.5, users: IdMap(ids: [1, 2]), items: fast.items)
    #expect(part.userCount == 2 && report.unknownIds == table.count - part.ratingCount && part.ratingCount == 14)
}

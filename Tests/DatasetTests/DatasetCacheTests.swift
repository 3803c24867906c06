import Foundation
import Support
import Testing
@testable import Dataset

// The binary cache: round trip, staleness (sources, settings), forced parse, damage.

private func writeDataset(_ f: FixtureFolder, extraLine: String = "") {
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,100\n1,2,3.5,101\n2,1,5,102\n3,3,0.5,103\n3,77,4.5,104\n" + extraLine)
    f.write("movies.csv", "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,\"Heat, The (1995)\",Action\n3,Café (2001),(no genres listed)\n")
    f.write("links.csv", "movieId,imdbId,tmdbId\n1,0114709,862\n")
}

@Test func cacheRoundTripGivesTheParsedDataset() throws {
    let f = FixtureFolder(), cache = FixtureFolder()
    writeDataset(f)
    let options = LoadOptions(threshold: 4, cacheDirectory: cache.url)
    let parsed = try MovieLensDataset.load(from: f.url, options: options)
    #expect(!parsed.report.fromCache)
    let cached = try MovieLensDataset.load(from: f.url, options: options)
    #expect(cached.report.fromCache)
    #expect(cached.interactions == parsed.interactions && cached.catalog == parsed.catalog && cached.format == parsed.format)
    var a = cached.report, b = parsed.report
    a.seconds = 0; b.seconds = 0; a.fromCache = false
    #expect(a == b && a.missingMovies == 1)
    // Values that are not half stars, and timestamps beyond 32 bits, are stored as they are.
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.25,100\n2,1,5,9000000000\n")
    let odd = try MovieLensDataset.load(from: f.url, options: options)
    let oddCached = try MovieLensDataset.load(from: f.url, options: options)
    #expect(!odd.report.fromCache && oddCached.report.fromCache && oddCached.interactions == odd.interactions)
    #expect(oddCached.interactions.byUser.values == [4.25, 5] && oddCached.interactions.byUser.timestamps == [100, 9_000_000_000])
}

@Test func staleOrOtherSettingsCacheIsRebuilt() throws {
    let f = FixtureFolder(), cache = FixtureFolder()
    writeDataset(f)
    let options = LoadOptions(threshold: 4, cacheDirectory: cache.url)
    _ = try MovieLensDataset.load(from: f.url, options: options)
    #expect(try MovieLensDataset.load(from: f.url, options: options).report.fromCache)
    // Other threshold, other skipBadLines: parse again.
    var other = options
    other.threshold = 3
    let rethreshold = try MovieLensDataset.load(from: f.url, options: other)
    #expect(!rethreshold.report.fromCache && rethreshold.report.positives == 4)
    other = options
    other.skipBadLines = true
    #expect(try !MovieLensDataset.load(from: f.url, options: other).report.fromCache)
    // ignoreCache forces a parse.
    _ = try MovieLensDataset.load(from: f.url, options: options)
    var forced = options
    forced.ignoreCache = true
    #expect(try !MovieLensDataset.load(from: f.url, options: forced).report.fromCache)
    #expect(try MovieLensDataset.load(from: f.url, options: options).report.fromCache)
    // A changed source file (new size and time): parse again, with the new line.
    writeDataset(f, extraLine: "4,1,4.0,105\n")
    let changed = try MovieLensDataset.load(from: f.url, options: options)
    #expect(!changed.report.fromCache && changed.report.users == 4)
    // A source touched to a newer time with the same bytes: parse again.
    let later = Date().addingTimeInterval(60)
    try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: f.path("movies.csv"))
    #expect(try !MovieLensDataset.load(from: f.url, options: options).report.fromCache)
    #expect(try MovieLensDataset.load(from: f.url, options: options).report.fromCache)
    // A tags file that appears: parse again.
    f.write("tags.csv", "userId,movieId,tag,timestamp\n1,1,fun,5\n")
    let tagged = try MovieLensDataset.load(from: f.url, options: options)
    #expect(!tagged.report.fromCache && tagged.report.tags == 1)
    // Another folder sharing the cache directory, whose files have the same names, sizes and times but
    // other ratings (user 2 rates movie 2, not 1): its own parse, never the first folder's cache.
    let g = FixtureFolder()
    let fm = FileManager.default
    for name in ["ratings.csv", "movies.csv", "links.csv", "tags.csv"] {
        try fm.copyItem(atPath: f.path(name), toPath: g.path(name))
    }
    let ratings = try String(contentsOfFile: f.path("ratings.csv"), encoding: .utf8)
    g.write("ratings.csv", ratings.replacingOccurrences(of: "\n2,1,5,102\n", with: "\n2,2,5,102\n"))
    let sameTime = Date(timeIntervalSince1970: 1_700_000_000)
    for name in ["ratings.csv", "movies.csv", "links.csv", "tags.csv"] {
        for folder in [f, g] { try fm.setAttributes([.modificationDate: sameTime], ofItemAtPath: folder.path(name)) }
        #expect(try fm.attributesOfItem(atPath: g.path(name))[.size] as? Int == fm.attributesOfItem(atPath: f.path(name))[.size] as? Int)
    }
    let first = try MovieLensDataset.load(from: f.url, options: options)
    #expect(!first.report.fromCache && first.interactions == tagged.interactions)
    let twin = try MovieLensDataset.load(from: g.url, options: options)
    #expect(!twin.report.fromCache && twin.interactions != tagged.interactions)
}

@Test func damagedCacheIsRebuiltNotTrusted() throws {
    let f = FixtureFolder(), cache = FixtureFolder()
    writeDataset(f)
    let options = LoadOptions(threshold: 4, cacheDirectory: cache.url)
    let parsed = try MovieLensDataset.load(from: f.url, options: options)
    let file = cache.url.appendingPathComponent(DatasetCache.fileName)
    var bytes = try [UInt8](Data(contentsOf: file))
    // Flip, one at a time, the first, middle and last byte of every section, a byte of the section
    // table and of the magic number (the alignment padding between sections carries no data).
    func offsets() throws -> [Int] {
        var offsets = [0, 64 + 5]
        let reader = try Support.ArtifactReader(url: file, expectedKind: DatasetCache.kind)
        for s in reader.sections.values.sorted(by: { $0.offset < $1.offset }) where s.byteCount > 0 {
            offsets += [s.offset, s.offset + s.byteCount / 2, s.offset + s.byteCount - 1]
        }
        return offsets
    }
    let count = try offsets().count
    #expect(count > 40)
    for k in 0..<count {
        // The layout of the rewritten file is the same (its contents do not depend on the time taken).
        let offset = try offsets()[k]
        bytes[offset] ^= 0x5A
        try Data(bytes).write(to: file)
        let loaded = try MovieLensDataset.load(from: f.url, options: options)
        #expect(!loaded.report.fromCache && loaded.interactions == parsed.interactions, "byte \(offset)")
        bytes = try [UInt8](Data(contentsOf: file))   // rewritten by the load
    }
    // Truncated and emptied files.
    try Data(bytes.prefix(bytes.count / 2)).write(to: file)
    #expect(try !MovieLensDataset.load(from: f.url, options: options).report.fromCache)
    try Data().write(to: file)
    #expect(try !MovieLensDataset.load(from: f.url, options: options).report.fromCache)
    #expect(try MovieLensDataset.load(from: f.url, options: options).report.fromCache)
}

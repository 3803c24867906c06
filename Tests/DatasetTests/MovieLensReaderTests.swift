import Foundation
import Testing
@testable import Dataset

// Every MovieLens layout, read from small fixtures written here, checked against hand-derived values.

private let moviesCSV = """
movieId,title,genres
1,Toy Story (1995),Adventure|Animation|Children
2,"American President, The (1995)",Comedy|Drama|Romance
3,"Dr. ""Strange"" Love, or: How (1964)",Comedy|War
4,Hyena Road,(no genres listed)

"""

@Test func csvLayoutReadsRatingsMoviesLinksAndTags() throws {
    let f = FixtureFolder()
    // CRLF endings and no newline at the end.
    f.write("ratings.csv", "userId,movieId,rating,timestamp\r\n1,1,4.0,100\r\n1,2,3.5,101\r\n2,1,5,102\r\n3,3,0.5,103\r\n3,4,4.5,104")
    f.write("movies.csv", moviesCSV)
    f.write("links.csv", "movieId,imdbId,tmdbId\n1,0114709,862\n2,0112346,\n")
    f.write("tags.csv", "userId,movieId,tag,timestamp\n1,1,\"funny, smart\",200\n2,3,classic,201\n")
    let d = try MovieLensDataset.load(from: f.url, options: LoadOptions(threshold: 4))
    #expect(d.format == .ml20m)
    let r = d.report
    #expect(r.users == 3 && r.items == 4 && r.catalog == 4 && r.ratings == 5 && r.positives == 3)
    #expect(r.repeats == 0 && r.skipped == 0 && r.missingMovies == 0 && r.tags == 2 && r.ratingLines == 5)
    let x = d.interactions
    x.byUser._checkInvariants(); x.byItem._checkInvariants()
    #expect(x.users.externalIds == [1, 2, 3] && x.items.externalIds == [1, 2, 3, 4])
    #expect(x.byUser.rowStart == [0, 2, 3, 5] && x.byUser.columnIndex == [0, 1, 0, 2, 3])
    #expect(x.byUser.values == [4, 3.5, 5, 0.5, 4.5] && x.byUser.timestamps == [100, 101, 102, 103, 104])
    #expect(x.byItem.rowStart == [0, 2, 3, 4, 5] && x.byItem.columnIndex == [0, 1, 0, 2, 2])
    #expect(x.byItem == x.byUser.transposed())
    let c = d.catalog
    #expect(c[2]?.title == "American President, The (1995)" && c[2]?.year == 1995)
    #expect(c[3]?.title == "Dr. \"Strange\" Love, or: How (1964)" && c[3]?.genres == ["Comedy", "War"])
    #expect(c[4]?.genres == [] && c[4]?.year == nil)
    #expect(c[1]?.imdbId == 114709 && c[1]?.tmdbId == 862 && c[2]?.tmdbId == nil && c[3]?.imdbId == nil)
}

@Test func csvHeaderColumnsInAnotherOrderAreHonoured() throws {
    let f = FixtureFolder()
    f.write("ratings.csv", "timestamp,rating,movieId,userId\n100,4.5,1,7\n101,2.0,2,7\n")
    f.write("movies.csv", moviesCSV)
    let d = try MovieLensDataset.load(from: f.url)
    #expect(d.interactions.users.externalIds == [7] && d.interactions.byUser.values == [4.5, 2] && d.interactions.byUser.timestamps == [100, 101])
}

@Test func repeatedPairsKeepTheLatestAndAreCounted() throws {
    let f = FixtureFolder()
    // (1,1) three times: latest timestamp 300 wins; (2,2) twice with equal timestamps: the later line wins.
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,1.0,100\n2,2,3.0,50\n1,1,5.0,300\n1,1,2.0,200\n2,2,4.0,50\n")
    f.write("movies.csv", moviesCSV)
    let d = try MovieLensDataset.load(from: f.url)
    #expect(d.report.repeats == 3 && d.report.ratings == 2 && d.report.ratingLines == 5)
    #expect(d.interactions.byUser.values == [5, 4] && d.interactions.byUser.timestamps == [300, 50])
    #expect(d.interactions.byItem.values == [5, 4])
}

@Test func ratingsOfMoviesAbsentFromTheMoviesFileAreKeptAndCounted() throws {
    let f = FixtureFolder()
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,1\n1,99,4.0,2\n2,99,3.0,3\n2,98,1.0,4\n")
    f.write("movies.csv", moviesCSV)
    let d = try MovieLensDataset.load(from: f.url)
    #expect(d.report.missingMovies == 2 && d.report.missingMovieRatings == 3 && d.report.ratings == 4 && d.report.items == 3)
}

@Test func malformedLinesNameFileLineAndProblem() throws {
    let f = FixtureFolder()
    f.write("movies.csv", moviesCSV)
    let cases: [(String, String)] = [
        ("1,1,4.0,100\n1,2,6.0,101\n", "outside 0.5–5"),
        ("1,1,4.0,100\n1,2,0,101\n", "outside 0.5–5"),
        ("1,1,4.0,100\n1,2,4.0\n", "expected 4 fields"),
        ("1,1,4.0,100\n1,x,4.0,101\n", "movieId 'x'"),
        ("1,1,4.0,100\n1,2,four,101\n", "rating 'four' is not a number"),
        ("1,1,4.0,100\n1,2,4.0,101,9\n", "expected 4 fields"),
        ("1,1,4.0,100\n-1,2,4.0,101\n", "userId '-1'"),
    ]
    for (body, reason) in cases {
        let ratings = f.write("ratings.csv", "userId,movieId,rating,timestamp\n" + body)
        let error = datasetError { _ = try MovieLensDataset.load(from: f.url) }
        guard case let .badLine(path, line, text)? = error else { Issue.record("no badLine for \(body): \(String(describing: error))"); continue }
        #expect(path == ratings.path && line == 3 && text.contains(reason), "\(text)")
        // With skipBadLines the line is skipped and counted.
        let d = try MovieLensDataset.load(from: f.url, options: LoadOptions(skipBadLines: true))
        #expect(d.report.skipped == 1 && d.report.ratings == 1)
    }
}

@Test func emptyMissingAndHeaderOnlyFilesAreErrors() throws {
    let f = FixtureFolder()
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .unknownFormat(path: f.url.path, found: []))
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url.appendingPathComponent("nope")) } == .missingDirectory(path: f.path("nope")))
    f.write("ratings.csv", "")
    f.write("movies.csv", moviesCSV)
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .emptyFile(path: f.path("ratings.csv")))
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n")
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .noRatings(path: f.path("ratings.csv")))
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,5\n")
    try FileManager.default.removeItem(atPath: f.path("movies.csv"))
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .missingFile(path: f.path("movies.csv")))
    f.write("movies.csv", "")
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .emptyFile(path: f.path("movies.csv")))
}

@Test func missingColumnsAreNamed() throws {
    let f = FixtureFolder()
    f.write("movies.csv", moviesCSV)
    f.write("ratings.csv", "userId,movieId,timestamp\n1,1,5\n")
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) }
        == .missingColumn(path: f.path("ratings.csv"), column: "rating", header: "userId,movieId,timestamp"))
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,5\n")
    f.write("movies.csv", "movieId,name,genres\n1,A,B\n")
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) }
        == .missingColumn(path: f.path("movies.csv"), column: "title", header: "movieId,name,genres"))
}

@Test func invalidUTF8IsReportedWithItsLine() throws {
    let f = FixtureFolder()
    f.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,5\n")
    f.write("movies.csv", bytes: Array("movieId,title,genres\n1,Ok (1990),Drama\n2,Caf".utf8) + [0xE9] + Array(" (1991),Drama\n".utf8))
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .invalidUTF8(path: f.path("movies.csv"), line: 3))
    f.write("movies.csv", moviesCSV)
    f.write("ratings.csv", bytes: Array("userId,movieId,rating,timestamp\n1,1,4,5\n1,2,4".utf8) + [0xFF] + Array(",6\n".utf8))
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .invalidUTF8(path: f.path("ratings.csv"), line: 3))
}

@Test func datLayoutReadsLatin1AndUTF8Titles() throws {
    let f = FixtureFolder()
    // ML-1M: ISO-8859-1 ("é" is the single byte 0xE9).
    f.write("ratings.dat", "1::1193::5::978300760\r\n1::661::3::978302109\r\n2::1193::4::978298413")
    f.write("movies.dat", bytes: Array("1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children's|Musical\n2::Caf".utf8)
        + [0xE9] + Array(" au lait (1993)::Comedy\n".utf8))
    let d = try MovieLensDataset.load(from: f.url)
    #expect(d.format == .ml1m && d.report.ratings == 3 && d.report.users == 2 && d.report.items == 2 && d.report.catalog == 3)
    #expect(d.catalog[2]?.title == "Café au lait (1993)" && d.catalog[2]?.year == 1993)
    #expect(d.catalog[661]?.genres == ["Animation", "Children's", "Musical"])
    #expect(d.interactions.byUser.values == [3, 5, 4])
    // ML-10M: UTF-8 titles, half stars.
    f.write("movies.dat", "2::Café au lait (1993)::Comedy\n661::P (1996)::Animation\n1193::O (1975)::Drama\n")
    f.write("ratings.dat", "1::1193::4.5::1\n")
    let d10 = try MovieLensDataset.load(from: f.url)
    #expect(d10.catalog[2]?.title == "Café au lait (1993)" && d10.interactions.byUser.values == [4.5])
    // A bad line names its file and line.
    f.write("ratings.dat", "1::1193::4.5::1\n1:1193::4.5::1\n")
    guard case let .badLine(path, line, _)? = datasetError({ _ = try MovieLensDataset.load(from: f.url) }) else { Issue.record("no error"); return }
    #expect(path == f.path("ratings.dat") && line == 2)
}

@Test func ml100kLayoutReadsGenreFlagsAndLatin1Titles() throws {
    let f = FixtureFolder()
    f.write("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t5\t881250950\n")
    f.write("u.genre", "unknown|0\nAction|1\nComedy|2\n\n")
    f.write("u.item", bytes: Array("242|Kolya (1996)|24-Jan-1997||http://x|0|0|1\n302|L.A. Confidential (1997)|01-Jan-1997||http://y|0|1|1\n5|Caf".utf8)
        + [0xE9] + Array(" (1995)|01-Jan-1995||http://z|1|0|0\n".utf8))
    let d = try MovieLensDataset.load(from: f.url)
    #expect(d.format == .ml100k && d.report.ratings == 3 && d.report.users == 2 && d.report.items == 2 && d.report.catalog == 3)
    #expect(d.report.positives == 1)
    #expect(d.catalog[302]?.genres == ["Action", "Comedy"] && d.catalog[242]?.genres == ["Comedy"] && d.catalog[5]?.title == "Café (1995)")
    f.write("u.item", "242|Kolya (1996)|24-Jan-1997||http://x|0|0\n")
    guard case let .badLine(path, line, reason)? = datasetError({ _ = try MovieLensDataset.load(from: f.url) }) else { Issue.record("no error"); return }
    #expect(path == f.path("u.item") && line == 1 && reason.contains("expected 8 fields"))
}

@Test func readRatingsAcceptsEveryLayout() throws {
    let f = FixtureFolder()
    let csv = f.write("train.csv", "userId,movieId,rating,timestamp\n3,4,4.5,10\n1,2,1,20")
    let dat = f.write("train.dat", "3::4::4.5::10\n1::2::1::20\n")
    let tab = f.write("train.tsv", "3\t4\t4.5\t10\n1\t2\t1\t20\n")
    for url in [csv, dat, tab] {
        let (table, skipped) = try MovieLensDataset.readRatings(url)
        #expect(skipped == 0 && table.userIds == [3, 1] && table.movieIds == [4, 2] && table.ratings == [4.5, 1] && table.timestamps == [10, 20])
    }
}

@Test func datAnd100KEmptyAndMissingFilesAreErrors() throws {
    let f = FixtureFolder()
    f.write("ratings.dat", "")
    f.write("movies.dat", "1::A (1990)::Drama\n")
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .emptyFile(path: f.path("ratings.dat")))
    f.write("ratings.dat", "1::1::4::5\n")
    try FileManager.default.removeItem(atPath: f.path("movies.dat"))
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .missingFile(path: f.path("movies.dat")))
    f.write("movies.dat", "")
    #expect(datasetError { _ = try MovieLensDataset.load(from: f.url) } == .emptyFile(path: f.path("movies.dat")))

    let g = FixtureFolder()
    g.write("u.data", "")
    g.write("u.item", "1|A (1990)|||x|0|1|0\n")
    g.write("u.genre", "unknown|0\nAction|1\nComedy|2\n")
    #expect(datasetError { _ = try MovieLensDataset.load(from: g.url) } == .emptyFile(path: g.path("u.data")))
    g.write("u.data", "1\t1\t4\t5\n\n")
    let d = try MovieLensDataset.load(from: g.url)
    #expect(d.report.ratings == 1 && d.catalog[1]?.genres == ["Action"])
    try FileManager.default.removeItem(atPath: g.path("u.item"))
    #expect(datasetError { _ = try MovieLensDataset.load(from: g.url) } == .missingFile(path: g.path("u.item")))
    g.write("u.item", "1|A (1990)|||x|0|1|0\n")
    g.write("u.data", "1\t1\t4\n")
    guard case let .badLine(path, line, reason)? = datasetError({ _ = try MovieLensDataset.load(from: g.url) }) else { Issue.record("no error"); return }
    #expect(path == g.path("u.data") && line == 1 && reason.contains("separated by 'tab'"))
}

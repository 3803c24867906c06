import Foundation
import Testing
@testable import Dataset

/// A small shape: 300 users, 2,000 movies, 30,000 ratings, 4 taste clusters.
private let smallShape = SyntheticMovieLens.Shape(users: 300, movies: 2_000, ratings: 30_000)

private func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("marquee-synth-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// One parsed line of ratings.csv.
private struct Line: Hashable {
    let user: Int, movie: Int, halves: Int, time: Int
}

/// Reads ratings.csv independently of the library's readers.
private func parseRatings(_ url: URL) throws -> (header: String, lines: [Line]) {
    let text = try String(contentsOf: url, encoding: .utf8)
    var rows = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(rows.last == "")
    rows.removeLast()
    let lines = rows.dropFirst().map { row -> Line in
        let f = row.split(separator: ",")
        let rating = Double(f[2])!
        return Line(user: Int(f[0])!, movie: Int(f[1])!, halves: Int((rating * 2).rounded()), time: Int(f[3])!)
    }
    for row in rows.dropFirst().prefix(1000) {
        let r = row.split(separator: ",")[2]
        #expect(r.count == 3 && r.dropFirst().first == ".", "rating written as x.y: \(r)")
    }
    return (String(rows[0]), lines)
}

@Test func smallShapeHasExactCountsAndMovieLensProperties() throws {
    let directory = temporaryDirectory("props")
    defer { try? FileManager.default.removeItem(at: directory) }
    let generator = SyntheticMovieLens(shape: smallShape, seed: 7, clusters: 4)
    let summary = try generator.write(to: directory, threads: 2)
    let (header, lines) = try parseRatings(directory.appendingPathComponent("ratings.csv"))

    #expect(header == "userId,movieId,rating,timestamp")
    #expect(lines.count == 30_000 && summary.ratings == 30_000)
    var perUser = [Int: Int]()
    for l in lines { perUser[l.user, default: 0] += 1 }
    #expect(perUser.count == 300 && Set(perUser.keys) == Set(1...300))
    #expect(perUser.values.min()! >= 20)
    #expect(perUser.values.max()! <= generator.maximumRatingsPerUser)
    #expect(summary.minRatingsPerUser == perUser.values.min()! && summary.maxRatingsPerUser == perUser.values.max()!)
    // Heavy tail: the most active user rates far more than the median one.
    let sortedCounts = perUser.values.sorted()
    #expect(sortedCounts.last! > 4 * sortedCounts[sortedCounts.count / 2])

    // Half stars in 0.5…5.0, about half ≥ 4.0.
    #expect(lines.allSatisfy { (1...10).contains($0.halves) })
    let atLeast4 = Double(lines.filter { $0.halves >= 8 }.count) / Double(lines.count)
    #expect(atLeast4 > 0.4 && atLeast4 < 0.6)
    #expect(abs(atLeast4 - summary.fractionAtLeast4) < 1e-12)

    // No repeated (user, movie); ordered by user then movie; timestamps within ML-20M's range.
    var pairs = Set<Int>()
    for l in lines { pairs.insert(l.user &* 1_000_000 &+ l.movie) }
    #expect(pairs.count == lines.count)
    #expect(zip(lines, lines.dropFirst()).allSatisfy { ($0.user, $0.movie) < ($1.user, $1.movie) })
    #expect(lines.allSatisfy { $0.time >= 789_652_009 && $0.time <= 1_427_784_002 })

    // Movies: every one listed and rated; ids match between the files; popularity is skewed.
    let movieText = try String(contentsOf: directory.appendingPathComponent("movies.csv"), encoding: .utf8)
    #expect(movieText.hasPrefix("movieId,title,genres\n"))
    let movieLines = movieText.split(separator: "\n").dropFirst()
    #expect(movieLines.count == 2_000)
    let movieIds = Set(movieLines.map { Int($0.prefix { $0 != "," })! })
    var perMovie = [Int: Int]()
    for l in lines { perMovie[l.movie, default: 0] += 1 }
    #expect(Set(perMovie.keys) == movieIds)
    let popular = perMovie.values.sorted(by: >)
    #expect(popular[0] > 10 * popular[popular.count / 2])
    #expect(movieLines.contains { $0.contains("\",") && $0.contains(", The (") }, "some titles are quoted with commas")
}

@Test func readsBackThroughMovieLensDataset() throws {
    let directory = temporaryDirectory("load")
    defer { try? FileManager.default.removeItem(at: directory) }
    try SyntheticMovieLens(shape: smallShape, seed: 3, clusters: 4).write(to: directory)
    let dataset = try MovieLensDataset.load(from: directory)
    #expect(dataset.format == .ml20m)
    #expect(dataset.report.users == 300 && dataset.report.items == 2_000 && dataset.report.catalog == 2_000)
    #expect(dataset.report.ratings == 30_000 && dataset.report.repeats == 0 && dataset.report.missingMovies == 0)
    let withComma = dataset.catalog.movies.filter { $0.title.contains(",") }
    #expect(!withComma.isEmpty)
    #expect(dataset.catalog.movies.filter { $0.year != nil }.count > 1_980)
    let genres = Set(dataset.catalog.movies.flatMap(\.genres))
    #expect(genres.isSubset(of: Set(SyntheticMovieLens.Plan.genreNames)))
    #expect(genres.count >= 15)
}

@Test func sameSeedGivesIdenticalBytesWhateverTheThreads() throws {
    let a = temporaryDirectory("det-a"), b = temporaryDirectory("det-b"), c = temporaryDirectory("det-c")
    defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
    // More than one chunk of users, so chunk order matters.
    let shape = SyntheticMovieLens.Shape(users: 2_500, movies: 300, ratings: 60_000)
    try SyntheticMovieLens(shape: shape, seed: 11).write(to: a, threads: 1)
    try SyntheticMovieLens(shape: shape, seed: 11).write(to: b, threads: 2)
    try SyntheticMovieLens(shape: shape, seed: 12).write(to: c, threads: 2)
    for name in ["ratings.csv", "movies.csv"] {
        let da = try Data(contentsOf: a.appendingPathComponent(name))
        let db = try Data(contentsOf: b.appendingPathComponent(name))
        let dc = try Data(contentsOf: c.appendingPathComponent(name))
        #expect(da == db, "\(name) differs between 1 and 2 threads")
        #expect(da != dc, "\(name) does not depend on the seed")
    }
    // Nothing but the two files (no temporary left behind).
    #expect(try FileManager.default.contentsOfDirectory(atPath: a.path).sorted() == ["movies.csv", "ratings.csv"])
}

@Test func tasteClustersAreRecoverableFromPositives() throws {
    let directory = temporaryDirectory("clusters")
    defer { try? FileManager.default.removeItem(at: directory) }
    let generator = SyntheticMovieLens(shape: smallShape, seed: 5, clusters: 4)
    try generator.write(to: directory)
    let truth = try generator.truth()
    let (_, lines) = try parseRatings(directory.appendingPathComponent("ratings.csv"))

    var positives = [Int: Set<Int>]()
    var own = 0, total = 0
    for l in lines where l.halves >= 8 {
        positives[l.user, default: []].insert(l.movie)
        total += 1
        if truth.movieGroup[Int32(l.movie)] == truth.userCluster[l.user - 1] { own += 1 }
    }
    // With 4 clusters, a quarter of positives would fall in the user's group by chance.
    #expect(Double(own) / Double(total) > 0.6)

    // Users of one cluster share more positives with each other than with users of other clusters.
    var within = 0.0, withinPairs = 0.0, across = 0.0, acrossPairs = 0.0
    let users = Array(1...300)
    for i in users.indices {
        for j in users.indices where j > i {
            let a = users[i], b = users[j]
            let shared = Double(positives[a, default: []].intersection(positives[b, default: []]).count)
            if truth.userCluster[a - 1] == truth.userCluster[b - 1] {
                within += shared; withinPairs += 1
            } else {
                across += shared; acrossPairs += 1
            }
        }
    }
    #expect(within / withinPairs > 2 * (across / acrossPairs))
}

@Test func impossibleShapesAreRefused() {
    #expect(throws: SynthError.self) {
        try SyntheticMovieLens(shape: .init(users: 100, movies: 400, ratings: 1_999)).validate()
    }
    #expect(throws: SynthError.self) {
        try SyntheticMovieLens(shape: .init(users: 10, movies: 100, ratings: 100_000)).validate()
    }
    #expect(throws: SynthError.self) {
        try SyntheticMovieLens(shape: .init(users: 100, movies: 10, ratings: 2_000)).validate()
    }
    #expect(throws: Never.self) { try SyntheticMovieLens().validate() }
}

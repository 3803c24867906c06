import Foundation
import Testing
import Dataset
@testable import Evaluation

/// Four users, five rated movies (ids 100…104), nine ratings in January–April 2000 (UTC).
///
///     user  movie  stars  date
///     1     100    5      2000-01-15      positive
///     1     101    4      2000-02-10      positive
///     1     102    3      2000-02-20
///     2     100    4      2000-03-05      positive  ← the 0.5 time cut (5th of 9 timestamps)
///     2     101    5      2000-03-06      positive
///     3     100    4.5    2000-03-07      positive
///     3     103    2      2000-01-20
///     4     104    5      2000-04-01      positive
///     4     100    3      2000-04-02
private func fixture() -> (Interactions, Catalog) {
    let rows: [(Int32, Int32, Float, Int64)] = [
        (0, 0, 5, 947_894_400), (0, 1, 4, 950_140_800), (0, 2, 3, 951_004_800), (1, 0, 4, 952_214_400), (1, 1, 5, 952_300_800),
        (2, 0, 4.5, 952_387_200), (2, 3, 2, 948_326_400), (3, 4, 5, 954_547_200), (3, 0, 3, 954_633_600),
    ]
    let m = CSRMatrix(rows: 4, columns: 5, rowIndex: rows.map(\.0), columnIndex: rows.map(\.1), values: rows.map(\.2), timestamps: rows.map(\.3))
    let data = Interactions(users: IdMap(sortedUnique: [1, 2, 3, 4]), items: IdMap(sortedUnique: [100, 101, 102, 103, 104]), byUser: m, threshold: 4)
    // Movie 103 is not in the catalogue; 999 is but was never rated.
    let catalog = Catalog(movies: [
        Movie(id: 100, title: "A (2000)", year: 2000, genres: ["Action", "Comedy"]), Movie(id: 101, title: "B", year: nil, genres: ["Comedy"]),
        Movie(id: 102, title: "C", year: nil, genres: ["Drama"]), Movie(id: 104, title: "E", year: nil, genres: ["Action", "Drama"]),
        Movie(id: 999, title: "Z", year: nil, genres: ["Western"]),
    ])
    return (data, catalog)
}

@Test func datasetAnalysisOfATinyFixtureMatchesHandComputedValues() throws {
    let (data, catalog) = fixture()
    let a = try DatasetAnalysis(data, catalog: catalog, timeCutQuantile: 0.5)
    #expect(a.users == 4 && a.items == 5 && a.catalogMovies == 5 && a.ratings == 9 && a.positives == 6)
    #expect(a.density == 9.0 / 20)
    // Half stars from 2 to 5: 2 ×1, 3 ×2, 4 ×2, 4.5 ×1, 5 ×3.
    #expect(a.ratingHistogram.map(\.rating) == [2, 2.5, 3, 3.5, 4, 4.5, 5])
    #expect(a.ratingHistogram.map(\.count) == [1, 0, 2, 0, 2, 1, 3])
    // Positives per movie 3, 2, 0, 0, 1.
    #expect(a.positivesByRank == [3, 2, 1, 0, 0] && a.moviesWithoutPositives == 2)
    #expect(a.top1Share == 0.5 && a.top10Share == 0.5)      // ⌈0.05⌉ = ⌈0.5⌉ = 1 movie: 3 of 6
    // Gini of [0, 0, 1, 2, 3]: Σ(2i − 6)x = 0·1 + 2·2 + 4·3 = 16, / (5 · 6).
    #expect(abs(a.gini - 16.0 / 30) < 1e-12)
    #expect(a.lorenz.map(\.share) == [0, 0, 0, 1.0 / 6, 0.5, 1] && a.headMovies == 2)
    // Positives per user 2, 2, 1, 1.
    #expect(a.userActivity == [.init(lower: 1, upper: 2, users: 2), .init(lower: 2, upper: 4, users: 2)])
    #expect(a.usersWithoutPositives == 0 && a.medianUserPositives == 1.5)
    #expect(abs(a.userGini - 1.0 / 6) < 1e-12)               // [1, 1, 2, 2]: (−3 − 1 + 2 + 6) / (4 · 6)
    // Months: January 1, February 1, March 3, April 1.
    #expect(a.positivesPerMonth.map(\.month) == ["2000-01", "2000-02", "2000-03", "2000-04"])
    #expect(a.positivesPerMonth.map(\.positives) == [1, 1, 3, 1])
    #expect(a.positivesPerMonth.map(\.start) == [946_684_800, 949_363_200, 951_868_800, 954_547_200])
    #expect(a.firstTimestamp == 947_894_400 && a.lastTimestamp == 954_633_600)
    // The cut is the 5th of 9 timestamps; three positives come after it.
    #expect(a.timeCut == .init(quantile: 0.5, timestamp: 952_214_400, positivesAfter: 3))
    #expect(try Split.timeCut(data, quantile: 0.5) == 952_214_400)
    let split = try Split.time(data, quantile: 0.5)
    // The same cut as the split's: of the three later positives, users 3 and 4 had none before it (dropped).
    #expect(split.test.ratingCount == 1 && split.droppedTestPositives == 2)
    // Genres over rated movies: Comedy (100, 101) 5 positives, Action (100, 104) 4, Drama (102, 104) 1.
    #expect(a.genres == [.init(genre: "Comedy", movies: 2, positives: 5), .init(genre: "Action", movies: 2, positives: 4),
                         .init(genre: "Drama", movies: 2, positives: 1)])
}

@Test func datasetAnalysisEncodesTheReportKeys() throws {
    let (data, catalog) = fixture()
    let a = try DatasetAnalysis(data, catalog: catalog)
    #expect(a.timeCut == nil)
    let object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(a)) as? [String: Any])
    for key in ["users", "items", "positives", "gini", "top1_share", "top10_share", "rating_histogram", "positives_by_rank", "lorenz",
                "user_activity", "positives_per_month", "genres"] {
        #expect(object[key] != nil, "missing \(key)")
    }
    #expect(object["users"] as? Int == 4 && object["top1_share"] as? Double == 0.5)
    #expect(try JSONDecoder().decode(DatasetAnalysis.self, from: try JSONEncoder().encode(a)) == a)
    #expect(throws: SplitError.quantileOutOfRange(1.5)) { try DatasetAnalysis(data, timeCutQuantile: 1.5) }
}

@Test func datasetAnalysisOfNoRatings() throws {
    let empty = Interactions(users: IdMap(sortedUnique: []), items: IdMap(sortedUnique: []),
                             byUser: CSRMatrix(rows: 0, columns: 0, rowStart: [0], columnIndex: [], values: [], timestamps: []), threshold: 4)
    let a = try DatasetAnalysis(empty, timeCutQuantile: 0.8)
    #expect(a.users == 0 && a.ratings == 0 && a.gini == 0 && a.positivesPerMonth.isEmpty && a.timeCut == nil && a.userActivity.isEmpty)
}

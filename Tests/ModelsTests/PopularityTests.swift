import Testing
import Dataset
@testable import Models

@Test func popularityRanksByPositivesAndSkipsSeen() {
    // 3 users × 4 items; threshold 4: item 2 has 3 positives, item 0 has 1, item 3 rated low by all.
    let m = CSRMatrix(rows: 3, columns: 4,
                      rowIndex: [0, 0, 1, 1, 2, 2], columnIndex: [2, 3, 2, 0, 2, 3],
                      values: [5, 1, 4, 4.5, 4, 2], timestamps: [0, 0, 0, 0, 0, 0])
    let data = Interactions(users: IdMap(ids: [1, 2, 3]), items: IdMap(ids: [10, 20, 30, 40]), byUser: m, threshold: 4)
    let pop = Popularity(training: data)
    #expect(pop.counts == [1, 0, 3, 0])
    #expect(pop.ranking() == [2, 0, 1, 3])
    let rec = pop.recommend(user: 0, k: 10, excluding: m.columns(ofRow: 0))
    #expect(rec.map(\.item) == [0, 1])
}

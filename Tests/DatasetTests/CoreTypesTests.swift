import Testing
@testable import Dataset

@Test func idMapMapsBothWaysInAscendingOrder() {
    let m = IdMap(ids: [Int32](arrayLiteral: 50, 3, 7, 3, 1000))
    #expect(m.externalIds == [3, 7, 50, 1000])
    #expect(m.index(of: 50) == 2 && m.index(of: 4) == nil && m.index(of: -1) == nil)
    let big = IdMap(ids: [Int32](arrayLiteral: 2_000_000_000, 5))
    #expect(big.index(of: 2_000_000_000) == 1 && big.externalId(of: 0) == 5 && big.index(of: 6) == nil)
}

@Test func csrFromTripletsAndTranspose() {
    // users × items: u0: i2(5), i0(3); u1: none; u2: i1(4)
    let m = CSRMatrix(rows: 3, columns: 3, rowIndex: [0, 2, 0], columnIndex: [2, 1, 0], values: [5, 4, 3], timestamps: [10, 20, 30])
    m._checkInvariants()
    #expect(m.rowStart == [0, 2, 2, 3])
    #expect(m.columnIndex == [0, 2, 1] && m.values == [3, 5, 4] && m.timestamps == [30, 10, 20])
    let t = m.transposed()
    t._checkInvariants()
    #expect(t.rowStart == [0, 1, 2, 3] && t.columnIndex == [0, 2, 0] && t.values == [3, 4, 5])
    #expect(t.transposed() == m)
    let pos = m.filtered { $0 >= 4 }
    #expect(pos.rowStart == [0, 1, 1, 2] && pos.columnIndex == [2, 1])
}

@Test func yearIsParsedFromTitles() {
    #expect(Movie.year(fromTitle: "Toy Story (1995)") == 1995)
    #expect(Movie.year(fromTitle: "Babylon 5 (1993-1998) ") == 1993)
    #expect(Movie.year(fromTitle: "Hyena Road") == nil)
    #expect(Movie.year(fromTitle: "1984 (abc)") == nil)
}

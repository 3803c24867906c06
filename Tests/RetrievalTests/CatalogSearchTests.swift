import Dataset
import Testing

@Test func titlesMatchWholePrefixOrCloseMatches() throws {
    let catalog = Catalog(movies: [
        Movie(id: 1, title: "Toy Story (1995)", year: 1995, genres: ["Animation"]),
        Movie(id: 2, title: "Toy Story 2 (1999)", year: 1999, genres: ["Animation"]),
        Movie(id: 6, title: "Heat (1995)", year: 1995, genres: ["Action"]),
    ])
    #expect(try catalog.movie(titled: "toy story (1995)").id == 1)
    #expect(try catalog.movie(titled: "  HEAT (").id == 6)
    #expect(try catalog.movie(titled: "Toy Story").id == 1)          // the title without its year
    guard case let .ambiguous(both) = catalog.match(title: "Toy Sto") else { Issue.record("expected ambiguous"); return }
    #expect(both.map(\.id) == [1, 2])
    guard case let .notFound(close) = catalog.match(title: "Haet (1995)") else { Issue.record("expected not found"); return }
    #expect(close.first?.id == 6)
    #expect(throws: TitleLookupError.self) { try catalog.movie(titled: "Jaws") }
}

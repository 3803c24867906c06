import Foundation
import Testing
@testable import Workspace

@Test func userIdsAreRangeCheckedBeforeTheyAreLookedUp() throws {
    let root = try temporaryFolder("marquee-resolve")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    #expect(try workspace.user(id: 1) == 0)
    // 4294967338 = 2³² + 42: truncated to 32 bits it would be user 42.
    #expect(throws: WorkspaceError.userIdOutOfRange(4_294_967_338)) { try workspace.user(id: 4_294_967_338) }
    #expect(throws: WorkspaceError.userIdOutOfRange(-1)) { try workspace.user(id: -1) }
    do { _ = try workspace.user(id: 99); Issue.record("user 99 found") } catch let error as WorkspaceError {
        #expect(error.description.contains("user 99 is not in") && error.description.contains("1…14"))
    }
    #expect(throws: WorkspaceError.movieIdOutOfRange(4_294_967_306)) { try workspace.movie(.id(4_294_967_306)) }
    #expect(throws: WorkspaceError.self) { try workspace.recommend(user: 4_294_967_297, k: 3) }
}

@Test func titlesResolveExactlyByNameByYearByIdAndByPrefix() throws {
    let root = try temporaryFolder("marquee-resolve")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    func id(_ text: String) throws -> Int { Int(try workspace.movie(.title(text)).movie.id) }
    #expect(try id("Comedy 12 (2000)") == 12)
    #expect(try id("comedy 12") == 12)                         // without the year
    #expect(try id("Sabrina (1954)") == 32 && id("sabrina 1995") == 33)
    #expect(try id("Les Miserables") == 34)                     // article moved back, accents folded
    #expect(try id("#21") == 21 && id("Drama 21 (2001) #21") == 21)
    #expect(try id("Drama 23 (") == 23)                         // a unique prefix
    // Two titles differ only by year: the bare name is ambiguous and the message lists both with ids.
    do { _ = try workspace.movie(.title("Sabrina")); Issue.record("Sabrina resolved") } catch let error as WorkspaceError {
        #expect(error.description.contains("Sabrina (1954)  (movie id 32)") && error.description.contains("Sabrina (1995)  (movie id 33)"))
    }
    do { _ = try workspace.movie(.title("Dramma 21")); Issue.record("a typo resolved") } catch let error as WorkspaceError {
        #expect(error.description.contains("did you mean") && error.description.contains("Drama 21 (2001)"))
    }
}

@Test func aTitleTwoMoviesShareResolvesToTheMostRatedAndSaysSo() throws {
    let root = try temporaryFolder("marquee-resolve")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    let emma = try workspace.movie(.title("emma (1996)"))
    #expect(emma.movie.id == 30)                                // two ratings against one for #31
    let note = try #require(emma.note)
    #expect(note.contains("2 movies are titled \"Emma (1996)\"") && note.contains("\"Emma (1996) #31\""))
    #expect(try workspace.movie(.title("Emma (1996) #31")).movie.id == 31)
    #expect(try workspace.movie(.title("Emma (1996) #31")).note == nil)
    let list = try workspace.recommend(likes: [.title("Emma (1996)"), .title("Comedy 10")], k: 3)
    #expect(list.likes == [30, 10] && list.notes?.count == 1)
}

@Test func aMovieNobodyRatedCannotBeALike() throws {
    let root = try temporaryFolder("marquee-resolve")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    #expect(throws: WorkspaceError.unratedMovie(title: "Sabrina (1954)", id: 32, dataset: workspace.dataDirectory.path)) {
        try workspace.recommend(likes: [.title("Sabrina (1954)")], k: 3)
    }
    #expect(throws: WorkspaceError.noLikes) { try workspace.recommend(likes: MovieReference.list(" ; ;"), k: 3) }
    #expect(throws: WorkspaceError.self) { try workspace.similar(movie: .id(32), k: 3) }
}

@Test func similarMoviesComeFromTheModelsCosineIndex() throws {
    let root = try temporaryFolder("marquee-resolve")
    defer { try? FileManager.default.removeItem(at: root) }
    let workspace = try openTwoGroups(root)
    let alike = try workspace.similar(movie: .title("Comedy 10"), k: 3)
    #expect(alike.query.movieId == 10 && alike.metric == "cosine" && alike.items.count == 3)
    // Neighbours from the comedy group, or the two "Emma (1996)" that only comedy fans liked.
    #expect(alike.items.allSatisfy { (11...14).contains($0.movieId) || [30, 31].contains($0.movieId) }, "\(alike.items.map(\.movieId))")
    #expect(alike.items.contains { (11...14).contains($0.movieId) })
    #expect(FileManager.default.fileExists(atPath: workspace.store.indexURL(.als, metric: .cosine).path))
}

import Dataset
import Foundation
import LinearAlgebra
import Models
import Testing
import VectorSearch
@testable import Retrieval

/// A MovieLens folder with Toy Story (1) and Heat (6) among 30 movies in two taste groups, 60 users.
private func snippetData() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-snippet-\(UUID().uuidString)")
    let data = root.appendingPathComponent("ml-tiny")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    var movies = ["movieId,title,genres", "1,Toy Story (1995),Animation|Children", "6,Heat (1995),Action|Crime"]
    for m in 100..<128 { movies.append("\(m),Movie \(m) (2000),\(m < 114 ? "Comedy" : "Drama")") }
    var ratings = ["userId,movieId,rating,timestamp"]
    var random = TestRandom(state: 9)
    for user in 1...60 {
        let group = user % 2
        let ids = group == 0 ? [1] + Array(100..<114) : [6] + Array(114..<128)
        for m in ids where random.next() < 0.5 { ratings.append("\(user),\(m),\(random.next() < 0.5 ? 4 : 5),\(user * 100 + m)") }
    }
    try (movies.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("movies.csv"), atomically: false, encoding: .utf8)
    try (ratings.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("ratings.csv"), atomically: false, encoding: .utf8)
    return root
}

/// Mirrors the README's "Library API" example (Recommendations section) line for line (paths point at a fixture), so the README
/// code keeps compiling and running.
@Test func readmeSnippetCompilesAndRuns() throws {
    let root = try snippetData()
    defer { try? FileManager.default.removeItem(at: root) }
    let dataPath = root.appendingPathComponent("ml-tiny").path
    let modelPath = root.appendingPathComponent("als.model").path, indexPath = root.appendingPathComponent("als-ip.hnsw").path
    do { // What `marquee recommend` builds when missing.
        let data = try MovieLensDataset.load(from: URL(fileURLWithPath: dataPath)).interactions
        let trained = try ALS.train(on: data, configuration: ALSConfiguration(factors: 4, iterations: 8), threads: 1, progress: false).model
        try trained.save(to: URL(fileURLWithPath: modelPath))
        try HNSWIndex.build(vectors: Matrix(rows: trained.itemCount, columns: trained.factors, values: trained.itemFactors),
                            ids: data.items.externalIds.map { Int($0) }, metric: .innerProduct).save(to: URL(fileURLWithPath: indexPath))
    }

    // ---- the snippet ----
    let dataset = try MovieLensDataset.load(from: URL(fileURLWithPath: dataPath))
    let als = try ALS.load(from: URL(fileURLWithPath: modelPath))
    let index = try HNSWIndex.load(from: URL(fileURLWithPath: indexPath))
    let items = dataset.interactions.items                    // the dataset's movie ids ↔ dense indices
    let pipeline = try RecommendationPipeline(
        model: RetrievalModel(als: als),
        retriever: HNSWRetriever(index: index, ef: 200, itemIds: items),   // or ExactRetriever(itemVectors:dimension:)
        training: dataset.interactions,
        options: RetrievalOptions(candidates: 100, scorer: .dot, explain: 3))
    func title(_ item: Int) -> String { dataset.catalog[items.externalId(of: item)]?.title ?? "?" }

    let user = dataset.interactions.users.index(of: 42)!
    var lines: [String] = []
    for r in try pipeline.recommend(user: user, k: 10) {
        lines.append("\(title(r.item)) \(r.score) \(r.source) \(r.because.map(title))")
    }

    let liked = try ["Toy Story (1995)", "Heat (1995)"].map { items.index(of: try dataset.catalog.movie(titled: $0).id)! }
    let forNewcomer = try pipeline.recommend(likedItems: liked, k: 10)

    let similarIndex = try HNSWIndex.build(vectors: Matrix(rows: als.itemCount, columns: als.factors, values: als.itemFactors),
                                           ids: items.externalIds.map { Int($0) }, metric: .cosine)
    let toyStory = try dataset.catalog.movie(titled: "Toy Story (1995)")
    let similar = try similarIndex.neighbors(of: Int(toyStory.id), k: 10).map { dataset.catalog[Int32($0.id)]!.title }
    // ---- end of the snippet ----

    #expect(lines.count == 10)
    #expect(forNewcomer.count == 10 && forNewcomer.allSatisfy { !liked.contains($0.item) })
    #expect(similar.count == 10 && !similar.contains("Toy Story (1995)"))
    // Toy Story's nearest neighbours are its own taste group's comedies.
    #expect(similar.prefix(5).allSatisfy { $0.hasPrefix("Movie 1") && Int($0.dropFirst(6).prefix(3))! < 114 }, "\(similar)")
}

import Foundation
import Testing

/// A tiny MovieLens folder: two taste groups (users 1–6 like movies 10–14, users 7–12 like 20–24).
private func recommendFixture() throws -> (root: URL, data: URL) {
    let root = try makeTemporaryDirectory("marquee-recommend-cli")
    let data = root.appendingPathComponent("tiny")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try writeFile(twoTasteGroupsRatingsCSV(), to: "ratings.csv", in: data)
    var movies = ["movieId,title,genres"]
    for m in 10..<15 { movies.append("\(m),Comedy \(m) (1990),Comedy") }
    for m in 20..<25 { movies.append("\(m),Drama \(m) (2000),Drama") }
    try writeFile(movies.joined(separator: "\n") + "\n", to: "movies.csv", in: data)
    return (root, data)
}

@Test func recommendJSONShapeBuildsMissingArtefactsAndNeverRepeatsSeenMovies() throws {
    let (root, data) = try recommendFixture()
    defer { try? FileManager.default.removeItem(at: root) }
    let models = root.appendingPathComponent("models")
    let common = ["--data", data.path, "--models-dir", models.path]
    let run = try runMarquee(["recommend", "--user", "1", "-k", "3", "--json"] + common)
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.split(separator: "\n").count == 1)
    #expect(run.stderr.contains("training") && run.stderr.contains("index"), "says what it built: \(run.stderr)")
    #expect(FileManager.default.fileExists(atPath: models.appendingPathComponent("tiny/als.model").path))
    #expect(FileManager.default.fileExists(atPath: models.appendingPathComponent("tiny/als-ip.hnsw").path))
    let object = try #require(run.json)
    #expect(object["user"] as? Int == 1)
    let items = try #require(object["items"] as? [[String: Any]])
    #expect(items.count == 3)
    let ids = items.compactMap { $0["movie_id"] as? Int }
    #expect(Set(ids).count == 3)
    // User 1 rated 10 (no: (1+11)%4==0 skips 11), 12, 13, 14 and 20; movies left: 11 and 21–24.
    #expect(ids.allSatisfy { ![10, 12, 13, 14, 20].contains($0) })
    for item in items {
        #expect(item["title"] is String && item["score"] is Double)
        #expect(["ann", "rerank", "popularity"].contains(item["source"] as? String ?? ""))
        #expect(item["because"] is [Int])
    }

    // Second run: artefacts exist, nothing is built.
    let again = try runMarquee(["recommend", "--likes", "comedy 10 (1990);Comedy 12", "-k", "2", "--json"] + common)
    #expect(again.status == 0, "stderr: \(again.stderr)")
    #expect(!again.stderr.contains("training"))
    let folded = try #require(again.json?["items"] as? [[String: Any]])
    #expect(folded.count == 2)
    #expect(folded.allSatisfy { ($0["movie_id"] as? Int).map { $0 >= 10 && $0 < 15 && $0 != 10 && $0 != 12 } ?? false })

    // NeuMF folds a newcomer in too (training the model first, and saying so).
    let neumf = try runMarquee(["recommend", "--likes", "Drama 20 (2000);Drama 21", "--model", "neumf", "-k", "2", "--json"] + common)
    #expect(neumf.status == 0, "stderr: \(neumf.stderr)")
    #expect(neumf.stderr.contains("neumf"))
    let newcomer = try #require(neumf.json?["items"] as? [[String: Any]])
    #expect(newcomer.count == 2 && newcomer.allSatisfy { ![20, 21].contains($0["movie_id"] as? Int ?? 20) })

    let unknown = try runMarquee(["recommend", "--user", "999"] + common)
    #expect(unknown.status != 0 && unknown.stderr.contains("999"))
    let badTitle = try runMarquee(["recommend", "--likes", "Comdy 11 (1990)"] + common)
    #expect(badTitle.status != 0 && badTitle.stderr.contains("did you mean") && badTitle.stderr.contains("Comedy 11"))
}

@Test func evaluateRetrievalJSONAddsOneRowPerEf() throws {
    let (root, data) = try recommendFixture()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try runMarquee(["evaluate", "--data", data.path, "--models-dir", root.appendingPathComponent("m").path,
                              "--models", "popularity,als", "--retrieval", "hnsw", "--ef", "5,50", "--json"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let object = try #require(run.json)
    let rows = try #require(object["retrieval"] as? [[String: Any]])
    #expect(rows.count == 2)
    #expect(rows.map { $0["ef"] as? Int } == [5, 50])
    for row in rows {
        #expect(row["model"] as? String == "als")
        for key in ["ndcg_exact", "ndcg_hnsw", "recall_exact", "recall_hnsw", "ndcg_loss", "neighbor_recall", "mean_ms", "p99_ms"] {
            #expect(row[key] is Double || row[key] is Int, "\(key)")
        }
    }
    // --fold-in adds one entry per model with vectors, under "fold_in".
    let folded = try runMarquee(["evaluate", "--data", data.path, "--models-dir", root.appendingPathComponent("m").path,
                                 "--models", "popularity,als", "--retrieval", "exact", "--fold-in", "--json"])
    #expect(folded.status == 0, "stderr: \(folded.stderr)")
    let entries = try #require(folded.json?["fold_in"] as? [[String: Any]])
    #expect(entries.count == 1 && entries[0]["model"] as? String == "als")
    for key in ["ndcg_trained", "ndcg_folded", "recall_trained", "recall_folded", "folded_mean_ms", "users"] {
        #expect(entries[0][key] is Double || entries[0][key] is Int, "\(key)")
    }
    let orphan = try runMarquee(["evaluate", "--data", data.path, "--fold-in"])
    #expect(orphan.status != 0 && orphan.stderr.contains("--fold-in"))
    let bad = try runMarquee(["evaluate", "--data", data.path, "--retrieval", "fast"])
    #expect(bad.status != 0 && bad.stderr.contains("fast"))
}

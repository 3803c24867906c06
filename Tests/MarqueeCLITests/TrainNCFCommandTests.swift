import Foundation
import Testing

/// A small two-taste-group dataset in the MovieLens CSV layout.
private func ncfFixture() throws -> (root: URL, data: URL) {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-ncf-cli-\(UUID().uuidString)")
    let data = root.appendingPathComponent("groups")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    var ratings = "userId,movieId,rating,timestamp\n"
    for u in 1...20 {
        let base = u <= 10 ? 0 : 20
        for j in 0..<8 { ratings += "\(u),\(base + (u + j * 3) % 20 + 1),\(j == 7 ? 2.0 : 4.5),\(1000 + j)\n" }
    }
    try ratings.write(to: data.appendingPathComponent("ratings.csv"), atomically: true, encoding: .utf8)
    var movies = "movieId,title,genres\n"
    for m in 1...40 { movies += "\(m),Movie \(m) (2000),Drama\n" }
    try movies.write(to: data.appendingPathComponent("movies.csv"), atomically: true, encoding: .utf8)
    return (root, data)
}

@Test func trainNeuMFJSONAndModelFile() throws {
    let f = try ncfFixture()
    defer { try? FileManager.default.removeItem(at: f.root) }
    let out = f.root.appendingPathComponent("neumf.model")
    let run = try runMarquee(["train", "--data", f.data.path, "--models-dir", f.root.appendingPathComponent("idx").path,
                              "--model", "neumf", "--epochs", "3", "--factors", "4", "--layers", "8,4",
                              "--seed", "3", "--out", out.path, "--json"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.split(separator: "\n").count == 1)
    guard let json = run.json else { Issue.record("stdout is not one JSON object: \(run.stdout)"); return }
    #expect((json["model"] as? String) == "neumf")
    #expect((json["users"] as? Int) == 20)
    #expect((json["layers"] as? [Int]) == [8, 4])
    let epochs = json["epochs"] as? [[String: Any]]
    #expect((1...3).contains(epochs?.count ?? 0))
    #expect(epochs?.allSatisfy { $0["loss"] is Double && $0["validation"] is Double } == true)
    #expect(((json["best_epoch"] as? Int) ?? 0) >= 1)
    #expect(FileManager.default.fileExists(atPath: out.path))
    // The saved model evaluates like any other (its scores are exported for every listed user).
    let users = f.root.appendingPathComponent("users.csv")
    try "userId\n1\n15\n999\n".write(to: users, atomically: true, encoding: .utf8)
    let scores = f.root.appendingPathComponent("scores.npy")
    let export = try runMarquee(["export-scores", "--model", out.path, "--users", users.path, "--out", scores.path], binary: "marquee-bench")
    #expect(export.status == 0, "stderr: \(export.stderr)")
    #expect(((try? Data(contentsOf: scores))?.count ?? 0) > 3 * 40 * 4)
    // Its GMF vectors export like an ALS model's factors: 20 users × 4 factors.
    let vectors = f.root.appendingPathComponent("vectors")
    let npy = try runMarquee(["export", "--model", out.path, "--out", vectors.path, "--json"])
    #expect(npy.status == 0, "stderr: \(npy.stderr)")
    #expect((npy.json?["model"] as? String) == "neumf")
    let userFactors = (try? Data(contentsOf: vectors.appendingPathComponent("user_factors.npy"))) ?? Data()
    #expect(String(decoding: userFactors.prefix(128), as: UTF8.self).contains("(20, 4)"))
    #expect(userFactors.count == 128 + 20 * 4 * 4)
    // An MLP model has no such vectors: a clear refusal, no files.
    let mlp = f.root.appendingPathComponent("mlp.model")
    let trained = try runMarquee(["train", "--data", f.data.path, "--models-dir", f.root.appendingPathComponent("idx").path,
                                  "--model", "mlp", "--epochs", "1", "--layers", "8,4", "--out", mlp.path])
    #expect(trained.status == 0, "stderr: \(trained.stderr)")
    let refused = try runMarquee(["export", "--model", mlp.path, "--out", f.root.appendingPathComponent("none").path])
    #expect(refused.status != 0 && refused.stderr.contains("only ALS, GMF and NeuMF"))
    #expect(!FileManager.default.fileExists(atPath: f.root.appendingPathComponent("none/user_factors.npy").path))
}

@Test func trainRejectsBadNCFArguments() throws {
    let f = try ncfFixture()
    defer { try? FileManager.default.removeItem(at: f.root) }
    let unknown = try runMarquee(["train", "--data", f.data.path, "--model", "svd"])
    #expect(unknown.status != 0 && unknown.stderr.contains("'svd'") && unknown.stderr.contains("'neumf'"))
    let layers = try runMarquee(["train", "--data", f.data.path, "--model", "mlp", "--layers", "7,3"])
    #expect(layers.status != 0 && layers.stderr.contains("even"))
    let malformed = try runMarquee(["train", "--data", f.data.path, "--model", "mlp", "--layers", "64,x"])
    #expect(malformed.status != 0 && malformed.stderr.contains("--layers"))
}

@Test func evaluateKnowsTheNCFModels() throws {
    let f = try ncfFixture()
    defer { try? FileManager.default.removeItem(at: f.root) }
    let config = f.root.appendingPathComponent("config.yaml")
    try "ncf:\n  epochs: 2\n  factors: 4\n  layers: [8, 4]\n".write(to: config, atomically: true, encoding: .utf8)
    let run = try runMarquee(["evaluate", "--config", config.path, "--data", f.data.path,
                              "--models-dir", f.root.appendingPathComponent("idx").path,
                              "--split", "leave-last", "--models", "gmf,mlp,neumf", "--protocol", "loo-sampled",
                              "--negatives", "5", "--json"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let models = run.json?["models"] as? [String: Any]
    #expect(models?.keys.sorted() == ["gmf", "mlp", "neumf"])
}

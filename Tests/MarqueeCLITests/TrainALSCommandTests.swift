import Foundation
import Testing

/// A small ratings.csv with two taste groups (users 1–6 like movies 10–14, users 7–12 like 20–24).
private func ratingsFixture() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-als-cli-\(UUID().uuidString)")
    let data = root.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try writeFile(twoTasteGroupsRatingsCSV(), to: "ratings.csv", in: data)
    try "movieId,title,genres\n".write(to: data.appendingPathComponent("movies.csv"), atomically: true, encoding: .utf8)
    return root
}

@Test func trainALSJSONWritesAModelThatExportsAsNumpy() throws {
    let root = try ratingsFixture()
    defer { try? FileManager.default.removeItem(at: root) }
    let model = root.appendingPathComponent("als.model")
    let run = try runMarquee(["train", "--model", "als", "--train", root.appendingPathComponent("data/ratings.csv").path,
                              "--factors", "4", "--iterations", "3", "--loss", "--threads", "2", "--out", model.path, "--json"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.split(separator: "\n").count == 1)
    let object = try #require(run.json)
    #expect(object["model"] as? String == "als")
    #expect(object["factors"] as? Int == 4 && object["iterations"] as? Int == 3)
    #expect((object["loss"] as? [Double])?.count == 3)
    #expect(object["seconds"] is Double && object["seconds_per_iteration"] is Double)
    #expect(FileManager.default.fileExists(atPath: model.path))

    let out = root.appendingPathComponent("npy")
    let export = try runMarquee(["export", "--model", model.path, "--format", "npy", "--out", out.path])
    #expect(export.status == 0, "stderr: \(export.stderr)")
    for name in ["user_factors.npy", "item_factors.npy", "user_ids.npy", "item_ids.npy"] {
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
    }
}

@Test func trainRejectsUnknownModelAndSolver() throws {
    let root = try ratingsFixture()
    defer { try? FileManager.default.removeItem(at: root) }
    let csv = root.appendingPathComponent("data/ratings.csv").path
    let unknown = try runMarquee(["train", "--model", "svd", "--train", csv])
    #expect(unknown.status != 0 && unknown.stderr.contains("svd"))
    let solver = try runMarquee(["train", "--model", "als", "--train", csv, "--solver", "lu", "--out", root.appendingPathComponent("m").path])
    #expect(solver.status != 0 && solver.stderr.contains("lu"))
}

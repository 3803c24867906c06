import Foundation
import Testing

// `marquee ingest`: the --json contract, the cache on the second run, --no-cache, errors.

@Test func ingestJSONReportsCountsAndUsesTheCacheOnTheSecondRun() throws {
    let root = try makeTemporaryDirectory("marquee-ingest")
    defer { try? FileManager.default.removeItem(at: root) }
    let data = root.appendingPathComponent("tiny")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    // Repeated pair (1,10): the later timestamp (5.0) wins; movie 99 is not in movies.csv.
    try writeFile("userId,movieId,rating,timestamp\n1,10,3.0,1\n1,10,5.0,2\n2,20,4.0,3\n2,99,2.0,4\n", to: "ratings.csv", in: data)
    try writeFile("movieId,title,genres\n10,\"Alpha, The (1995)\",Comedy\n20,Beta (1996),Drama\n30,Gamma (1997),Drama\n", to: "movies.csv", in: data)
    let models = root.appendingPathComponent("models")
    let arguments = ["ingest", "--data", data.path, "--models-dir", models.path, "--json"]

    let first = try runMarquee(arguments)
    #expect(first.status == 0, "\(first.stderr)")
    let j = try #require(first.json)
    #expect(j["format"] as? String == "ml-20m" && j["users"] as? Int == 2 && j["items"] as? Int == 3 && j["catalog"] as? Int == 3)
    #expect(j["ratings"] as? Int == 3 && j["positives"] as? Int == 2 && j["repeats"] as? Int == 1 && j["skipped"] as? Int == 0)
    #expect(j["missing_movie_ratings"] as? Int == 1 && j["from_cache"] as? Bool == false && j["seconds"] is Double)
    #expect(FileManager.default.fileExists(atPath: models.appendingPathComponent("tiny/dataset.cache").path))

    let second = try runMarquee(arguments)
    #expect(second.json?["from_cache"] as? Bool == true && second.json?["ratings"] as? Int == 3)
    // Another threshold: parsed again.
    let third = try runMarquee(arguments + ["--threshold", "3"])
    #expect(third.json?["from_cache"] as? Bool == false && third.json?["positives"] as? Int == 2)
    let forced = try runMarquee(arguments + ["--no-cache"])
    #expect(forced.json?["from_cache"] as? Bool == false)
}

@Test func ingestErrorsNameTheLineAndExitNonZero() throws {
    let root = try makeTemporaryDirectory("marquee-ingest-bad")
    defer { try? FileManager.default.removeItem(at: root) }
    try writeFile("userId,movieId,rating,timestamp\n1,10,3.0,1\n1,10,7.0,2\n", to: "ratings.csv", in: root)
    try writeFile("movieId,title,genres\n10,A (1995),Comedy\n", to: "movies.csv", in: root)
    let run = try runMarquee(["ingest", "--data", root.path, "--no-cache", "--json"])
    #expect(run.status != 0 && run.stdout.isEmpty && run.stderr.contains("ratings.csv:3: rating 7.0 is outside 0.5–5"), "\(run.stderr)")
    let skipping = try runMarquee(["ingest", "--data", root.path, "--no-cache", "--json", "--skip-bad-lines"])
    #expect(skipping.status == 0 && skipping.json?["skipped"] as? Int == 1 && skipping.json?["ratings"] as? Int == 1)
}

@Test func versionAndHelpListWhatUsersRun() throws {
    let version = try runMarquee(["--version"])
    #expect(version.status == 0 && version.stdout == "0.10.0\n")
    let help = try runMarquee(["--help"])
    for command in ["ingest", "train", "build-index", "recommend", "similar", "search", "evaluate", "export", "import", "config"] {
        #expect(help.stdout.contains("  \(command)"), "\(command) missing from --help")
    }
    #expect(!help.stdout.contains("als-bench") && !help.stdout.contains("bench-ann"))
    let bench = try runMarquee(["--help"], binary: "marquee-bench")
    #expect(bench.stdout.contains("als-bench") && bench.stdout.contains("bench-retrieval"))
    let evaluate = try runMarquee(["evaluate", "--help"])
    #expect(evaluate.stdout.contains("random, leave-last, time") || evaluate.stdout.contains("leave-last"))
}
